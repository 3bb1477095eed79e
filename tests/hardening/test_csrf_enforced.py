"""CSRF on every state-changing request: a POST without a token is refused with 403.

Every URL that accepts POST is found by walking the URL configuration (see
test_url_access) and posted to, signed in as a site admin (who may do the most),
with CSRF checks on as in production. Nothing may change.
"""

from __future__ import annotations

from django.test import Client

from articles.models import Article, ArticleTransition
from tests.hardening.test_url_access import requests_for


def _state_snapshot():
    return (
        sorted(Article.objects.values_list("pk", "state", "content_version")),
        ArticleTransition.objects.count(),
    )


def test_every_post_without_a_token_is_refused(world, site_admin):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(site_admin)
    before = _state_snapshot()
    accepted = []
    for name, path in requests_for(world):
        if name.startswith("api:"):
            continue  # token-authenticated JSON: see the next test
        response = client.post(path, {"comment": "x", "title": "x", "question": "x"})
        if response.status_code not in (403, 405):
            accepted.append(f"{path} ({name}): {response.status_code}")
    assert not accepted, "POST without a CSRF token was not refused:\n  " + "\n  ".join(accepted)
    assert _state_snapshot() == before


def test_the_anonymous_follow_up_form_refuses_posts_not_from_the_site(world):
    """The follow-up form has no token (the page is the same for every reader); a browser's
    Origin or Sec-Fetch-Site must say the post comes from this site (tests/public/test_follow_up)."""
    client = Client(enforce_csrf_checks=True)
    url = f"/articles/{world.approved.slug}/follow-up/"
    assert client.post(url, {"question": "Dose?"}).status_code == 403
    foreign = client.post(url, {"question": "Dose?"}, HTTP_ORIGIN="https://evil.example")
    assert foreign.status_code == 403


def test_api_writes_ignore_the_browser_session(world, editor):
    """The API authenticates by token only, so a signed-in browser cannot be made to write there."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        "/api/drafts/", data={"title": "Forged"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert not Article.objects.filter(title="Forged").exists()


def test_login_form_needs_the_token(editor):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": "editor", "password": "pw-for-tests-2026"}
    )
    assert response.status_code == 403
