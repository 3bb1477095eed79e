"""API tokens: stored hashed, shown once, revocable in the admin, issued by a command."""

import hashlib
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse

from api import services
from api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_the_secret_is_never_stored(editor):
    token, key = services.api_token_create(user=editor, name="drafting tool")
    stored = ApiToken.objects.values().get(pk=token.pk)
    assert key not in {str(v) for v in stored.values()}
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert stored["key_prefix"] == key[:8]


def test_a_token_needs_a_name(editor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.api_token_create(user=editor, name="  ")


def test_use_is_recorded_at_most_once_a_minute(editor, client_for, django_assert_num_queries):
    client = client_for(editor)
    # token + note the use + count (an empty page needs no page query)
    with django_assert_num_queries(3):
        client.get(reverse("api:article-list"))
    assert ApiToken.objects.get().last_used_at is not None
    with django_assert_num_queries(2):
        client.get(reverse("api:article-list"))


def test_admin_creates_a_token_and_shows_the_secret_once(client, site_admin, editor):
    client.force_login(site_admin)
    response = client.post(
        reverse("admin:api_apitoken_add"), {"user": editor.pk, "name": "drafting tool"}, follow=True
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in get_messages(response.wsgi_request) if "not be shown again" in str(m)]
    assert len(shown) == 1
    key = shown[0].rsplit(": ", 1)[1]
    assert key.startswith(token.key_prefix)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    page = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert key not in page


def test_admin_revokes_tokens(client, site_admin, editor):
    token, key = services.api_token_create(user=editor, name="old tool")
    client.force_login(site_admin)
    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = client_with(key)
    assert api.get(reverse("api:article-list")).status_code == 401


def client_with(key):
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_only_admins_reach_the_token_admin(client, roles, role):
    client.force_login(roles[role])
    assert client.get(reverse("admin:api_apitoken_changelist")).status_code == 302


def test_command_prints_a_working_secret(editor):
    out = StringIO()
    call_command(
        "create_api_token", "editor", "--name", "drafting tool", stdout=out, stderr=StringIO()
    )
    key = out.getvalue().strip()
    assert (
        client_with(key).get(reverse("api:draft-detail", args=[1])).status_code == 404
    )  # authenticated


def test_command_refuses_unknown_users(db):
    with pytest.raises(CommandError):
        call_command(
            "create_api_token", "nobody", "--name", "x", stdout=StringIO(), stderr=StringIO()
        )


def test_docs_page_uses_no_cdn_and_the_schema_is_openapi_3(client, db):
    html = client.get(reverse("api:docs")).content.decode()
    assert "cdn" not in html.lower() and "googleapis" not in html
    assert "/static/drf_spectacular_sidecar/redoc/" in html
    assert 'spec-url="/api/schema/"' in html
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/answers/",
        "/api/articles/",
        "/api/articles/{slug}/",
        "/api/drafts/",
        "/api/drafts/{id}/",
        "/api/drafts/{id}/submit/",
    }
