"""An unreachable database is a 503 with Retry-After at every door, never a 500, wherever it
is met (a view, the session, the log-in throttle); other errors get the branded 500. Both
pages are rendered without the database, under the site's CSP."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from editorial import errors
from tests.factories import draft_article
from tests.outage import database_unreachable

pytestmark = pytest.mark.django_db

DESK_PAGE = "The desk is unavailable for a moment"
READERS_PAGE = "This page is not available just now"
ERROR_PAGE = "Something went wrong on our side"


def visitor(user=None) -> Client:
    """A browser with its CSRF cookie, as after any earlier page; signed in when ``user``."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    client.get("/accounts/login/")
    return client


def post(client: Client, path: str, data: dict):
    return client.post(path, data, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)


@pytest.mark.parametrize(
    "door, signed_in, method, path, page",
    [
        ("desk", True, "get", "/desk/", DESK_PAGE),
        ("desk step", True, "post", "/desk/articles/{pk}/submit/", DESK_PAGE),
        ("desk article", True, "get", "/desk/articles/{pk}/", DESK_PAGE),
        ("admin", True, "get", "/admin/", DESK_PAGE),
        ("log-in form", False, "get", "/accounts/login/", None),
        ("log-in", False, "post", "/accounts/login/", DESK_PAGE),
        ("password reset", False, "post", "/accounts/password_reset/", DESK_PAGE),
        ("API", False, "get", "/api/articles/", None),
        ("signed-in reader's article", True, "get", "/articles/{slug}/", READERS_PAGE),
    ],
)
def test_every_door_answers_503_with_retry_after(editor, door, signed_in, method, path, page):
    article = draft_article(by=editor)
    client = visitor(editor if signed_in else None)
    path = path.format(pk=article.pk, slug=article.slug)
    data = {"expected_version": article.content_version, "username": "editor",
            "password": "pw-for-tests-2026", "email": "editor@example.org"}  # fmt: skip
    with database_unreachable():
        response = post(client, path, data) if method == "post" else client.get(path)
    if door == "log-in form":
        # The form itself needs no database (no session yet): it is shown, and its POST is the 503.
        assert response.status_code == 200
        return
    assert response.status_code == 503, door
    assert response["Retry-After"] == "30"
    if door == "API":
        assert response.json()["code"] == "unavailable"
        return
    assert page in response.content.decode(), door
    assert "no-store" in response["Cache-Control"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "style-src 'self'" in response["Content-Security-Policy"]


def test_a_bug_met_in_a_middleware_is_the_branded_500_naming_the_request(client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("accounts.throttle.login_attempt_begin", broken)
    client = Client(raise_request_exception=False)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 500
    body = response.content.decode()
    assert ERROR_PAGE in body and response["X-Request-ID"] in body
    assert response["Content-Security-Policy"] and "Retry-After" not in response


@pytest.mark.parametrize(
    "raised, path, status, page",
    [
        (OperationalError("connection refused"), "/desk/", 503, DESK_PAGE),
        (OperationalError("connection refused"), "/articles/x/", 503, READERS_PAGE),
        (RuntimeError("a bug"), "/desk/", 500, ERROR_PAGE),
    ],
)
def test_the_error_pages_need_no_database(django_assert_num_queries, raised, path, status, page):
    request = RequestFactory().get(path)
    with django_assert_num_queries(0):
        try:
            raise raised
        except Exception:
            response = errors.server_error(request)
    assert response.status_code == status and page in response.content.decode()
    # The stylesheet by its static URL, nothing inline for the CSP to refuse.
    assert 'href="/static/css/site.css"' in response.content.decode()
    assert "<style" not in response.content.decode() and "style=" not in response.content.decode()
    assert "<script" not in response.content.decode()


def test_a_request_the_database_could_not_answer_is_counted(editor):
    from prometheus_client import REGISTRY

    def seen() -> float:
        labels = {"source": "request"}
        return REGISTRY.get_sample_value("editorial_database_errors_total", labels) or 0.0

    client = visitor(editor)
    before = seen()
    with database_unreachable():
        assert client.get("/desk/").status_code == 503
    assert seen() == before + 1
