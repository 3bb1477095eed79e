"""Two editors-in-chief assigning the same reviewer at once: one assignment, a clear refusal."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.permissions import EDITORS_IN_CHIEF
from board.models import ConflictDeclaration, ReviewAssignment
from board.services import assignment_create, conflict_declare
from tests.articles.test_concurrency import race
from tests.factories import UserFactory, make_editor, make_reviewer, submitted_article

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL (set DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_chiefs_assigning_one_reviewer_make_one_assignment():
    article = submitted_article(by=make_editor("author"))
    reviewer = make_reviewer("busy")
    one, two = (UserFactory(username=n, group=EDITORS_IN_CHIEF) for n in ("chief1", "chief2"))
    due = timezone.localdate() + datetime.timedelta(days=5)
    outcomes = race(
        *(
            lambda chief=chief: assignment_create(
                article=article, reviewer_ids=[reviewer.pk], due_on=due, by=chief
            )
            for chief in (one, two)
        )
    )
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, ValidationError) and "already assigned" in str(error)
    assert ReviewAssignment.objects.count() == 1


def test_a_double_declaration_records_one():
    article = submitted_article(by=make_editor("author"))
    reviewer = make_reviewer("quick")
    outcomes = race(
        *(lambda: conflict_declare(article=article, by=reviewer, has_conflict=False),) * 2
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    assert ConflictDeclaration.objects.count() == 1
