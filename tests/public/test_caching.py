"""HTTP caching and the shared render cache: fast, yet never stale after a state change."""

import pytest
from django.core.cache import cache

from articles import services
from articles.models import EditorialPolicy
from public import fastpath, rendered
from public.models import RenderedBody
from tests.factories import (
    approved_article,
    declare_no_conflict,
    make_reviewer,
    submitted_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db


def test_an_anonymous_approved_page_is_public_with_an_etag_and_answers_304(client, policy):
    article = approved_article()
    response = client.get(article.get_absolute_url())
    # Kept by the edge until a change purges its keys; by browsers briefly (public.edge).
    assert response["Cache-Control"] == (
        "public, max-age=30, s-maxage=86400, stale-while-revalidate=30, stale-if-error=86400"
    )
    assert response["xkey"] == response["Surrogate-Key"]
    assert set(response["xkey"].split()) == {
        f"article:{article.pk}",
        "policy",
        "site-text",
        "site",
    }
    assert "Cookie" in response["Vary"]
    etag = response["ETag"]
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    assert client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_pending_page_names_its_keys_and_has_an_etag(client, policy):
    article = submitted_article()
    response = client.get(article.get_absolute_url())
    assert f"article:{article.pk}" in response["xkey"].split() and response.has_header("ETag")
    assert "s-maxage=86400" in response["Cache-Control"]


def test_the_etag_changes_with_the_state_and_the_audience(client, policy):
    reviewer = make_reviewer("board1")
    article = submitted_article()
    url = article.get_absolute_url()
    submitted = client.get(url)["ETag"]
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    response = client.get(url, HTTP_IF_NONE_MATCH=submitted)
    assert response.status_code == 200
    assert 'aria-current="step">' in response.content.decode()
    under_review = response["ETag"]
    assert under_review != submitted
    patient = client.get(url, {"audience": "patient"}, HTTP_IF_NONE_MATCH=under_review)
    assert patient.status_code == 200 and patient["ETag"] != under_review


def test_the_cached_render_follows_the_article_through_its_states(client, policy):
    """Each state is a different key, so no invalidation is needed on any process."""
    reviewer = make_reviewer("board1")
    article = submitted_article()
    url = article.get_absolute_url()
    assert "pending human review" in client.get(url).content.decode()
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    html = client.get(url).content.decode()
    assert html.index('aria-current="step"') > html.index(">Submitted<")
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    html = client.get(url).content.decode()
    assert "pending human review" not in html and "Medically reviewed by" in html


def test_a_new_policy_version_in_force_changes_the_page(client, policy):
    import datetime

    article = approved_article()
    assert 'href="/editorial-policy/v1/"' in client.get(article.get_absolute_url()).content.decode()
    EditorialPolicy.objects.create(version=2, body="New.", effective_date=datetime.date(2025, 6, 1))
    assert 'href="/editorial-policy/v2/"' in client.get(article.get_absolute_url()).content.decode()


def test_the_approved_text_is_rendered_once_and_stored_per_audience(client, policy):
    article = approved_article()
    client.get(article.get_absolute_url())
    client.get(article.get_absolute_url(), {"audience": "patient"})
    stored = RenderedBody.objects.filter(version=article.published_version)
    assert sorted(stored.values_list("audience", flat=True)) == ["patient", "professional"]
    assert all("Claim 1 states a fact." in body.html for body in stored)
    # Nothing that can change without an approval is in it: the byline credits reviewers
    # as they are now, so it is not. (The claims' disclosures name who verified each claim
    # as recorded at approval, which no later change touches: that is stored.)
    assert all(
        "Medically reviewed by" not in body.html and "Disclaimer" not in body.html
        for body in stored
    )


def test_a_release_with_new_templates_renders_the_stored_text_again(client, policy, monkeypatch):
    article = approved_article()
    client.get(article.get_absolute_url())
    RenderedBody.objects.update(html="<p>Rendered by the previous release.</p>")
    fastpath.forget_all()
    cache.clear()  # kept pages go with a deploy's new cache key prefix or a cache flush
    next_release = rendered.template_version()[:-4] + "next"
    monkeypatch.setattr(rendered, "template_version", lambda: next_release)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "previous release" not in html and "Claim 1 states a fact." in html
    assert RenderedBody.objects.get(audience="professional").template_version == next_release


def test_desk_users_get_private_uncached_pages(client, policy, editor):
    article = approved_article()
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_a_re_approval_shows_the_new_review_date_and_history(client, policy, editor):
    reviewer = make_reviewer("board1")
    article = approved_article(by=editor, reviewer=reviewer)
    url = article.get_absolute_url()
    assert client.get(url).content.decode().count('<li id="review-') == 1
    services.article_revise(article=article, by=editor)
    services.article_submit(
        article=article, by=editor, summary="Re-checked against the 2026 label."
    )
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    html = client.get(url).content.decode()
    assert html.count('<li id="review-') == 2 and "Re-checked against the 2026 label." in html


def test_head_requests_are_answered(client, policy):
    article = approved_article()
    response = client.head(article.get_absolute_url())
    assert response.status_code == 200 and response.has_header("ETag")
    assert (
        client.head(article.get_absolute_url(), HTTP_IF_NONE_MATCH=response["ETag"]).status_code
        == 304
    )
