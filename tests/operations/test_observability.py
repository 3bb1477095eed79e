"""Request ids, JSON log lines, workflow events as their own records, and the metrics page."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from articles import services
from editorial.logformat import JsonFormatter
from editorial.observability import RequestContextFilter
from tests.factories import approved_article, draft_article, make_policy, submitted_article
from tests.operations.processes import ROOT

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests"


@pytest.fixture
def json_lines():
    """Lines the production handler would write for the ``editorial`` loggers."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("editorial")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(old_level)


# -- Request ids ------------------------------------------------------------------------


def test_every_response_carries_a_fresh_request_id(client):
    ids = {client.get(url)["X-Request-ID"] for url in ("/healthz", "/", "/no-such-page/")}
    assert len(ids) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_the_balancers_request_id_is_kept_only_from_a_trusted_proxy(settings):
    given = "lb-7f3a:1700000000.123"
    untrusted = Client(REMOTE_ADDR="10.0.0.9", HTTP_X_REQUEST_ID=given)
    assert untrusted.get("/healthz")["X-Request-ID"] != given

    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    trusted = Client(REMOTE_ADDR="10.0.0.9", HTTP_X_REQUEST_ID=given)
    assert trusted.get("/healthz")["X-Request-ID"] == given
    outside = Client(REMOTE_ADDR="10.0.1.9", HTTP_X_REQUEST_ID=given)
    assert outside.get("/healthz")["X-Request-ID"] != given


@pytest.mark.parametrize("bad", ["two words", "x" * 201, "id\u00e9", "a\nfake log line"])
def test_a_malformed_request_id_is_replaced_even_from_a_trusted_proxy(settings, bad):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    response = Client(HTTP_X_REQUEST_ID=bad).get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


# -- Log lines --------------------------------------------------------------------------


def test_each_request_logs_one_json_line_with_its_id_and_the_signed_in_user(
    client, editor, json_lines
):
    client.force_login(editor)
    response = client.get("/desk/")
    [line] = [entry for entry in json_lines() if entry["logger"] == "editorial.request"]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == editor.pk
    assert (line["method"], line["path"], line["status"], line["view"]) == (
        "GET",
        "/desk/",
        200,
        "desk:dashboard",
    )
    assert line["level"] == "INFO" and line["duration_ms"] >= 0 and line["time"].endswith("+00:00")


def test_an_anonymous_request_logs_no_user(client, json_lines):
    client.get("/healthz")
    [line] = json_lines()
    assert line["user_id"] is None and line["view"] == "healthz"


@pytest.mark.django_db(transaction=True)
def test_a_transition_is_its_own_log_record_tied_to_the_request(editor, json_lines):
    make_policy()
    article = draft_article(by=editor)
    client = Client()
    client.force_login(editor)
    response = client.post(
        f"/desk/articles/{article.pk}/submit/", {"expected_version": article.content_version}
    )
    assert response.status_code == 302
    [event] = [entry for entry in json_lines() if entry["logger"] == "editorial.workflow"]
    assert event["event"] == "transition" and event["transition"] == "submit"
    assert (event["article_id"], event["article_slug"]) == (article.pk, article.slug)
    assert (event["from_state"], event["to_state"]) == ("draft", "submitted")
    assert event["actor_id"] == editor.pk == event["user_id"]
    assert event["request_id"] == response["X-Request-ID"]


def test_a_transition_that_rolls_back_logs_nothing(editor, reviewer, json_lines):
    article = submitted_article(by=editor)
    with pytest.raises(PermissionDenied):
        services.article_retract(article=article, by=reviewer, comment="Not allowed.")
    assert not [e for e in json_lines() if e["logger"] == "editorial.workflow"]


def test_production_logs_are_json_lines():
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "LOG_FORMAT"}},
        "DJANGO_SETTINGS_MODULE": "editorial.settings",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.org",
    }
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('editorial.outage').error('Database unavailable', "
        "extra={'event': 'db_down'})"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    line = json.loads(finished.stderr.strip().splitlines()[-1])
    assert line["message"] == "Database unavailable" and line["level"] == "ERROR"
    assert line["logger"] == "editorial.outage" and line["event"] == "db_down"
    assert {"time", "request_id", "user_id", "process"} <= set(line)


# -- Metrics ----------------------------------------------------------------------------


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_ADDRESSES = []


def scrape(client=None, **headers) -> str:
    response = (client or Client()).get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "editor", "reviewer", "admin"])
def test_no_role_reads_the_metrics_without_the_token(client, roles, metrics_on, role):
    if role != "anonymous":
        client.force_login(roles[role])
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "editor", "reviewer", "admin"])
def test_metrics_are_off_until_a_token_or_an_address_is_set(client, roles, role):
    if role != "anonymous":
        client.force_login(roles[role])
    assert client.get("/metrics").status_code == 404


def test_an_allowed_address_scrapes_without_a_token(settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["10.1.0.0/16"]
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.2.2.3").get("/metrics").status_code == 403


def test_the_metrics_page_only_answers_get(client, metrics_on):
    response = client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 405


def test_the_metrics_name_latency_per_view_errors_transitions_states_and_the_queue(
    client, metrics_on, editor, reviewer, django_capture_on_commit_callbacks
):
    make_policy()
    with django_capture_on_commit_callbacks(execute=True):
        article = approved_article(by=editor, reviewer=reviewer)
        submitted_article(by=editor, title="What is ibuprofen used for?")
    client.get(article.get_absolute_url())
    client.get("/no-such-page/")
    text = scrape()
    assert re.search(
        r'editorial_request_duration_seconds_bucket\{le="0\.5",method="GET",'
        r'view="public:article"\} [1-9]',
        text,
    )
    assert re.search(
        r'editorial_responses_total\{status_class="4xx",view="<unmatched>"\} [1-9]', text
    )
    assert "# TYPE editorial_request_errors_total counter" in text
    assert re.search(r'editorial_workflow_transitions_total\{transition="approve"\} [1-9]', text)
    assert 'editorial_articles{state="approved"} 1.0' in text
    assert 'editorial_articles{state="submitted"} 1.0' in text
    assert 'editorial_articles{state="draft"} 0.0' in text
    assert re.search(r"editorial_review_queue_oldest_seconds [0-9.]+", text)
    assert "# TYPE editorial_cache_errors_total counter" in text
    assert re.search(r"editorial_task_queue_waiting [0-9.]+", text)


def test_made_up_methods_do_not_make_new_series(client, metrics_on):
    client.generic("BREW", "/healthz")
    text = scrape()
    assert 'method="BREW"' not in text
    assert 'editorial_request_duration_seconds_count{method="other",view="healthz"}' in text


def test_server_errors_are_counted_per_view(metrics_on, monkeypatch):
    from editorial import health

    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr(health, "readiness_report", broken)
    before = _sample(scrape(), 'editorial_request_errors_total{view="readyz"}')
    assert Client(raise_request_exception=False).get("/readyz").status_code == 500
    after = _sample(scrape(), 'editorial_request_errors_total{view="readyz"}')
    assert after == before + 1


def _sample(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0
