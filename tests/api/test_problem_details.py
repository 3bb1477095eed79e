"""Every API error is RFC 9457 problem details, with the problem's code and its extension members.

Checked per status the API answers with: 400 bad input, 403 not allowed, 404, 409 (an
edit conflict and a step the draft is not ready for) and 410 retracted. Each answer is
``application/problem+json`` with ``type``, ``title``, ``status``, ``detail`` and
``code``; the ``type`` is documented at ``/api/problems/``.
"""

import json
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from api.errors import PROBLEM_JSON
from articles import services
from articles.interchange import render_json
from tests.factories import approved_article, draft_article, sample_content

pytestmark = pytest.mark.django_db

MEMBERS = {"type", "title", "status", "detail", "code"}


def post_json(client, url, body, **headers):
    return client.generic("POST", url, body, content_type="application/json", **headers)


def put_json(client, url, body, **headers):
    return client.generic("PUT", url, body, content_type="application/json", **headers)


def problem_of(response, status: int, code: str) -> dict:
    """The problem in ``response``, checked against RFC 9457 and the problem types page."""
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM_JSON
    body = json.loads(response.content)
    assert MEMBERS <= set(body)
    assert (body["status"], body["code"]) == (status, code)
    assert body["title"] and body["detail"]
    return body


def documented(client, problem: dict) -> dict:
    """The problem types page's entry for the problem's ``type`` URI."""
    type_uri = urlsplit(problem["type"])
    assert type_uri.scheme == "http" and type_uri.path == reverse("api:problems")
    page = client.get(type_uri.path)
    assert page.status_code == 200
    entries = {entry["code"]: entry for entry in page.json()["problems"]}
    return entries[type_uri.fragment]


def test_400_names_each_value_at_fault(client_for, editor):
    client = client_for(editor)
    data = json.loads(render_json(sample_content(title="Is this valid?")))
    data["claims"][1]["text"] = ""
    problem = problem_of(
        post_json(client, reverse("api:draft-list"), json.dumps(data)), 400, "invalid_article"
    )
    assert problem["fields"] and all(set(f) == {"path", "message"} for f in problem["fields"])
    assert problem["fields"][0]["path"].startswith("$.claims[1]")
    entry = documented(client, problem)
    assert (entry["status"], entry["title"]) == (400, problem["title"])


def test_400_from_query_parameters(api_client):
    response = api_client.get(reverse("api:article-list"), {"updated_since": "yesterday"})
    problem = problem_of(response, 400, "invalid")
    assert problem["fields"][0]["path"] == "$.updated_since"


def test_403_for_a_role_that_may_not(client_for, reviewer):
    client = client_for(reviewer)
    problem = problem_of(
        post_json(client, reverse("api:draft-list"), "{}"), 403, "permission_denied"
    )
    assert documented(client, problem)["status"] == 403


def test_404_is_the_same_for_a_draft_and_a_missing_address(api_client, editor):
    draft = draft_article(by=editor)
    missing = api_client.get(reverse("api:article-detail", args=["no-such-article"]))
    hidden = api_client.get(reverse("api:article-detail", args=[draft.slug]))
    assert problem_of(missing, 404, "not_found") == problem_of(hidden, 404, "not_found")


def test_409_edit_conflict_carries_the_current_version(client_for, editor):
    client = client_for(editor)
    article = draft_article(by=editor)
    url = reverse("api:draft-detail", args=[article.pk])
    document = render_json(sample_content(title="Can the API draft this?"))
    assert put_json(client, url, document, HTTP_IF_MATCH='"1"').status_code == 200
    problem = problem_of(put_json(client, url, document, HTTP_IF_MATCH='"1"'), 409, "edit_conflict")
    assert problem["current_version"] == 2 and isinstance(problem["changes"], list)
    assert documented(client, problem)["status"] == 409


def test_409_not_ready_lists_each_reason_apart(client_for, editor):
    client = client_for(editor)
    body = json.loads(render_json(sample_content(title="Not ready?", claims=2)))
    for claim in body["claims"][1:]:  # the paragraphs after the heading
        claim["citations"] = [9]  # a citation with no reference behind it
    created = post_json(client, reverse("api:draft-list"), json.dumps(body))
    assert created.status_code == 201
    response = post_json(client, reverse("api:draft-submit", args=[created.json()["id"]]), "{}")
    problem = problem_of(response, 409, "conditions_not_met")
    assert problem["reasons"] and all(reason in problem["detail"] for reason in problem["reasons"])


def test_410_once_retracted(api_client, editor, reviewer, site_admin, policy):
    article = approved_article(by=editor, reviewer=reviewer)
    services.article_retract(article=article, by=site_admin, comment="Outdated guidance.")
    response = api_client.get(reverse("api:article-detail", args=[article.slug]))
    problem = problem_of(response, 410, "retracted")
    assert problem["title"] == "Retracted"
    assert documented(api_client, problem)["status"] == 410


def test_the_schema_documents_problem_details(api_client):
    schema = api_client.get(reverse("api:schema"), {"format": "json"}).json()
    problem = schema["components"]["schemas"]["Problem"]
    assert MEMBERS <= set(problem["required"])
    assert {"fields", "reasons", "current_version", "changes"} <= set(problem["properties"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert set(response["content"]) == {PROBLEM_JSON}, (method, path, status)
                    assert response["content"][PROBLEM_JSON]["schema"] == {
                        "$ref": "#/components/schemas/Problem"
                    }


@pytest.mark.parametrize("address", ["%00", "a%00b", "%C2%A4%00x", "caf%C3%A9%0A"])
def test_an_address_no_slug_can_have_is_an_ordinary_404(api_client, address):
    # NUL cannot even be sent to PostgreSQL; such an address never reaches the database.
    response = api_client.get(f"/api/articles/{address}/")
    assert problem_of(response, 404, "not_found")
