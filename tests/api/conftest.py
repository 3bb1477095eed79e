import pytest
from rest_framework.test import APIClient

from api import services


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for(db):
    """An API client carrying a fresh token of ``user`` (anonymous when None)."""

    def make(user):
        client = APIClient()
        if user is not None and user.is_authenticated:
            _, key = services.api_token_create(user=user, name="tests")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return make
