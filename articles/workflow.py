"""The article review workflow: the whole state graph in one place.

Draft -> Submitted -> Under review -> Approved, with changes sent back to the
editor, a new revision started from an approved article, and retraction by a
site admin. Transition bodies stay empty: the rules are the named predicates
below, and the services in ``articles.services`` are the only callers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_fsm as fsm
from django.db import models

from screening.rules import has_no_unjustified_retracted_citation

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from articles.models import Article


class ArticleState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    UNDER_REVIEW = "under_review", "Under review"
    APPROVED = "approved", "Approved"
    ARCHIVED = "archived", "Retracted"


# Permission codenames (app label "articles"); granted to groups by a data migration.
PERM_EDIT = "articles.change_article"
PERM_SUBMIT = "articles.submit_article"
PERM_REVIEW = "articles.review_article"
PERM_RETRACT = "articles.retract_article"


# -- Conditions: what the article must be like for a transition to apply ------------


def has_title(article: Article) -> bool:
    return bool(article.title.strip())


def has_claims(article: Article) -> bool:
    return bool(article.claim_summaries())


def every_fact_claim_is_cited(article: Article) -> bool:
    """Each fact-stating claim cites a reference or is marked as needing none."""
    return not any(c.lacks_citation for c in article.claim_summaries())


def has_no_unresolved_citation(article: Article) -> bool:
    return not any(c.unresolved for c in article.claim_summaries())


def every_fact_claim_is_verified(article: Article) -> bool:
    """A board reviewer verified each fact-stating claim as it now reads."""
    return all(c.verified for c in article.claim_summaries() if c.states_fact)


SUBMIT_CONDITIONS = [has_title, has_claims, every_fact_claim_is_cited, has_no_unresolved_citation]
APPROVE_CONDITIONS = [
    *SUBMIT_CONDITIONS,
    every_fact_claim_is_verified,
    has_no_unjustified_retracted_citation,  # retraction screening (screening.rules)
]


# -- Permissions: who may take a transition on this article ------------------------


def _is_active(user: AbstractBaseUser) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_edit(article: Article, user: AbstractBaseUser) -> bool:
    return _is_active(user) and user.has_perm(PERM_EDIT)


def can_submit(article: Article, user: AbstractBaseUser) -> bool:
    return _is_active(user) and user.has_perm(PERM_SUBMIT)


def is_its_editor(article: Article, user: AbstractBaseUser) -> bool:
    """Withdrawing is for the editors who wrote this revision (or a site admin)."""
    if not can_submit(article, user):
        return False
    return user.is_superuser or article.is_contributor(user)


def can_review(article: Article, user: AbstractBaseUser) -> bool:
    return _is_active(user) and user.has_perm(PERM_REVIEW)


def can_approve(article: Article, user: AbstractBaseUser) -> bool:
    # Conflict of interest: nobody signs off content they drafted or edited in
    # this revision, whatever their other roles.
    return can_review(article, user) and not article.is_contributor(user)


def can_retract(article: Article, user: AbstractBaseUser) -> bool:
    return _is_active(user) and user.has_perm(PERM_RETRACT)


def is_content_editable(article: Article) -> bool:
    """Content changes only in draft, so an approval covers exactly what was reviewed."""
    return article.state == ArticleState.DRAFT


class ArticleWorkflow(models.Model):
    """Abstract base holding the state field and the transitions."""

    state = fsm.FSMField(
        default=ArticleState.DRAFT, choices=ArticleState.choices, protected=True, db_index=True
    )

    class Meta:
        abstract = True

    @fsm.transition(
        field=state,
        source=ArticleState.DRAFT,
        target=ArticleState.SUBMITTED,
        conditions=SUBMIT_CONDITIONS,
        permission=can_submit,
        custom={"label": "Submit for review", "admin": True},
    )
    def submit(self) -> None:
        """An editor hands the draft to the Medical Advisory Board."""

    @fsm.transition(
        field=state,
        source=ArticleState.DRAFT,
        target=ArticleState.SUBMITTED,
        conditions=[has_title, has_claims],
        permission=can_submit,
        custom={"label": "Import as submitted"},
    )
    def receive_import(self) -> None:
        """An article drafted elsewhere arrives in the review queue as it was submitted there.

        Its unresolved citations and uncited claims are kept and still block approval.
        """

    @fsm.transition(
        field=state,
        source=ArticleState.SUBMITTED,
        target=ArticleState.DRAFT,
        permission=is_its_editor,
        custom={"label": "Withdraw", "admin": True},
    )
    def withdraw(self) -> None:
        """The editor takes a submitted article back before review starts."""

    @fsm.transition(
        field=state,
        source=ArticleState.SUBMITTED,
        target=ArticleState.UNDER_REVIEW,
        permission=can_review,
        custom={"label": "Start review", "admin": True},
    )
    def start_review(self) -> None:
        """A board reviewer takes the article and becomes its assigned reviewer."""

    @fsm.transition(
        field=state,
        source=ArticleState.UNDER_REVIEW,
        target=ArticleState.DRAFT,
        permission=can_review,
        custom={"label": "Request changes", "admin": True, "comment_required": True},
    )
    def request_changes(self) -> None:
        """The board sends the article back to its editor with a comment."""

    @fsm.transition(
        field=state,
        source=ArticleState.UNDER_REVIEW,
        target=ArticleState.APPROVED,
        conditions=APPROVE_CONDITIONS,
        permission=can_approve,
        custom={"label": "Approve", "admin": True},
    )
    def approve(self) -> None:
        """Board sign-off: this revision becomes the published version."""

    @fsm.transition(
        field=state,
        source=ArticleState.APPROVED,
        target=ArticleState.DRAFT,
        permission=can_edit,
        custom={"label": "Revise", "admin": True},
    )
    def revise(self) -> None:
        """Start a new revision; readers keep the approved version meanwhile."""

    @fsm.transition(
        field=state,
        source=[
            ArticleState.DRAFT,
            ArticleState.SUBMITTED,
            ArticleState.UNDER_REVIEW,
            ArticleState.APPROVED,
        ],
        target=ArticleState.ARCHIVED,
        permission=can_retract,
        custom={"label": "Retract", "admin": True, "comment_required": True},
    )
    def retract(self) -> None:
        """A site admin withdraws the article from publication for good."""


# The transitions people take by name (desk, admin, API), with their labels.
TRANSITION_NAMES = (
    "submit",
    "withdraw",
    "start_review",
    "request_changes",
    "approve",
    "revise",
    "retract",
)
