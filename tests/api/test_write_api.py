"""The write API: editors create, update and submit drafts; nobody can review through it."""

import json
from pathlib import Path

import pytest
from django.urls import get_resolver, reverse

from api.models import ApiToken
from articles.interchange import parse_text, render_json
from articles.models import Article
from articles.workflow import ArticleState
from tests.factories import approved_article, draft_article, sample_content, submitted_article

pytestmark = pytest.mark.django_db

DRAFTS = reverse("api:draft-list")
SEED = next(Path("/work/shared/seeds").glob("000_*.txt"))


def document(content=None, **changes) -> str:
    data = json.loads(render_json(content or sample_content(title="Can the API draft this?")))
    data.update(changes)
    return json.dumps(data)


def post_json(client, url, body, **headers):
    return client.generic("POST", url, body, content_type="application/json", **headers)


def put_json(client, url, body, **headers):
    return client.generic("PUT", url, body, content_type="application/json", **headers)


def error_of(response) -> dict:
    return response.json()


# -- Roles ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("editor", 201), ("other_editor", 201), ("reviewer", 403), ("admin", 201)],
)
def test_who_may_create_drafts(roles, role, expected, client_for):
    response = post_json(client_for(roles[role]), DRAFTS, document())
    assert response.status_code == expected
    if expected != 201:
        assert error_of(response)["code"] in {"not_authenticated", "permission_denied"}
        assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("role", "read", "write", "submit"),
    [
        ("anonymous", 401, 401, 401),
        ("editor", 200, 200, 200),
        ("other_editor", 200, 200, 200),
        ("reviewer", 403, 403, 403),
        ("admin", 200, 200, 200),
    ],
)
def test_who_may_read_update_and_submit_a_draft(
    roles, role, read, write, submit, client_for, editor
):
    article = draft_article(by=editor)
    client = client_for(roles[role])
    url = reverse("api:draft-detail", args=[article.pk])
    assert client.get(url).status_code == read
    updated = put_json(client, url, document(), HTTP_IF_MATCH=f'"{article.content_version}"')
    assert updated.status_code == write
    assert (
        post_json(client, reverse("api:draft-submit", args=[article.pk]), "{}").status_code
        == submit
    )


def test_no_endpoint_can_approve_or_review(client_for, reviewer, editor):
    """Review transitions stay at the desk: no API route names them, no method reaches them."""
    article = submitted_article(by=editor)
    api_routes = [str(p.pattern) for p in get_resolver().url_patterns if str(p.pattern) == "api/"]
    assert api_routes
    names = {p.name for p in get_resolver("api.urls").url_patterns}
    assert names == {
        "answers",
        "article-list",
        "article-detail",
        "draft-list",
        "draft-detail",
        "draft-submit",
        "schema",
        "docs",
        "problems",
        "not-found",
    }
    operations = json.loads(client_for(None).get("/api/schema/", {"format": "json"}).content)[
        "paths"
    ]
    assert not [path for path in operations if "approve" in path or "review" in path]
    client = client_for(reviewer)
    for suffix in ("approve", "start_review", "start-review", "request_changes", "review"):
        assert (
            client.post(f"/api/drafts/{article.pk}/{suffix}/", {}, format="json").status_code == 404
        )
    assert (
        post_json(client, reverse("api:draft-submit", args=[article.pk]), "{}").status_code == 403
    )
    article.refresh_from_db()
    assert article.state == ArticleState.SUBMITTED


# -- Create --------------------------------------------------------------------------


def test_create_returns_the_draft_with_its_version(client_for, editor):
    response = post_json(client_for(editor), DRAFTS, document())
    assert response.status_code == 201
    body = response.json()
    article = Article.objects.get(pk=body["id"])
    assert (body["state"], body["content_version"], body["etag"]) == ("draft", 1, '"1"')
    assert response["ETag"] == '"1"' and response["Location"] == body["url"]
    assert body["document"]["title"] == article.title == "Can the API draft this?"
    assert len(body["document"]["claims"]) == 4
    assert article.history.latest().history_user == editor


def test_create_refuses_an_invalid_document_with_json_paths(client_for, editor):
    data = json.loads(document())
    data["claims"][1]["citations"] = ["one"]
    data["claims"][2]["text"] = " padded "
    response = post_json(client_for(editor), DRAFTS, json.dumps(data))
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_article"
    assert {f["path"] for f in error["fields"]} == {"$.claims[1].citations[0]", "$.claims[2].text"}
    assert not Article.objects.exists()


def test_create_refuses_what_the_library_cannot_store_with_paths(client_for, editor):
    data = json.loads(document())
    data["references"][0].update(year=1200, source="")
    data["title"] = "Q" * 301 + "?"
    data["claims"][1]["text"] = "nul \u0000 inside"
    response = post_json(client_for(editor), DRAFTS, json.dumps(data))
    assert response.status_code == 400
    paths = {f["path"] for f in error_of(response)["fields"]}
    assert paths == {
        "$.title",
        "$.claims[1].text",
        "$.references[0].source",
        "$.references[0].year",
    }


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("{not json", "application/json", 400, "invalid_article"),
        ("", "application/json", 400, "invalid_article"),
        ("[]", "application/json", 400, "invalid_article"),
        (b"\xff\xfe", "application/json", 400, "invalid_json"),
        ("title=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ],
)
def test_create_refuses_bodies_that_are_not_documents(
    client_for, editor, body, content_type, status, code
):
    response = client_for(editor).generic("POST", DRAFTS, body, content_type=content_type)
    assert response.status_code == status
    assert error_of(response)["code"] == code


def test_oversized_bodies_are_413_before_parsing(client_for, editor, settings):
    settings.API_MAX_BODY_BYTES = 2000
    data = json.loads(document())
    data["claims"][1]["text"] = "x" * 3000
    response = post_json(client_for(editor), DRAFTS, json.dumps(data))
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"


def test_the_default_limit_is_the_interchange_limit(client_for, editor):
    response = post_json(client_for(editor), DRAFTS, '{"title": "' + "x" * 1_000_001 + '"}')
    assert response.status_code == 413


# -- Update --------------------------------------------------------------------------


def test_update_names_the_version_it_started_from(client_for, editor):
    client = client_for(editor)
    created = post_json(client, DRAFTS, document()).json()
    data = created["document"]
    data["claims"][1]["text"] = "Claim 1 now states a better fact."
    response = put_json(client, created["url"], json.dumps(data), HTTP_IF_MATCH=created["etag"])
    assert response.status_code == 200
    assert response.json()["content_version"] == 2
    # the claim kept its identity across the edit
    assert response.json()["document"]["claims"][1]["uid"] == data["claims"][1]["uid"]
    stale = put_json(client, created["url"], json.dumps(data), HTTP_IF_MATCH=created["etag"])
    assert stale.status_code == 409
    assert error_of(stale)["code"] == "edit_conflict"
    assert error_of(stale)["current_version"] == 2


def test_update_without_if_match_is_428(client_for, editor):
    article = draft_article(by=editor)
    response = put_json(
        client_for(editor), reverse("api:draft-detail", args=[article.pk]), document()
    )
    assert response.status_code == 428
    assert error_of(response)["code"] == "precondition_required"


def test_update_with_a_malformed_if_match_is_a_conflict(client_for, editor):
    article = draft_article(by=editor)
    url = reverse("api:draft-detail", args=[article.pk])
    response = put_json(client_for(editor), url, document(), HTTP_IF_MATCH="yesterday")
    assert response.status_code == 409
    assert error_of(response)["current_version"] == article.content_version


def test_update_of_a_submitted_article_is_409(client_for, editor):
    article = submitted_article(by=editor)
    url = reverse("api:draft-detail", args=[article.pk])
    response = put_json(
        client_for(editor), url, document(), HTTP_IF_MATCH=f'"{article.content_version}"'
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "content_locked"


@pytest.mark.parametrize("pk", [999, 2**63, 10**30])
def test_unknown_drafts_are_404(client_for, editor, pk):
    response = client_for(editor).get(f"/api/drafts/{pk}/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


# -- Submit --------------------------------------------------------------------------


def test_a_seed_article_posts_but_cannot_be_submitted_until_its_citations_resolve(
    client_for, editor
):
    seed = parse_text(SEED.read_text())
    client = client_for(editor)
    created = post_json(client, DRAFTS, render_json(seed))
    assert created.status_code == 201
    assert created.json()["unresolved_citations"]
    response = post_json(client, reverse("api:draft-submit", args=[created.json()["id"]]), "{}")
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conditions_not_met"
    assert any("no reference behind it" in reason for reason in error["reasons"])
    assert Article.objects.get().state == ArticleState.DRAFT


def test_a_complete_article_submits_and_appears_pending(client_for, editor, api_client):
    client = client_for(editor)
    created = post_json(client, DRAFTS, document()).json()
    response = post_json(
        client,
        reverse("api:draft-submit", args=[created["id"]]),
        '{"summary": "First version"}',
        HTTP_IF_MATCH=created["etag"],
    )
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    article = Article.objects.get()
    assert article.state == ArticleState.SUBMITTED
    assert article.transitions.get().actor == editor
    listed = api_client.get(reverse("api:article-list")).json()["results"]
    assert [(i["title"], i["status"]) for i in listed] == [("Can the API draft this?", "submitted")]
    again = post_json(client, reverse("api:draft-submit", args=[created["id"]]), "{}")
    assert again.status_code == 409
    assert error_of(again)["code"] == "transition_not_allowed"


def test_submit_with_a_stale_version_is_409(client_for, editor):
    article = draft_article(by=editor)
    url = reverse("api:draft-submit", args=[article.pk])
    response = post_json(client_for(editor), url, "{}", HTTP_IF_MATCH='"99"')
    assert response.status_code == 409
    assert error_of(response)["code"] == "edit_conflict"


def test_a_new_revision_needs_a_summary(client_for, editor, reviewer, policy):
    article = approved_article(by=editor, reviewer=reviewer)
    from articles import services

    services.article_revise(article=article, by=editor)
    url = reverse("api:draft-submit", args=[article.pk])
    response = post_json(client_for(editor), url, '{"summary": ""}')
    assert response.status_code == 400
    assert error_of(response)["fields"][0]["path"] == "$.summary"
    too_long = post_json(client_for(editor), url, json.dumps({"summary": "x" * 301}))
    assert too_long.status_code == 400


# -- Tokens --------------------------------------------------------------------------


def test_revoked_tokens_stop_working(editor, client_for):
    client = client_for(editor)
    assert client.get(reverse("api:article-list")).status_code == 200
    from api import services

    services.api_token_revoke(token=ApiToken.objects.get())
    response = client.get(reverse("api:article-list"))
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_token"


def test_tokens_of_inactive_users_stop_working(editor, client_for):
    client = client_for(editor)
    editor.is_active = False
    editor.save()
    assert post_json(client, DRAFTS, document()).status_code == 401


def test_rate_limits_answer_429_with_retry_after(api_client, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "2/min"},
    }
    statuses = [api_client.get(reverse("api:article-list")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = api_client.get(reverse("api:article-list"))
    assert error_of(response)["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


def test_method_not_allowed_is_json(client_for, editor):
    response = client_for(editor).delete(DRAFTS)
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
