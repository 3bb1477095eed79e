"""The article review workflow: the whole state graph in one place.

Draft -> Submitted -> Under review -> Approved, with changes sent back to the
editor, a new revision started from an approved article, and retraction by a
site admin. Transition bodies stay empty, and the services in
``articles.services`` are the only callers.

The graph holds states and edges only. Who may take each step, and what the article
must be like first (its conditions, ``articles.readiness``), are asked by each step's
record in ``articles.steps``. So the article model mixes the graph in and imports no
rule: neither who may do what (nor, through it, the board's), nor the screening's.
"""

from __future__ import annotations

import django_fsm as fsm
from django.db import models

from articles.states import PENDING_STATES, ArticleState

__all__ = ["PENDING_STATES", "ArticleState", "ArticleWorkflow"]


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
    )
    def submit(self) -> None:
        """An editor hands the draft to the Medical Advisory Board."""

    @fsm.transition(
        field=state,
        source=ArticleState.DRAFT,
        target=ArticleState.SUBMITTED,
    )
    def receive_import(self) -> None:
        """An article drafted elsewhere arrives in the review queue as it was submitted there.

        Its unresolved citations and uncited claims are kept and still block approval.
        """

    @fsm.transition(
        field=state,
        source=ArticleState.SUBMITTED,
        target=ArticleState.DRAFT,
    )
    def withdraw(self) -> None:
        """The editor takes a submitted article back before review starts."""

    @fsm.transition(
        field=state,
        source=ArticleState.SUBMITTED,
        target=ArticleState.UNDER_REVIEW,
    )
    def start_review(self) -> None:
        """A board reviewer takes the article and becomes its assigned reviewer."""

    @fsm.transition(
        field=state,
        source=ArticleState.UNDER_REVIEW,
        target=ArticleState.DRAFT,
    )
    def request_changes(self) -> None:
        """The board sends the article back to its editor with a comment."""

    @fsm.transition(
        field=state,
        source=ArticleState.UNDER_REVIEW,
        target=ArticleState.APPROVED,
    )
    def approve(self) -> None:
        """Board sign-off: this revision becomes the published version."""

    @fsm.transition(
        field=state,
        source=ArticleState.APPROVED,
        target=ArticleState.DRAFT,
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
        target=ArticleState.RETRACTED,
    )
    def retract(self) -> None:
        """A site admin withdraws the article from publication for good."""
