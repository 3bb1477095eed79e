"""Property-based contract check: schemathesis drives every operation of the served schema.

Bounded (MAX_EXAMPLES per operation) so the suite stays fast; it must find no
server error, no undocumented status code and no response that breaks the schema.
Requests carry an editor's token, so the write operations are exercised too.
"""

import json

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import services
from articles.interchange import render_json
from editorial.wsgi import application
from tests.factories import (
    approved_article,
    make_editor,
    make_policy,
    make_reviewer,
    sample_content,
    submitted_article,
)

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# The coverage phase builds boundary bodies such as 500 claims of 2,000 characters each
# (articles/limits.py), which takes minutes to generate; the limits themselves are tested
# in tests/articles/test_limits.py, and the examples and fuzzing phases still run here.
schema.config.phases.coverage.enabled = False


@pytest.fixture
def keep_test_connection():
    # The WSGI app is called directly, not through Django's test client, so the
    # connection would be closed at each request's end (and with it the test's
    # transaction). Django's test client disconnects the same handlers.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def editor_headers(db, settings, keep_test_connection):
    # Generous limits: this test is about the contract, not the rate limiter.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
    }
    cache.clear()
    editor = make_editor("contract-editor")
    make_policy()
    reviewer = make_reviewer("contract-reviewer")
    approved_article(by=editor, reviewer=reviewer, title="An approved question?")
    submitted_article(by=editor, title="A pending question?")
    _, key = services.api_token_create(user=editor, name="schemathesis")
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
@pytest.mark.django_db
def test_api_honours_its_schema(case, editor_headers):
    case.call_and_validate(headers=editor_headers, checks=CHECKS)


# -- Success responses, which random inputs rarely reach, checked against the schema -----


def _validate(operation, headers, **case_data):
    case = schema[operation[1]][operation[0]].Case(**case_data)
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS)
    return response


@pytest.mark.django_db
def test_success_responses_match_the_schema(editor_headers):
    from articles.models import Article

    listed = _validate(("GET", "/api/articles/"), editor_headers)
    assert listed.status_code == 200 and len(listed.json()["results"]) == 2
    for article in Article.objects.all():
        response = _validate(
            ("GET", "/api/articles/{slug}/"), editor_headers, path_parameters={"slug": article.slug}
        )
        assert response.status_code == 200
    body = json.loads(render_json(sample_content(title="Contract draft?")))
    created = _validate(
        ("POST", "/api/drafts/"), editor_headers, body=body, media_type="application/json"
    )
    assert created.status_code == 201
    draft = created.json()
    pk = {"id": draft["id"]}
    assert (
        _validate(("GET", "/api/drafts/{id}/"), editor_headers, path_parameters=pk).status_code
        == 200
    )
    updated = _validate(
        ("PUT", "/api/drafts/{id}/"),
        {**editor_headers, "If-Match": draft["etag"]},
        path_parameters=pk,
        body=draft["document"],
        media_type="application/json",
    )
    assert updated.status_code == 200
    submitted = _validate(
        ("POST", "/api/drafts/{id}/submit/"),
        editor_headers,
        path_parameters=pk,
        body={"summary": "New"},
        media_type="application/json",
    )
    assert submitted.status_code == 200
    refused = _validate(
        ("POST", "/api/drafts/{id}/submit/"),
        editor_headers,
        path_parameters=pk,
        body={},
        media_type="application/json",
    )
    assert refused.status_code == 409


@pytest.mark.django_db
def test_an_answer_with_claims_matches_the_schema(editor_headers):
    # Random questions rarely match a reviewed claim; this one matches the approved article's.
    response = _validate(
        ("GET", "/api/answers/"),
        editor_headers,
        query={"q": "Which claim states a fact?", "audience": "patient"},
    )
    assert response.status_code == 200 and response.json()["claims"]
