"""The admin serves site admins, and its workflow buttons go through the services."""

import pytest
from django.urls import reverse

from articles.models import ArticleTransition
from articles.workflow import ArticleState
from tests.factories import declare_no_conflict, submitted_article

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_admin_lists_and_shows_articles_with_history(client, site_admin, editor):
    article = submitted_article(by=editor)
    declare_no_conflict(article, site_admin)
    client.force_login(site_admin)
    assert (
        client.get(reverse("admin:articles_article_changelist") + "?state=submitted").status_code
        == 200
    )
    page = client.get(change_url(article))
    assert page.status_code == 200
    assert b"Start review" in page.content and b"Retract" in page.content
    assert (
        client.get(reverse("admin:articles_article_history", args=[article.pk])).status_code == 200
    )


def test_admin_transition_button_runs_the_service(client, site_admin, editor):
    article = submitted_article(by=editor)
    declare_no_conflict(article, site_admin)
    client.force_login(site_admin)
    data = {
        "title": article.title,
        "display_heading": article.display_heading,
        "_fsm_transition_to": "start_review",
        "claims-TOTAL_FORMS": "0",
        "claims-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
    }
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.state, article.assigned_reviewer) == (ArticleState.UNDER_REVIEW, site_admin)
    assert ArticleTransition.objects.filter(
        article=article, name="start_review", actor=site_admin
    ).exists()


def test_a_comment_is_asked_for_before_retracting(client, site_admin, editor):
    article = submitted_article(by=editor)
    client.force_login(site_admin)
    url = reverse("admin:articles_article_transition", args=[article.pk, "retract"])
    assert client.post(url, {"comment": ""}).status_code == 200  # the form again, with its error
    article.refresh_from_db()
    assert article.state == ArticleState.SUBMITTED
    client.post(url, {"comment": "Superseded by a newer article."})
    article.refresh_from_db()
    assert article.state == ArticleState.RETRACTED


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_desk_roles_do_not_get_the_admin(client, roles, role):
    client.force_login(roles[role])
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
