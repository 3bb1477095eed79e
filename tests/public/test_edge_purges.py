"""Purges of the edge by key: written with the change, sent at once after it commits and again
by the worker, retried until every endpoint takes them, reported while they fail."""

import datetime
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import events, services
from editorial.health import readiness_report
from public import purge
from public.models import EdgePurge
from tests.factories import (
    approved_article,
    make_reviewer,
    under_review_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db

EDGE = "http://127.0.0.1:9/"


@pytest.fixture
def sent_at_once(monkeypatch):
    """What the committing process sends at once (recorded here instead of sent)."""
    sent: list[str] = []
    monkeypatch.setattr(purge, "send_soon", lambda keys, purge_id=None: sent.append(keys))
    return sent


@pytest.fixture
def endpoints(settings):
    settings.CDN_PURGE_URLS = [EDGE]
    return settings.CDN_PURGE_URLS


def purge_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="public.purge.purge_edge"))


def test_without_cdn_purge_urls_nothing_is_queued(policy, sent_at_once):
    approved_article()
    assert not EdgePurge.objects.exists() and not purge_tasks()


def test_an_approval_queues_its_pages_keys_and_sends_them_once_committed(
    policy, settings, sent_at_once, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer("purging-reviewer")
    article = under_review_article(reviewer=reviewer)
    verify_all_claims(article, reviewer)
    settings.CDN_PURGE_URLS = [EDGE]  # the steps before it purged nothing
    with django_capture_on_commit_callbacks(execute=True):
        services.article_approve(article=article, by=reviewer)
    keys = f"article:{article.pk} feed listing:home search sitemap"
    # The approval's announcements in its one transaction: one purge.
    assert list(EdgePurge.objects.values_list("keys", "status", "sends")) == [(keys, "queued", 0)]
    assert sent_at_once == [keys]
    # The worker's sending waits REPEAT_AFTER seconds behind the first.
    task = DBTaskResult.objects.get(
        task_path="public.purge.purge_edge", args_kwargs__args=[EdgePurge.objects.get().pk]
    )
    assert task.run_after > timezone.now() + datetime.timedelta(seconds=purge.REPEAT_AFTER - 1)


def test_announcements_in_one_transaction_are_one_purge(db, endpoints, sent_at_once):
    with transaction.atomic():
        events.announce("policy")
        events.announce(events.article_key(41))
    assert EdgePurge.objects.get().keys == "article:41 feed listing:home policy search sitemap"


def test_a_rolled_back_change_purges_nothing(db, endpoints, sent_at_once):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.announce("policy")
        raise RuntimeError("the write failed")
    assert not EdgePurge.objects.exists() and not purge_tasks()


class Endpoint(ThreadingHTTPServer):
    """A purge endpoint answering ``status`` and recording what it got."""

    def __init__(self):
        self.status = 200
        self.received: list[tuple[str, str]] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


class _Handler(BaseHTTPRequestHandler):
    def do_PURGE(self):  # noqa: N802 - the method's name
        self.server.received.append((self.command, self.headers.get("xkey-purge")))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint(settings):
    server = Endpoint()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CDN_PURGE_URLS = [server.url]
    yield server
    server.shutdown()


def failing_gauge() -> float:
    from editorial import scrape

    text = scrape.exposition()[0].decode()
    line = next(x for x in text.splitlines() if x.startswith("editorial_edge_purges_failing "))
    return float(line.split()[1])


def test_the_worker_sends_a_purge_as_purge_with_its_keys(db, endpoint, sent_at_once):
    with transaction.atomic():
        events.announce("policy")
    queued = EdgePurge.objects.get()
    assert purge.purge_send(purge_id=queued.pk) == "sent"
    assert endpoint.received == [("PURGE", "policy")]
    queued.refresh_from_db()
    assert (queued.status, queued.sends, queued.failures) == ("sent", 1, 0)
    assert purge.purge_send(purge_id=queued.pk) == "skipped"  # a task run twice sends once


def test_a_refused_purge_is_retried_and_reported_until_it_goes_through(db, endpoint, sent_at_once):
    with transaction.atomic():
        events.announce("board")
    queued = EdgePurge.objects.get()
    assert readiness_report()[1]["edge_purge"]["status"] == "ok"
    endpoint.status = 503
    assert purge.purge_send(purge_id=queued.pk) == "retry"
    queued.refresh_from_db()
    assert (queued.status, queued.failures) == ("queued", 1)
    assert "answered 503" in queued.last_error
    assert queued.next_attempt_at > timezone.now()
    retries = [t for t in purge_tasks() if t.run_after and t.run_after > timezone.now()]
    assert len(retries) >= 1  # queued again, after a delay
    report = readiness_report()[1]["edge_purge"]
    assert report["status"] == "degraded" and report["failing"] == 1
    assert "answered 503" in report["detail"]
    assert failing_gauge() == 1

    endpoint.status = 200
    assert purge.purge_send(purge_id=queued.pk) == "sent"
    assert readiness_report()[1]["edge_purge"]["status"] == "ok"
    assert failing_gauge() == 0


def test_an_unreachable_endpoint_is_a_failure_too(db, settings, sent_at_once):
    settings.CDN_PURGE_URLS = ["http://127.0.0.1:9/"]  # nothing listens on the discard port
    with transaction.atomic():
        events.announce("site-text")
    assert purge.purge_send(purge_id=EdgePurge.objects.get().pk) == "retry"


def test_retries_wait_longer_each_time_up_to_a_minute():
    assert [purge.retry_delay(n) for n in (1, 2, 3, 7, 20)] == [1, 2, 4, 60, 60]


def test_a_purge_left_sending_by_a_lost_worker_is_sent_again(db, endpoint, sent_at_once):
    with transaction.atomic():
        events.announce("policy")
    stuck = EdgePurge.objects.get()
    long_ago = timezone.now() - purge.STUCK_AFTER - datetime.timedelta(seconds=1)
    EdgePurge.objects.filter(pk=stuck.pk).update(status="sending", next_attempt_at=long_ago)
    assert purge.purge_send(purge_id=stuck.pk) == "sent"
    EdgePurge.objects.filter(pk=stuck.pk).update(status="sending", next_attempt_at=timezone.now())
    assert purge.purge_send(purge_id=stuck.pk) == "skipped"  # another worker has it in hand


def test_purges_not_sent_can_be_queued_again(db, endpoints, sent_at_once):
    with transaction.atomic():
        events.announce("policy")
    DBTaskResult.objects.all().delete()  # the task was lost
    assert purge.purges_requeue() == 1
    assert len(purge_tasks()) == 1


def test_readiness_says_not_configured_without_an_edge(db):
    assert readiness_report()[1]["edge_purge"]["status"] == "not configured"
