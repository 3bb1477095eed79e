"""Cache-Control on private answers: the token API and signed-in users; public pages stay public."""

from __future__ import annotations

from django.test import Client

from api import services as api_services
from tests.factories import approved_article


def directives(response) -> set[str]:
    return {part.strip().split("=", 1)[0] for part in response.get("Cache-Control", "").split(",")}


def test_the_draft_api_is_never_cached(editor):
    _, key = api_services.api_token_create(user=editor, name="t")
    authorised = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    for response in (authorised.get("/api/drafts/1/"), Client().get("/api/drafts/1/")):
        assert {"private", "no-store"} <= directives(response), response.status_code


def test_a_signed_in_readers_article_page_is_private_an_anonymous_ones_public(
    editor, reviewer, policy
):
    article = approved_article(by=editor, reviewer=reviewer)
    anonymous = Client().get(f"/articles/{article.slug}/")
    assert "public" in directives(anonymous) and "private" not in directives(anonymous)
    signed_in = Client()
    signed_in.force_login(reviewer)
    response = signed_in.get(f"/articles/{article.slug}/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)
