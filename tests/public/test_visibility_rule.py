"""One reader-visibility rule, read by every public door: state x SHOW_PENDING_ARTICLES.

The article page, the home list, search, the API list and detail, the sitemap,
the feed and the kept-page key all agree with ``articles.visibility``.
"""

import pytest
from django.test import override_settings
from django.urls import reverse

from articles import services
from articles.visibility import Shown, shown_for
from tests.factories import (
    approved_article,
    draft_article,
    make_admin,
    submitted_article,
    under_review_article,
)

pytestmark = pytest.mark.django_db

STATES = ["draft", "submitted", "under_review", "approved", "revising", "retracted"]


def make(state, editor, reviewer):
    if state == "draft":
        return draft_article(by=editor)
    if state == "submitted":
        return submitted_article(by=editor)
    if state == "under_review":
        return under_review_article(by=editor, reviewer=reviewer)
    article = approved_article(by=editor, reviewer=reviewer)
    if state == "revising":
        services.article_revise(article=article, by=editor)
    if state == "retracted":
        services.article_retract(
            article=article, by=make_admin("visibility-admin"), comment="Withdrawn."
        )
    return article


EXPECTED = {
    # state: what readers see with pending articles shown, and hidden
    "draft": (None, None),
    "submitted": (Shown.PENDING, None),
    "under_review": (Shown.PENDING, None),
    "approved": (Shown.APPROVED, Shown.APPROVED),
    "revising": (Shown.APPROVED, Shown.APPROVED),
    "retracted": (None, None),
}


@pytest.mark.parametrize("pending_shown", [True, False], ids=["pending-shown", "pending-hidden"])
@pytest.mark.parametrize("state", STATES)
def test_every_public_door_follows_the_one_rule(
    client, editor, reviewer, policy, state, pending_shown
):
    article = make(state, editor, reviewer)
    expected = EXPECTED[state][0 if pending_shown else 1]
    with override_settings(SHOW_PENDING_ARTICLES=pending_shown):
        assert shown_for(article) == expected
        visible = expected is not None
        page = client.get(article.get_absolute_url())
        assert page.status_code == (200 if visible else 410 if state == "retracted" else 404)
        home = client.get(reverse("public:home")).content.decode()
        assert (article.get_absolute_url() in home) == visible
        found = client.get(reverse("public:search"), {"q": "baclofen"}).content.decode()
        assert (article.get_absolute_url() in found) == visible
        listed = client.get("/api/articles/").json()
        assert (article.slug in {a["slug"] for a in listed["results"]}) == visible
        detail = client.get(f"/api/articles/{article.slug}/").status_code
        assert detail == (200 if visible else 410 if state == "retracted" else 404)
        approved = expected == Shown.APPROVED
        sitemap = client.get(
            reverse("public:sitemap-section", kwargs={"section": "articles"})
        ).content.decode()
        assert (article.get_absolute_url() in sitemap) == approved
        feed = client.get(reverse("public:feed")).content.decode()
        assert (article.get_absolute_url() in feed) == approved
