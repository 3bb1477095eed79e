"""Writes for running the board: declarations, assignments and article topics.

Each service takes keyword-only arguments, runs in one transaction, asks
``articles.policy``, records who and why, and queues its mail in the outbox in
the same transaction.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import policy
from articles.models import Article, ArticleTransition
from articles.notifications import desk_link
from board.models import ConflictDeclaration, ReviewAssignment, Specialty
from board.rules import assignment_refusal
from editorial import observability
from notifications.services import notify
from outbox.services import email_enqueue


def _lock(article: Article) -> None:
    """Serialise board writes on one article, so a double click records one row, not an error."""
    Article.objects.select_for_update().filter(pk=article.pk).values_list("pk").first()


def _record(article: Article, *, name: str, by, comment: str) -> None:
    """An audit row for a board event; the article's state does not change."""
    ArticleTransition.objects.create(
        article=article,
        name=name,
        source=article.state,
        target=article.state,
        actor=by,
        comment=comment,
        revision=article.revision,
    )
    observability.workflow_event_record(
        article=article, name=name, source=article.state, target=article.state, actor=by
    )


@transaction.atomic
def conflict_declare(
    *, article: Article, by, has_conflict: bool, note: str = ""
) -> ConflictDeclaration:
    """A board reviewer declares no conflict, or a conflict (and is recused), with one article.

    A declaration is made once per article. "No conflict" may later become a
    conflict (the reviewer recuses themself); a declared conflict is final.
    A conflict cancels the reviewer's open assignment on the article and is
    written to its audit log.
    """
    policy.ensure(by, policy.DECLARE, article)
    _lock(article)
    note = (note or "").strip()
    if has_conflict and not note:
        raise ValidationError({"note": "Say what the conflict of interest is."})
    if len(note) > 2000:
        raise ValidationError({"note": "Keep the note to 2,000 characters."})
    declaration = (
        ConflictDeclaration.objects.select_for_update().filter(article=article, reviewer=by).first()
    )
    if declaration is not None and not declaration.has_conflict and not has_conflict:
        return declaration  # said already: nothing new to record
    if declaration is not None and declaration.has_conflict:
        raise ValidationError(
            "You already declared a conflict of interest with this article on "
            f"{timezone.localtime(declaration.declared_at):%B %d, %Y}."
        )
    if declaration is None:
        declaration = ConflictDeclaration(article=article, reviewer=by)
    declaration.has_conflict = has_conflict
    declaration.note = note
    declaration.declared_at = timezone.now()
    declaration._history_user = by
    declaration.full_clean()
    declaration.save()
    policy.forget_board_refusals(article)
    if has_conflict:
        ReviewAssignment.objects.filter(
            article=article, reviewer=by, status=ReviewAssignment.Status.OPEN
        ).update(status=ReviewAssignment.Status.CANCELLED, completed_at=timezone.now())
        if article.assigned_reviewer_id == by.pk:
            # Someone else takes the review over; the article stays under review.
            Article.objects.filter(pk=article.pk).update(assigned_reviewer=None)
            article.assigned_reviewer = None
        _record(article, name="recuse", by=by, comment=f"Declared a conflict of interest: {note}")
    # "No conflict" is kept in the declaration and its history, not in the workflow's log.
    return declaration


def _reviewer_named(user_id) -> object:
    try:
        return get_user_model().objects.get(pk=user_id)
    except (get_user_model().DoesNotExist, ValueError, TypeError):
        raise ValidationError({"reviewers": f"There is no reviewer with id {user_id!r}."}) from None


@transaction.atomic
def assignment_create(
    *, article: Article, reviewer_ids: list, due_on: datetime.date | None, by
) -> list[ReviewAssignment]:
    """An editor-in-chief asks one or more reviewers to review the article by a date.

    Every reviewer is checked before any is assigned: an unknown, expired,
    conflicted or contributing reviewer refuses the whole request with the reason.
    Each assigned reviewer is told at the desk, and by mail as they chose.
    """
    policy.ensure(by, policy.ASSIGN, article)
    _lock(article)
    errors = []
    if due_on is None:
        errors.append("Give a due date.")
    elif due_on < timezone.localdate():
        errors.append("The due date is in the past; choose today or a later day.")
    if not reviewer_ids:
        errors.append("Choose at least one reviewer.")
    reviewers = []
    for reviewer_id in dict.fromkeys(reviewer_ids):
        reviewer = _reviewer_named(reviewer_id)
        if refusal := assignment_refusal(article, reviewer):
            errors.append(refusal)
        elif ReviewAssignment.objects.filter(
            article=article, reviewer=reviewer, status=ReviewAssignment.Status.OPEN
        ).exists():
            name = reviewer.get_full_name() or reviewer.username
            errors.append(f"{name} is already assigned this article.")
        else:
            reviewers.append(reviewer)
    if errors:
        raise ValidationError(errors)
    created = []
    for reviewer in reviewers:
        assignment = ReviewAssignment(
            article=article, reviewer=reviewer, assigned_by=by, due_on=due_on
        )
        assignment._history_user = by
        assignment.save()
        created.append(assignment)
    notify(
        recipients=[a.reviewer for a in created],
        kind="assigned",
        article=article,
        subject=f"Assigned to you for review: {article.title}",
        body=(
            f'You have been asked to review "{article.title}" by '
            f"{due_on:%B} {due_on.day}, {due_on:%Y}.\n\n"
            "Declare first whether you have a conflict of interest with it."
        ),
        actor=by,
    )
    names = ", ".join(a.reviewer.get_full_name() or a.reviewer.username for a in created)
    _record(article, name="assign", by=by, comment=f"Assigned to {names}, due {due_on:%Y-%m-%d}")
    return created


def assignments_complete(*, article: Article, reviewer) -> int:
    """The reviewer gave the board's decision (approved or requested changes): their work is done.

    Called by the workflow services in their transaction; how many assignments it closed.
    """
    return ReviewAssignment.objects.filter(
        article=article, reviewer=reviewer, status=ReviewAssignment.Status.OPEN
    ).update(status=ReviewAssignment.Status.DONE, completed_at=timezone.now())


def assignments_cancel_open(*, article: Article) -> int:
    """The article left review (approved, sent back, withdrawn or retracted): the assignments
    still open on it are cancelled, so no reviewer is reminded of, or counted as busy with,
    work that no longer waits for them. A resubmission is assigned again.

    Called by the workflow services in their transaction; how many it cancelled.
    """
    return ReviewAssignment.objects.filter(
        article=article, status=ReviewAssignment.Status.OPEN
    ).update(status=ReviewAssignment.Status.CANCELLED, completed_at=timezone.now())


@transaction.atomic
def article_topics_set(*, article: Article, by, topic_ids: list) -> Article:
    """An editor sets what the article is about (the board's specialty list); draft only."""
    policy.ensure(by, policy.EDIT, article)
    topics = list(Specialty.objects.filter(pk__in=topic_ids))
    if len(topics) != len(set(topic_ids)):
        raise ValidationError({"topics": "Choose topics from the list."})
    article.topics.set(topics)  # shown on no public page, so the kept pages stay current
    return article
