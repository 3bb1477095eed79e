"""The public read API: what readers' apps may see, paging, updated_since, ETags, query budgets."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from tests.factories import (
    approved_article,
    declare_no_conflict,
    draft_article,
    make_reviewer,
    submitted_article,
    under_review_article,
)

pytestmark = pytest.mark.django_db

LIST = reverse("api:article-list")


def detail(article):
    return reverse("api:article-detail", args=[article.slug])


@pytest.fixture
def articles(editor, reviewer, policy):
    return {
        "approved": approved_article(by=editor, reviewer=reviewer, title="Is approved?"),
        "submitted": submitted_article(by=editor, title="Is submitted?"),
        "under_review": under_review_article(
            by=editor, reviewer=reviewer, title="Is under review?"
        ),
        "draft": draft_article(by=editor, title="Is a draft?"),
    }


def test_list_shows_approved_and_pending_with_explicit_status_never_drafts(api_client, articles):
    response = api_client.get(LIST)
    assert response.status_code == 200
    statuses = {
        item["title"]: (item["status"], item["is_approved"]) for item in response.json()["results"]
    }
    assert statuses == {
        "Is approved?": ("approved", True),
        "Is submitted?": ("submitted", False),
        "Is under review?": ("under_review", False),
    }
    assert response.json()["count"] == 3


def test_list_hides_pending_when_the_site_does(api_client, articles, settings):
    settings.SHOW_PENDING_ARTICLES = False
    titles = [item["title"] for item in api_client.get(LIST).json()["results"]]
    assert titles == ["Is approved?"]


def test_list_never_shows_retracted(api_client, articles, site_admin):
    services.article_retract(article=articles["approved"], by=site_admin, comment="Outdated")
    titles = {item["title"] for item in api_client.get(LIST).json()["results"]}
    assert "Is approved?" not in titles


def test_list_item_carries_the_review_record(api_client, articles, reviewer, policy):
    item = next(i for i in api_client.get(LIST).json()["results"] if i["status"] == "approved")
    review = item["review"]
    assert review["reviewers"] == [{"name": "Dr. Reviewer", "credentials": "MD"}]
    assert review["approved_by"] == {"name": "Dr. Reviewer", "credentials": "MD"}
    assert review["policy_version"] == policy.version
    assert review["revision"] == 1
    assert item["url"].endswith(detail(articles["approved"]))
    pending = next(i for i in api_client.get(LIST).json()["results"] if i["status"] == "submitted")
    assert pending["review"] is None


def test_list_pages(api_client, articles):
    first = api_client.get(LIST, {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = api_client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert api_client.get(LIST, {"page": 9}).json()["code"] == "not_found"


def test_updated_since_filters_on_public_changes(api_client, articles):
    now = timezone.now()
    assert (
        api_client.get(
            LIST, {"updated_since": (now - datetime.timedelta(hours=1)).isoformat()}
        ).json()["count"]
        == 3
    )
    assert (
        api_client.get(
            LIST, {"updated_since": (now + datetime.timedelta(hours=1)).isoformat()}
        ).json()["count"]
        == 0
    )


def test_updated_since_must_be_a_time(api_client, db):
    response = api_client.get(LIST, {"updated_since": "last tuesday"})
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid"
    assert error["fields"][0]["path"] == "$.updated_since"


def test_an_approved_revision_in_progress_changes_nothing_public(
    api_client, editor, reviewer, policy
):
    article = approved_article(by=editor, reviewer=reviewer, title="Original question?")
    services.article_revise(article=article, by=editor)
    services.article_update(
        article=article, by=editor, expected_version=article.content_version, title="Changed?"
    )
    item = api_client.get(LIST).json()["results"][0]
    assert (item["title"], item["status"]) == ("Original question?", "approved")
    assert api_client.get(detail(article)).json()["title"] == "Original question?"


def test_detail_of_approved_article(api_client, articles, policy):
    response = api_client.get(detail(articles["approved"]))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "approved"
    assert body["claims"][0] == {
        "uid": body["claims"][0]["uid"],
        "kind": "heading",
        "text": "Primary indications",
        "level": 0,
        "citations": [],
        "needs_no_citation": False,
        "plain_text": "",
        "evidence": "",
        "passages": [],
        # Recorded at approval: the board verifies every item, headings included.
        "verification": body["claims"][0]["verification"],
    }
    assert body["claims"][0]["verification"]["verified_by"] == "Dr. Reviewer, MD"
    assert [c["citations"] for c in body["claims"][1:]] == [[1], [2], [1]]
    assert [(r["number"], r["title"]) for r in body["references"]] == [
        (1, "Guideline number 1"),
        (2, "Guideline number 2"),
    ]
    assert body["review"]["policy_version"] == policy.version
    assert response["ETag"]


def test_detail_of_pending_article_says_so(api_client, articles):
    body = api_client.get(detail(articles["submitted"])).json()
    assert (body["status"], body["is_approved"], body["review"]) == ("submitted", False, None)
    assert len(body["claims"]) == 4


def test_detail_of_pending_article_is_404_when_the_site_hides_pending(
    api_client, articles, settings
):
    settings.SHOW_PENDING_ARTICLES = False
    assert api_client.get(detail(articles["submitted"])).status_code == 404


def test_detail_of_draft_is_404_like_a_missing_article(api_client, articles):
    draft = api_client.get(detail(articles["draft"]))
    missing = api_client.get(reverse("api:article-detail", args=["no-such-article"]))
    assert draft.status_code == missing.status_code == 404
    assert draft.json() == missing.json()


def test_detail_of_retracted_article_is_410(api_client, articles, site_admin):
    services.article_retract(article=articles["approved"], by=site_admin, comment="Outdated")
    response = api_client.get(detail(articles["approved"]))
    assert response.status_code == 410
    assert response.json()["code"] == "retracted"


def test_conditional_get(api_client, articles, django_assert_num_queries):
    url = detail(articles["approved"])
    etag = api_client.get(url)["ETag"]
    # article with its review record + reviewers; nothing else is needed to answer 304
    with django_assert_num_queries(2):
        response = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert api_client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_etag_of_pending_article_changes_with_its_state(api_client, articles, reviewer):
    article = articles["submitted"]
    before = api_client.get(detail(article))["ETag"]
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    assert api_client.get(detail(article), HTTP_IF_NONE_MATCH=before).status_code == 200


def test_a_bad_token_is_401_even_on_public_reads(api_client, articles):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = api_client.get(LIST)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("role", ["anonymous", "editor", "other_editor", "reviewer", "admin"])
def test_every_role_reads_the_same_public_view(roles, role, client_for, articles):
    client = client_for(roles[role])
    assert client.get(LIST).json()["count"] == 3
    assert client.get(detail(articles["draft"])).status_code == 404
    assert client.get(detail(articles["approved"])).status_code == 200


# -- Query budgets -------------------------------------------------------------------


def _make_public(n, editor, reviewer):
    for i in range(n):
        if i % 2:
            submitted_article(by=editor, title=f"Pending question {i}?", claims=2 + i)
        else:
            approved_article(
                by=editor, reviewer=reviewer, title=f"Approved question {i}?", claims=2 + i
            )


@pytest.mark.parametrize("n", [2, 9])
def test_list_query_count_is_fixed(api_client, editor, policy, n, django_assert_num_queries):
    reviewer = make_reviewer("budget-reviewer")
    _make_public(n, editor, reviewer)
    # count + page of articles (review record joined) + reviewers with profiles
    with django_assert_num_queries(3):
        assert len(api_client.get(LIST).json()["results"]) == n


@pytest.mark.parametrize("claims", [2, 12])
def test_detail_query_count_is_fixed(
    api_client, editor, reviewer, policy, claims, django_assert_num_queries
):
    approved = approved_article(by=editor, reviewer=reviewer, title="Approved?", claims=claims)
    pending = submitted_article(by=editor, title="Pending?", claims=claims)
    # article with review record + reviewers; the snapshot holds the content
    with django_assert_num_queries(2):
        assert api_client.get(detail(approved)).status_code == 200
    # article + (no reviewers to prefetch) + claims + citations with references
    with django_assert_num_queries(3):
        assert api_client.get(detail(pending)).status_code == 200
