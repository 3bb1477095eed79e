import pytest

from tests.factories import draft_article


@pytest.fixture
def login(client):
    """Log the test client in as ``user`` (None stays anonymous); returns the client."""

    def as_user(user):
        if user is not None and user.is_authenticated:
            client.force_login(user)
        return client

    return as_user


@pytest.fixture
def draft(editor):
    return draft_article(by=editor)
