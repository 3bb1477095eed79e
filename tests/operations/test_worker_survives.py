"""The mail worker waits out a database outage, says it is alive, and delivers once it is back.

The real-process test runs ``manage.py outbox_worker`` against a PostgreSQL
cluster of its own, stops the cluster under it and starts it again. The others
drive the worker's loop in this process.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import time

import pytest
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outbox import worker as mail_worker
from outbox.models import WorkerHeartbeat
from outbox.services import email_enqueue
from tests.operations.postgres import PrivateCluster
from tests.operations.processes import ROOT, app_environment, stop


def wait_until(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


# -- The loop, in this process ------------------------------------------------------------


def new_worker(**options) -> mail_worker.MailWorker:
    defaults = dict(
        queue_names=["default"],
        interval=0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="worker-under-test",
        excluded_queue_names=[],
    )
    return mail_worker.MailWorker(**(defaults | options))


@pytest.fixture
def no_real_waiting(monkeypatch):
    """Record the worker's sleeps instead of sleeping; keep the test's own connection open."""
    slept: list[float] = []
    monkeypatch.setattr(mail_worker, "sleep", slept.append)
    monkeypatch.setattr(mail_worker, "close_old_connections", lambda: None)
    closed: list[bool] = []
    monkeypatch.setattr(mail_worker, "close_database_connections", lambda: closed.append(True))
    return slept, closed


def test_reconnecting_waits_half_a_second_doubling_to_thirty_with_jitter(settings):
    settings.OUTBOX_WORKER_RECONNECT_SECONDS = 0.5
    settings.OUTBOX_WORKER_RECONNECT_MAX_SECONDS = 30
    for failures, full in [(1, 0.5), (2, 1), (3, 2), (7, 30), (50, 30)]:
        delays = {mail_worker.reconnect_delay(failures) for _ in range(20)}
        assert all(full / 2 <= delay <= full for delay in delays)
        assert len(delays) > 1  # spread, so workers cut off together do not knock together


def test_the_loop_waits_out_a_lost_database_then_carries_on(db, no_real_waiting, caplog, settings):
    settings.OUTBOX_WORKER_RECONNECT_SECONDS = 0.5
    slept, closed = no_real_waiting
    worker = new_worker()
    rounds = iter(
        [
            OperationalError("server closed the connection unexpectedly"),
            InterfaceError("connection already closed"),
            OperationalError("connection refused"),
            "stop",
        ]
    )

    def run_next():
        step = next(rounds)
        if step == "stop":
            worker.running = False
            return mail_worker.EMPTY
        raise step

    worker.run_next = run_next
    with caplog.at_level("WARNING", logger="editorial.worker"):
        worker.run()  # returns only because the last round stops it

    events = [record.event for record in caplog.records]
    assert events == ["worker_database_lost"] * 3 + ["worker_database_back"]
    assert len(closed) == 3  # each lost connection is closed before waiting
    assert 0.25 <= slept[0] <= 0.5 and 0.5 <= slept[1] <= 1 and 1 <= slept[2] <= 2
    assert "OperationalError: server closed the connection unexpectedly" in caplog.messages[0]
    heartbeat = WorkerHeartbeat.objects.get(name="worker-under-test")
    assert timezone.now() - heartbeat.seen_at < datetime.timedelta(seconds=5)


def test_a_task_cut_off_by_the_outage_is_queued_again(db, no_real_waiting):
    email = email_enqueue(subject="Hello", body="Body", to="a@example.org", kind="test")
    task = DBTaskResult.objects.get()
    task.claim("worker-under-test")  # running when the database went away
    worker = new_worker()
    worker.task_in_hand = task
    worker.wait_for_database(OperationalError("terminating connection"), failures=1)
    worker.recover(failures=1, seconds=2.0)
    task.refresh_from_db()
    assert task.status == "READY" and worker.cut_off is None
    assert email.status == "queued"  # the next round delivers it; it was never claimed


def test_the_heartbeat_is_written_at_most_every_few_seconds(db, monkeypatch):
    writes: list[str] = []
    monkeypatch.setattr(mail_worker, "heartbeat_record", lambda *, name: writes.append(name))
    clock = [0.0]
    monkeypatch.setattr(mail_worker, "monotonic", lambda: clock[0])
    worker = new_worker()
    for clock[0] in [100.0, 101.0, 104.9, 105.0, 106.0]:
        worker.beat()
    assert writes == ["worker-under-test", "worker-under-test"]  # at 100 and at 105


def test_the_first_heartbeat_forgets_workers_gone_for_a_week(db):
    from outbox.services import heartbeat_record

    heartbeat_record(name="gone")
    WorkerHeartbeat.objects.filter(name="gone").update(
        seen_at=timezone.now() - datetime.timedelta(days=8)
    )
    heartbeat_record(name="yesterday")
    WorkerHeartbeat.objects.filter(name="yesterday").update(
        seen_at=timezone.now() - datetime.timedelta(days=1)
    )
    new_worker().beat()
    assert set(WorkerHeartbeat.objects.values_list("name", flat=True)) == {
        "yesterday",
        "worker-under-test",
    }


# -- The real worker against a PostgreSQL cluster that stops and starts again ---------------


@pytest.fixture
def cluster():
    cluster = PrivateCluster()
    try:
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        cluster.remove()


def django_process(env: dict, code: str, **options) -> subprocess.Popen:
    """``code`` run with Django set up on ``env``'s database."""
    script = "import django\ndjango.setup()\n" + code
    return subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, **options)


# Started early, it queues its email when told to (a line on stdin): Django's start-up is
# paid while the worker starts, not while the test waits for the database to come back.
QUEUE_ON_CUE = """
from outbox.services import email_enqueue
input()
email_enqueue(subject="After the outage", body="Body", to="a@example.org", kind="test")
"""


def heartbeat_seen_at(url: str):
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=2) as connection:
            row = connection.execute(
                "SELECT seen_at FROM outbox_workerheartbeat WHERE name = 'survivor'"
            ).fetchone()
    except psycopg.OperationalError:
        return None
    return row[0] if row else None


def test_the_worker_survives_a_database_restart_and_delivers_after_it(cluster, tmp_path):
    sent = tmp_path / "sent.txt"  # the console mail backend writes each message to stdout
    env = app_environment(
        {"DATABASE_URL": cluster.url},
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        OUTBOX_WORKER_RECONNECT_SECONDS="0.2",
        OUTBOX_WORKER_RECONNECT_MAX_SECONDS="1",
    )
    migrate = django_process(  # only the tables the worker reads and writes
        env,
        "from django.core.management import call_command\n"
        "for app in ('outbox', 'django_tasks_database'):\n"
        "    call_command('migrate', app, verbosity=0)\n",
    )
    queue = django_process(env, QUEUE_ON_CUE, stdin=subprocess.PIPE, text=True)
    assert migrate.wait(60) == 0
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "outbox_worker", "--interval", "0.1", "--no-reload",
         "--no-startup-delay", "--worker-id", "survivor"],
        cwd=ROOT, env=env, stdout=sent.open("wb"), stderr=log.open("wb"),
    )  # fmt: skip
    try:
        wait_until(lambda: heartbeat_seen_at(cluster.url), timeout=20, what="a first heartbeat")

        cluster.stop()
        wait_until(
            lambda: "worker_database_lost" in log.read_text(), timeout=10, what="the outage line"
        )
        time.sleep(1)  # a few reconnection attempts
        assert worker.poll() is None, log.read_text()[-3000:]

        cluster.start()
        back_at = timezone.now()
        queue.communicate("go\n", timeout=30)
        assert queue.returncode == 0
        wait_until(
            lambda: "Subject: After the outage" in sent.read_text(), timeout=20, what="the mail"
        )
        assert worker.poll() is None
        assert heartbeat_seen_at(cluster.url) >= back_at - datetime.timedelta(seconds=1)
    finally:
        stop(worker)
        stop(queue)

    lines = [json.loads(line) for line in log.read_text().splitlines()]  # every line is JSON
    events = [line.get("event") for line in lines]
    lost = events.count("worker_database_lost")
    assert 1 <= lost <= 10, lost  # backing off, not spinning
    assert "worker_database_back" in events
    assert worker.returncode == 0  # stopped by SIGTERM, cleanly
