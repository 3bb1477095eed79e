import pytest

from articles.permissions import EDITORS_IN_CHIEF
from tests.factories import UserFactory


@pytest.fixture
def chief(db):
    """An editor-in-chief: assigns reviewers, is told of submissions, is no reviewer."""
    return UserFactory(
        username="chief", first_name="Grace", last_name="Chief", group=EDITORS_IN_CHIEF
    )
