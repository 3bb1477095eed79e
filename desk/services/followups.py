"""Readers' follow-up questions in the editors' inbox: set aside, or turned into a draft."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from articles import roles, services
from articles.errors import WorkflowConflict
from articles.models import Article
from public.models import FollowUpQuestion


def _ensure_editor(by) -> None:
    if not roles.is_editor(by):
        raise PermissionDenied("Only editors handle readers' questions.")


def _lock_new_question(question):
    locked = FollowUpQuestion.objects.select_for_update().get(pk=question.pk)
    if locked.status != FollowUpQuestion.Status.NEW:
        raise WorkflowConflict("Someone has already handled this question.")
    return locked


@transaction.atomic
def followup_dismiss(*, question, by):
    """An editor sets a reader's question aside."""
    _ensure_editor(by)
    question = _lock_new_question(question)
    question.status = FollowUpQuestion.Status.DISMISSED
    question.save(update_fields=["status"])
    return question


@transaction.atomic
def followup_convert(*, question, by) -> Article:
    """An editor starts a new draft whose question is the reader's question."""
    _ensure_editor(by)
    question = _lock_new_question(question)
    article = services.article_create(
        by=by, title=question.question, reason="Created from a reader's question"
    )
    question.status = FollowUpQuestion.Status.CONVERTED
    question.converted_article = article
    question.save(update_fields=["status", "converted_article"])
    return article
