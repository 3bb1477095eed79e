"""Delete, move and indent are taken back by one Undo, with or without the script."""

import json

import pytest
from django.urls import reverse

from articles.selectors import article_get_content
from tests.factories import draft_article

pytestmark = pytest.mark.django_db


def texts(article):
    article.refresh_from_db()
    return [(c.text, c.level) for c in article_get_content(article=article).claims]


def change(client, article, uid, action, *, script=False):
    article.refresh_from_db()
    headers = {"HTTP_X_REQUESTED_WITH": "fetch"} if script else {}
    return client.post(
        reverse("desk:editor_change", args=[article.pk, uid, action]),
        {"expected_version": article.content_version},
        **headers,
    )


@pytest.mark.parametrize(
    ("action", "claim"),
    [("delete", 2), ("up", 2), ("down", 2), ("indent", 3)],  # claim 3: a bullet after a bullet
)
def test_the_script_gets_an_undo_that_restores_the_body(client, editor, action, claim):
    article = draft_article(by=editor, claims=4)
    before = texts(article)
    uid = str(article.claims.get(text=f"Claim {claim} states a fact.").uid)
    client.force_login(editor)
    answer = json.loads(change(client, article, uid, action, script=True).content)
    assert texts(article) != before
    assert answer["undo"]["label"].startswith("Undo")
    article.refresh_from_db()
    response = client.post(
        answer["undo"]["url"],
        {"expected_version": article.content_version},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 200
    assert texts(article) == before


def test_without_the_script_the_page_offers_the_undo(client, editor):
    article = draft_article(by=editor, claims=3)
    before = texts(article)
    uid = str(article.claims.get(text="Claim 2 states a fact.").uid)
    client.force_login(editor)
    response = change(client, article, uid, "delete")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Undo delete" in page and 'id="editor-undo"' in page
    undo_url = reverse("desk:editor_change", args=[article.pk, uid, "restore"])
    assert f'action="{undo_url}"' in page
    article.refresh_from_db()
    assert client.post(undo_url, {"expected_version": article.content_version}).status_code == 302
    assert texts(article) == before


def test_a_made_up_undo_in_the_address_offers_nothing(client, editor):
    article = draft_article(by=editor)
    client.force_login(editor)
    url = reverse("desk:editor", kwargs={"pk": article.pk})
    for query in ({"undo": "drop", "uid": "x"}, {"undo": "restore", "uid": "not-a-uuid"}):
        page = client.get(url, query).content.decode()
        assert 'id="editor-undo"' not in page
