"""Kept whole pages: as fast as a cache read, and never older than the content they show."""

import dataclasses
import re

import pytest
from django.core.cache import cache

from articles import services
from articles.selectors import article_get_content
from public.models import SiteText
from tests.factories import (
    approved_article,
    make_policy,
    make_reviewer,
    submitted_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def without_token(html: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


def current_step(response) -> str:
    return re.search(
        r'aria-current="step">.*?step-label">([^<]+)<', response.content.decode(), re.S
    ).group(1)


def test_the_kept_page_is_the_rendered_page_with_a_fresh_token(
    client, policy, django_assert_num_queries
):
    article = approved_article()
    cache.clear()
    rendered = client.get(article.get_absolute_url())
    with django_assert_num_queries(1):
        kept = client.get(article.get_absolute_url())
    assert without_token(kept.content.decode()) == without_token(rendered.content.decode())
    assert "\x00" not in kept.content.decode()
    assert TOKEN.search(kept.content.decode())
    assert kept["ETag"] == rendered["ETag"]
    assert (
        client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=kept["ETag"]).status_code == 304
    )


def revise_and_approve(article, reviewer, text):
    services.article_revise(article=article, by=article.created_by)
    content = article_get_content(article=article)
    claims = list(content.claims)
    claims[1] = dataclasses.replace(claims[1], text=text)
    services.article_replace_content(
        article=article,
        by=article.created_by,
        expected_version=article.content_version,
        content=dataclasses.replace(content, claims=tuple(claims)),
    )
    services.article_submit(article=article, by=article.created_by, summary="Reworded.")
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)


def test_an_approval_shows_at_once(client, policy):
    reviewer = make_reviewer("second-reviewer")
    article = approved_article()
    client.get(article.get_absolute_url())
    assert "Newly approved wording." not in client.get(article.get_absolute_url()).content.decode()
    revise_and_approve(article, reviewer, "Newly approved wording.")
    assert "Newly approved wording." in client.get(article.get_absolute_url()).content.decode()


def test_a_revision_in_progress_keeps_the_approved_page(client, policy):
    article = approved_article()
    before = without_token(client.get(article.get_absolute_url()).content.decode())
    services.article_revise(article=article, by=article.created_by)
    assert without_token(client.get(article.get_absolute_url()).content.decode()) == before


def test_a_retraction_shows_at_once(client, policy, site_admin):
    article = approved_article()
    client.get(article.get_absolute_url())
    client.get(article.get_absolute_url())
    services.article_retract(article=article, by=site_admin, comment="Outdated dosing advice.")
    assert client.get(article.get_absolute_url()).status_code == 410


def test_a_review_step_on_a_pending_article_shows_at_once(client, policy, reviewer):
    article = submitted_article()
    client.get(article.get_absolute_url())
    assert current_step(client.get(article.get_absolute_url())) == "Submitted"
    services.article_start_review(article=article, by=reviewer)
    assert current_step(client.get(article.get_absolute_url())) == "Under Review"


def test_a_new_policy_in_force_and_a_disclaimer_edit_show_at_once(client, policy):
    article = approved_article()
    client.get(article.get_absolute_url())
    make_policy(2)
    assert "/editorial-policy/v2/" in client.get(article.get_absolute_url()).content.decode()
    SiteText.objects.update_or_create(
        key=SiteText.DISCLAIMER, defaults={"text": "A rewritten disclaimer."}
    )
    assert "A rewritten disclaimer." in client.get(article.get_absolute_url()).content.decode()


def test_readers_with_a_session_and_previews_are_never_served_a_kept_page(client, policy, editor):
    article = submitted_article(by=editor)
    client.get(article.get_absolute_url())
    client.get(article.get_absolute_url())
    client.force_login(editor)
    page = client.get(article.get_absolute_url())
    assert "no-store" in page["Cache-Control"]
    assert 'href="/accounts/logout/"' in page.content.decode() or "Log out" in page.content.decode()
