"""What operators are told is what is so: mail waiting for a retry is waiting, a worker not seen
is not running, a site that never imported a retraction file is not failing at it, and a
database outage is named without taking every server out or silencing the metrics."""

from __future__ import annotations

import datetime
import re
import smtplib
import subprocess
import sys

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.utils import timezone

from editorial import health, metrics
from editorial.observability import RequestObservabilityMiddleware
from outbox.models import OutboundEmail, WorkerHeartbeat
from outbox.services import email_enqueue, heartbeat_record
from screening.models import ScreeningRun
from tests.factories import approved_article
from tests.operations.processes import ROOT, app_environment, free_port

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests"


def refuse_everything(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


@pytest.fixture
def worker_seen():
    heartbeat_record(name="worker-1")


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_ADDRESSES = []


def scrape() -> str:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    return response.content.decode()


def sample(text: str, name: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return None


def ready() -> dict:
    response = Client().get("/readyz")
    assert response.status_code == 200
    return response.json()


def written_ago(email: OutboundEmail, **ago) -> None:
    OutboundEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - datetime.timedelta(**ago)
    )


# -- The mail queue ------------------------------------------------------------------------


@pytest.fixture
def mail_server_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPConnectError(421, "mail server unavailable")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)


def run_the_worker_once(monkeypatch) -> None:
    """The mail worker in this process: every due task, then it stops."""
    from django.core.management import call_command

    # Closing stale connections between tasks would close the test's own transaction.
    monkeypatch.setattr("outbox.worker.close_old_connections", lambda: None)
    call_command(
        "outbox_worker", batch=True, reload=False, startup_delay=False, verbosity=0,
        worker_id="worker-1",
    )  # fmt: skip


def test_mail_waiting_for_a_retry_is_waiting(mail_server_down, metrics_on, monkeypatch):
    # What operators met: the mail server down, 33 mails each tried once and due again later.
    for n in range(33):
        email = email_enqueue(subject="Notice", body="Body", to=f"p{n}@example.org", kind="test")
    run_the_worker_once(monkeypatch)
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {("queued", 1)}
    written_ago(email, minutes=3)

    body = ready()
    mail = body["checks"]["mail"]
    assert mail["detail"] == "33 waiting (33 for a retry), 0 failed"
    assert (mail["waiting"], mail["retrying"], mail["failed"]) == (33, 33, 0)
    assert 175 <= mail["oldest_waiting_seconds"] <= 200
    # The task queue says why nothing is due: the retries are scheduled.
    assert body["checks"]["task_queue"]["detail"] == "0 due, 33 scheduled, 0 failed"

    text = scrape()
    assert sample(text, "editorial_mail_waiting") == 33
    assert sample(text, "editorial_mail_retrying") == 33
    assert sample(text, "editorial_mail_failed") == 0
    assert 175 <= sample(text, "editorial_mail_oldest_waiting_seconds") <= 200
    assert sample(text, "editorial_task_queue_scheduled") == 33
    assert sample(text, "editorial_mail_workers") == 1
    assert 0 <= sample(text, "editorial_mail_worker_heartbeat_age_seconds") < 5


def test_the_oldest_waiting_mail_degrades_readiness_past_its_limit(settings, worker_seen):
    sent = email_enqueue(subject="Old but sent", body="Body", to="a@example.org", kind="test")
    OutboundEmail.objects.filter(pk=sent.pk).update(status="sent")
    written_ago(sent, hours=5)
    waiting = email_enqueue(subject="Waiting", body="Body", to="b@example.org", kind="test")
    written_ago(waiting, minutes=30)

    settings.OUTBOX_MAX_WAIT = 3600
    assert ready()["checks"]["mail"]["status"] == "ok"  # sent mail does not count

    settings.OUTBOX_MAX_WAIT = 900
    body = ready()
    assert body["status"] == "degraded"
    assert body["checks"]["mail"]["status"] == "degraded"
    assert "the oldest email has waited 1800 s" in body["checks"]["mail"]["detail"]


def test_failed_and_stuck_mail_are_counted(worker_seen):
    failed = email_enqueue(subject="Failed", body="Body", to="a@example.org", kind="test")
    stuck = email_enqueue(subject="Stuck", body="Body", to="b@example.org", kind="test")
    OutboundEmail.objects.filter(pk=failed.pk).update(status="failed", attempts=10)
    OutboundEmail.objects.filter(pk=stuck.pk).update(
        status="sending", claimed_at=timezone.now() - datetime.timedelta(minutes=20)
    )
    mail = ready()["checks"]["mail"]
    assert (mail["waiting"], mail["failed"], mail["stuck"]) == (0, 1, 1)
    assert mail["status"] == "degraded"  # a stuck one needs an operator; a failed one is listed
    assert "1 stuck sending" in mail["detail"]


# -- The worker's heartbeat ----------------------------------------------------------------


def test_readiness_is_degraded_when_no_worker_has_been_seen_lately(settings, metrics_on):
    settings.OUTBOX_WORKER_STALE_AFTER = 120
    body = ready()
    assert body["checks"]["mail"]["status"] == "degraded"
    assert body["checks"]["mail"]["detail"].endswith(": no worker has run yet")
    assert sample(scrape(), "editorial_mail_worker_heartbeat_age_seconds") == float("inf")

    heartbeat_record(name="worker-1")
    assert ready()["checks"]["mail"]["status"] == "ok"

    WorkerHeartbeat.objects.update(seen_at=timezone.now() - datetime.timedelta(minutes=10))
    response = Client().get("/readyz")
    assert response.status_code == 200  # worth a look, not a reason to stop serving readers
    body = response.json()
    assert body["status"] == "degraded" and body["checks"]["mail"]["status"] == "degraded"
    assert "no worker seen for 600 s" in body["checks"]["mail"]["detail"]
    assert body["checks"]["mail"]["workers_seen"] == 0
    text = scrape()
    assert sample(text, "editorial_mail_workers") == 0
    assert 599 <= sample(text, "editorial_mail_worker_heartbeat_age_seconds") <= 610


# -- Screening -----------------------------------------------------------------------------


def test_screening_is_not_configured_until_a_first_import(settings, worker_seen):
    now = timezone.now()
    ScreeningRun.objects.create(  # a re-screen without notices screens against nothing
        kind=ScreeningRun.Kind.RESCREEN,
        started_at=now,
        finished_at=now,
        status=ScreeningRun.Status.FINISHED,
    )
    body = ready()
    assert body["checks"]["screening"] == {
        "status": "not configured",
        "detail": "no retraction file imported yet",
        "age_seconds": None,
    }
    assert body["status"] == "ok"

    settings.SCREENING_REQUIRED = True
    body = ready()
    assert body["checks"]["screening"]["status"] == "degraded"
    assert body["status"] == "degraded"

    ScreeningRun.objects.create(
        kind=ScreeningRun.Kind.IMPORT,
        started_at=now,
        finished_at=now,
        status=ScreeningRun.Status.FINISHED_WITH_SKIPS,
    )
    assert ready()["checks"]["screening"]["status"] == "ok"


# -- The database unreachable --------------------------------------------------------------


def test_readyz_stays_200_degraded_when_the_database_is_unreachable(worker_seen):
    attempts = []

    def refuse(execute, sql, params, many, context):
        attempts.append(sql)
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(refuse):
        response = Client().get("/readyz")
    # Every server shares the outage and can still serve kept pages: none is taken out.
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    checks = body["checks"]
    assert checks["database"] == {"status": "unavailable", "detail": "unreachable"}
    assert checks["migrations"]["status"] == "ok"  # known applied: it stays so
    assert checks["cache"]["status"] == "ok"
    for name in ("task_queue", "mail", "screening"):
        assert checks[name] == {
            "status": "unknown",
            "detail": "not checked: the database is unavailable",
        }
    assert len(attempts) == 1  # one attempt per probe, not one per check


def test_metrics_answer_without_the_database(metrics_on, worker_seen):
    before = sample(scrape(), 'editorial_database_errors_total{source="metrics"}') or 0
    with connection.execute_wrapper(refuse_everything):
        text = scrape()
    assert sample(text, "editorial_database_up") == 0
    # What the process counted is there; what only the database knows is left out.
    assert "# TYPE editorial_responses_total counter" in text
    assert "editorial_mail_waiting" not in text and "editorial_articles{" not in text
    assert sample(text, 'editorial_database_errors_total{source="metrics"}') == before + 1
    assert sample(scrape(), "editorial_database_up") == 1  # and back


OUTAGE_PROBE = """
import django, json
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
ready = client.get("/readyz")
scraped = client.get("/metrics", HTTP_AUTHORIZATION="Bearer probe-token")
print("RESULT " + json.dumps({
    "ready_status": ready.status_code, "ready": ready.json(),
    "metrics_status": scraped.status_code, "metrics": scraped.content.decode(),
}))
"""


def test_a_server_whose_database_refuses_connections_is_degraded_not_out(tmp_path):
    """A process of its own, its DATABASE_URL on a port where nothing listens."""
    import json

    closed = free_port()
    env = app_environment(
        {"DATABASE_URL": f"postgres://editorial@127.0.0.1:{closed}/editorial"},
        METRICS_TOKEN="probe-token",
    )
    finished = subprocess.run(
        [sys.executable, "-c", OUTAGE_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    line = [x for x in finished.stdout.splitlines() if x.startswith("RESULT ")][-1]
    result = json.loads(line.removeprefix("RESULT "))
    assert result["ready_status"] == 200
    assert result["ready"]["status"] == "degraded"
    assert result["ready"]["checks"]["database"]["status"] == "unavailable"
    assert result["ready"]["checks"]["migrations"]["status"] == "unknown"  # never seen applied
    assert result["metrics_status"] == 200
    assert "editorial_database_up 0.0" in result["metrics"]


def test_a_setting_brings_back_503_without_the_database(settings):
    settings.READY_REQUIRES_DATABASE = True
    with connection.execute_wrapper(refuse_everything):
        response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "failing"


# -- Kept pages in the metrics -------------------------------------------------------------


def test_replayed_kept_pages_are_counted_under_their_view(metrics_on, policy, editor, reviewer):
    article = approved_article(by=editor, reviewer=reviewer)
    url = article.get_absolute_url()
    replayed = 'editorial_kept_pages_total{outcome="replayed",view="public:article"}'
    rendered = 'editorial_kept_pages_total{outcome="rendered",view="public:article"}'
    responses = 'editorial_responses_total{status_class="2xx",view="public:article"}'
    before = {name: sample(scrape(), name) or 0 for name in (replayed, rendered, responses)}

    reader = Client()
    for _ in range(3):
        assert reader.get(url).status_code == 200

    text = scrape()
    assert sample(text, rendered) == before[rendered] + 1
    assert sample(text, replayed) == before[replayed] + 2
    assert sample(text, responses) == before[responses] + 3  # none of them <unmatched>


def test_a_stale_serve_is_counted_under_its_view_with_the_database_error(metrics_on):
    stale = 'editorial_kept_pages_total{outcome="stale",view="public:article"}'
    errors = 'editorial_database_errors_total{source="kept_page"}'
    before = {name: sample(scrape(), name) or 0 for name in (stale, errors)}

    def serve_stale(request):
        metrics.kept_page_replayed(request)
        metrics.stale_served(request)  # the kept-page middleware, during an outage
        from django.http import HttpResponse

        return HttpResponse("kept copy")

    request = RequestFactory().get("/articles/what-is-baclofen-used-for/")
    RequestObservabilityMiddleware(serve_stale)(request)
    text = scrape()
    assert sample(text, stale) == before[stale] + 1
    assert sample(text, errors) == before[errors] + 1


def test_health_checks_that_read_the_database_can_be_registered_apart():
    # Checks that need no database (the cache, a file) still run during an outage.
    ran = []
    health.register_check(
        "no_database_needed",
        lambda: ran.append(True) or health.CheckResult("ok"),
        needs_database=False,
    )
    try:
        with connection.execute_wrapper(refuse_everything):
            body = Client().get("/readyz").json()
    finally:
        health.unregister_check("no_database_needed")
    assert ran and body["checks"]["no_database_needed"]["status"] == "ok"
    assert re.fullmatch(r"degraded", body["status"])
