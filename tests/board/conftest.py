import datetime

import pytest
from django.utils import timezone

from articles.permissions import EDITORS_IN_CHIEF
from board.models import BoardMember, Credential, Specialty
from tests.factories import UserFactory, make_reviewer


@pytest.fixture
def chief(db):
    """An editor-in-chief: assigns reviewers, is no reviewer."""
    return UserFactory(
        username="chief", first_name="Grace", last_name="Chief", group=EDITORS_IN_CHIEF
    )


@pytest.fixture
def neurology(db):
    return Specialty.objects.create(name="Neurology", slug="neurology")


@pytest.fixture
def oncology(db):
    return Specialty.objects.create(
        name="Oncology", slug="oncology", required_approvals=2, rereview_after_days=90
    )


def credential(user, *, days: int | None, name: str = "Board certification"):
    """A credential of ``user``'s board profile expiring ``days`` from today (None: never)."""
    member = BoardMember.objects.get(user=user)
    expires = timezone.localdate() + datetime.timedelta(days=days) if days is not None else None
    return Credential.objects.create(
        member=member, name=name, issued_by="Medical Council", expires_on=expires
    )


@pytest.fixture
def expired_reviewer(db):
    user = make_reviewer("expired")
    credential(user, days=-1, name="Board certification, Neurology")
    return user
