"""Redis lost or frozen mid-run: every page still answers, from the database, and nothing stale.

Each test starts a redis-server of its own and stops (or freezes) it while the
site is in use, through the production cache backend (editorial/cache.py).
"""

from __future__ import annotations

import logging
import time

import pytest
from django.core.cache import caches
from django.test import Client
from prometheus_client import REGISTRY

from articles import services
from public import fastpath
from public import services as public_services
from public.models import FollowUpQuestion
from tests.factories import (
    approved_article,
    declare_no_conflict,
    make_admin,
    make_editor,
    make_policy,
    make_reviewer,
    submitted_article,
    verify_all_claims,
)
from tests.operations.processes import free_port

pytestmark = pytest.mark.django_db

PENDING = "pending human review"
PASSWORD = "pw-for-tests-2026"


def cache_errors(operation: str) -> float:
    return REGISTRY.get_sample_value("editorial_cache_errors_total", {"operation": operation}) or 0


def outage_lines(caplog, event: str) -> list:
    return [r for r in caplog.records if r.name == "editorial.cache" and r.event == event]


def wait_for_retry(cache) -> None:
    time.sleep(cache.breaker.open_seconds + 0.05)


def test_every_reader_door_answers_with_redis_stopped_and_logs_once(
    client, resilient_cache, redis_server, caplog
):
    make_policy()
    article = approved_article()
    editor = Client()
    editor.force_login(make_editor("editor2"))
    page = article.get_absolute_url()
    assert client.get(page).status_code == 200
    key = fastpath._shared_key(f"http|{page}")
    assert resilient_cache.get(key) is not None  # kept in Redis

    redis_server.stop()
    caplog.set_level(logging.WARNING, logger="editorial.cache")
    for _ in range(3):
        response = client.get(page)
        assert response.status_code == 200 and article.title in response.content.decode()
    assert client.get("/").status_code == 200
    assert client.get("/search/?q=baclofen").status_code == 200
    api = client.get("/api/articles/")
    assert api.status_code == 200 and api.json()["results"]
    assert client.get(f"/api/articles/{article.slug}/").status_code == 200
    assert editor.get("/desk/").status_code == 200
    assert editor.get(f"/desk/articles/{article.pk}/").status_code == 200

    assert len(outage_lines(caplog, "cache_down")) == 1  # one line for the whole burst
    assert not resilient_cache.is_reachable


def test_caching_resumes_by_itself_when_redis_is_back(
    client, resilient_cache, redis_server, caplog
):
    make_policy()
    article = approved_article()
    page = article.get_absolute_url()
    key = fastpath._shared_key(f"http|{page}")
    redis_server.stop()
    caplog.set_level(logging.WARNING, logger="editorial.cache")
    assert client.get(page).status_code == 200

    redis_server.start()  # empty, as a restarted cache without persistence is
    wait_for_retry(resilient_cache)
    fastpath.forget_all()  # this process's own copy: the page must go through Redis again
    assert client.get(page).status_code == 200
    assert resilient_cache.is_reachable
    assert resilient_cache.get(key) is not None  # kept again
    assert len(outage_lines(caplog, "cache_down")) == 1
    assert len(outage_lines(caplog, "cache_up")) == 1


def test_nothing_stale_is_served_across_a_frozen_redis(client, resilient_cache, redis_server):
    """Redis keeps its old entries through the outage; none of them may come back."""
    make_policy()
    editor, reviewer = make_editor("editor2"), make_reviewer("reviewer2")
    article = submitted_article(by=editor)
    page = article.get_absolute_url()
    assert PENDING in client.get(page).content.decode()  # the pending page, kept in Redis

    redis_server.pause()  # connections hang: the client's timeouts must answer
    assert PENDING in client.get(page).content.decode()
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer, expected_version=article.content_version)
    during = client.get(page)
    assert during.status_code == 200 and PENDING not in during.content.decode()

    redis_server.resume()
    wait_for_retry(resilient_cache)
    fastpath.forget_all()  # this process's own copy: the page must go through Redis again
    after = client.get(page)
    assert after.status_code == 200 and PENDING not in after.content.decode()
    assert resilient_cache.is_reachable
    services.article_retract(article=article, by=make_admin("admin2"), comment="Withdrawn advice.")
    assert client.get(page).status_code == 410


# Long enough that no retry falls within the test, however loaded the machine.
@pytest.mark.parametrize("circuit_open_seconds", [60])
def test_a_frozen_redis_costs_one_timeout_per_retry_interval_not_one_per_request(
    client, resilient_cache, redis_server
):
    make_policy()
    article = approved_article()
    page = article.get_absolute_url()
    redis_server.pause()
    before = cache_errors("get")
    for _ in range(5):
        assert client.get(page).status_code == 200
    # The first request timed out once; the open breaker spared the other four.
    assert cache_errors("get") - before == 1


def test_log_in_keeps_working_without_redis_and_the_throttle_still_counts(
    client, resilient_cache, redis_server, settings
):
    """Failed log-ins are counted in the database: a Redis outage neither blocks nor resets them."""
    make_editor("editor2")
    redis_server.stop()
    right = client.post("/accounts/login/", {"username": "editor2", "password": PASSWORD})
    assert right.status_code == 302
    client.logout()
    for _ in range(settings.LOGIN_THROTTLE_ATTEMPTS):
        wrong = client.post("/accounts/login/", {"username": "editor2", "password": "wrong"})
        assert wrong.status_code == 200  # the form again, with its error; never a 500
    locked = client.post("/accounts/login/", {"username": "editor2", "password": PASSWORD})
    assert locked.status_code == 429


def test_the_follow_up_limit_holds_per_process_without_redis(client, resilient_cache, redis_server):
    make_policy()
    article = approved_article()
    redis_server.stop()
    url = f"{article.get_absolute_url()}follow-up/"
    for n in range(public_services.RATE_LIMIT_COUNT):
        response = client.post(
            url, {"question": f"Question {n}?", "website": ""}, HTTP_ORIGIN="http://testserver"
        )
        assert response.status_code == 302
    one_more = client.post(
        url, {"question": "One more?", "website": ""}, HTTP_ORIGIN="http://testserver"
    )
    assert one_more.status_code == 429
    assert FollowUpQuestion.objects.count() == public_services.RATE_LIMIT_COUNT


def test_the_logged_cache_location_never_shows_a_redis_password(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "editorial.cache.ResilientRedisCache",
            "LOCATION": f"redis://:s3cret@127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    caplog.set_level(logging.WARNING, logger="editorial.cache")
    assert caches["default"].get("anything") is None
    [line] = outage_lines(caplog, "cache_down")
    assert line.cache_location.startswith("redis://127.0.0.1:") and "s3cret" not in caplog.text
