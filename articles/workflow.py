"""The article review workflow: the whole state graph in one place.

Draft -> Submitted -> Under review -> Approved, with changes sent back to the
editor, a new revision started from an approved article, and retraction by a
site admin. Transition bodies stay empty: the conditions are the named
predicates below (each says in words what it asks for), and the services in
``articles.services`` are the only callers.

Who may take each step is not part of the graph: each step's record in
``articles.steps`` asks ``articles.policy``. The graph stays below the policy, so the
models never import the rules of who may do what (nor, through them, the board's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import django_fsm as fsm
from django.db import models

from articles.states import PENDING_STATES, ArticleState
from screening import rules as screening_rules

if TYPE_CHECKING:
    from articles.models import Article

__all__ = ["PENDING_STATES", "ArticleState", "ArticleWorkflow"]


def condition(message: str) -> Callable[[Callable], Callable]:
    """Mark a predicate as a transition condition, with what it asks for in words."""

    def mark(predicate: Callable) -> Callable:
        predicate.message = message
        return predicate

    return mark


# -- Conditions: what the article must be like for a transition to apply ------------


@condition("The article has no question (title).")
def has_title(article: Article) -> bool:
    return bool(article.title.strip())


@condition("The article has no claims yet.")
def has_claims(article: Article) -> bool:
    return bool(article.claim_summaries())


@condition(
    "Some claims state a fact without citing a reference; cite one or mark the claim as "
    "needing none."
)
def every_fact_claim_is_cited(article: Article) -> bool:
    """Each fact-stating claim cites a reference or is marked as needing none."""
    return not any(c.lacks_citation for c in article.claim_summaries())


@condition("Some citations point to a number with no reference behind it.")
def has_no_unresolved_citation(article: Article) -> bool:
    return not any(c.unresolved for c in article.claim_summaries())


@condition(
    "Not every claim and heading has been verified by a board reviewer as it now reads "
    "(wording, plain-language version, evidence level, citations, quoted passages and the "
    "cited references' details)."
)
def every_claim_is_verified(article: Article) -> bool:
    """A board reviewer who did not write this revision verified each item as it now reads.

    Headings count: readers see them, so the board signs them off too.
    """
    return all(c.verified for c in article.claim_summaries())


SUBMIT_CONDITIONS = [has_title, has_claims, every_fact_claim_is_cited, has_no_unresolved_citation]
# Retraction screening (screening.rules): a claim may cite a retracted paper only
# with a board reviewer's recorded justification.
has_no_unjustified_retracted_citation = condition(
    "Some claims cite a retracted paper; a board reviewer must record a justification on each "
    "such citation, or the editor must replace it."
)(screening_rules.has_no_unjustified_retracted_citation)

APPROVE_CONDITIONS = [
    *SUBMIT_CONDITIONS,
    every_claim_is_verified,
    has_no_unjustified_retracted_citation,
]


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
    )
    def submit(self) -> None:
        """An editor hands the draft to the Medical Advisory Board."""

    @fsm.transition(
        field=state,
        source=ArticleState.DRAFT,
        target=ArticleState.SUBMITTED,
        conditions=[has_title, has_claims],
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
        conditions=APPROVE_CONDITIONS,
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
