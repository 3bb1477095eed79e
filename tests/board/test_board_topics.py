"""Article topics: editors set them at the desk while the article is a draft."""

import pytest
from django.urls import reverse

from tests.factories import draft_article, submitted_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("editor", 302), ("other_editor", 302), ("reviewer", 403), ("admin", 302)],
)
def test_setting_topics_by_role(client, roles, neurology, role, status):
    article = draft_article(by=roles["editor"])
    if role != "anonymous":
        client.force_login(roles[role])
    response = client.post(
        reverse("desk:topics", kwargs={"pk": article.pk}), {"topics": [neurology.pk]}
    )
    assert response.status_code == status
    assert list(article.topics.all()) == (
        [neurology] if role in ("editor", "other_editor", "admin") else []
    )


def test_topics_are_locked_outside_draft_and_unknown_ones_refused(
    client, editor, neurology, policy
):
    client.force_login(editor)
    draft = draft_article(by=editor)
    page = client.get(reverse("desk:article", kwargs={"pk": draft.pk})).content.decode()
    assert "Topics of this article" in page and "Neurology" in page
    bad = client.post(reverse("desk:topics", kwargs={"pk": draft.pk}), {"topics": ["9999"]})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    submitted = submitted_article(by=editor, title="Submitted question?")
    locked = client.post(
        reverse("desk:topics", kwargs={"pk": submitted.pk}), {"topics": [neurology.pk]}
    )
    assert locked.status_code == 409
    assert not submitted.topics.exists()
