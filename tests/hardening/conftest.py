"""Shared data for the hardening tests: an article in every state, a reader question, roles."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from articles import services
from public import services as public_services
from tests.factories import (
    UserFactory,
    approved_article,
    draft_article,
    submitted_article,
    under_review_article,
)


@pytest.fixture
def reader(db):
    """Signed in, but in no group: a reader with an account, never a desk user."""
    return UserFactory(username="reader")


@dataclass
class World:
    draft: object
    submitted: object
    under_review: object
    approved: object
    retracted: object
    question: object

    @property
    def articles(self) -> dict[str, object]:
        return {
            "draft": self.draft,
            "submitted": self.submitted,
            "under_review": self.under_review,
            "approved": self.approved,
            "retracted": self.retracted,
        }


@pytest.fixture
def world(editor, reviewer, other_reviewer, site_admin, policy) -> World:
    """One article in each state, written by ``editor`` and reviewed by ``reviewer``."""
    retracted = approved_article(by=editor, reviewer=other_reviewer, title="What was retracted?")
    services.article_retract(article=retracted, by=site_admin, comment="Superseded guidance.")
    approved = approved_article(by=editor, reviewer=reviewer, title="What is approved?")
    question = public_services.followup_question_create(
        article=approved, question="Is it safe with ibuprofen?", client="c1"
    )
    return World(
        draft=draft_article(by=editor, title="What is drafted?"),
        submitted=submitted_article(by=editor, title="What is submitted?"),
        under_review=under_review_article(by=editor, reviewer=reviewer, title="What is in review?"),
        approved=approved,
        retracted=retracted,
        question=question,
    )


@pytest.fixture
def all_roles(roles, reader) -> dict[str, object]:
    return {**roles, "reader": reader}
