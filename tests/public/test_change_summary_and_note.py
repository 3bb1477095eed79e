"""The public change summary and the private note to the board are kept apart."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles import services
from tests.factories import approved_article, declare_no_conflict, verify_all_claims

pytestmark = pytest.mark.django_db

NOTE = "Reply to Dr. Reviewer: I checked the dosing table again, see claim 2."
SUMMARY = "Clarified the dosing advice."


def test_readers_see_the_summary_and_never_the_note(client, editor, reviewer, policy):
    article = approved_article(by=editor, reviewer=reviewer)
    services.article_revise(article=article, by=editor)
    client.force_login(editor)
    page = client.get(reverse("desk:article", kwargs={"pk": article.pk})).content.decode()
    assert "Public change summary" in page and "Note to the board (private)" in page
    assert "Readers see this line" in page and "Readers never see it" in page
    response = client.post(
        reverse("desk:transition", kwargs={"pk": article.pk, "name": "submit"}),
        {"summary": SUMMARY, "note": NOTE, "expected_version": article.content_version},
    )
    assert response.status_code == 302
    client.force_login(reviewer)
    desk = client.get(reverse("desk:article", kwargs={"pk": article.pk})).content.decode()
    assert NOTE in desk  # the board reads the note at the desk
    article.refresh_from_db()
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    client.logout()
    cache.clear()
    public = client.get(article.get_absolute_url()).content.decode()
    feed = client.get(reverse("public:feed")).content.decode()
    api = client.get(f"/api/articles/{article.slug}/").content.decode()
    for shown in (public, feed):
        assert SUMMARY in shown
    for shown in (public, feed, api):
        assert "I checked the dosing table" not in shown
