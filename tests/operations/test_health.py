"""/healthz and /readyz tell the truth: each dependency by name, degraded is not ok, and a shared
dependency's outage does not take every server out (tests/operations/test_health_truthful.py
has the mail queue, the worker's heartbeat and the database outage)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import OperationalError, connection, models
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from editorial import health, selectors

pytestmark = pytest.mark.django_db


def refuse_everything(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


def test_healthz_is_ok_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_liveness_and_asks_nothing_of_the_database(client, django_assert_num_queries):
    # A database outage must not get every server restarted by its supervisor.
    with connection.execute_wrapper(refuse_everything), django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.fixture
def worker_seen(db):
    """A mail worker that went round its loop just now."""
    from outbox.services import heartbeat_record

    heartbeat_record(name="worker-1")


def test_readyz_names_every_part(client, worker_seen):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert list(body["checks"]) == [
        "database",
        "migrations",
        "cache",
        "task_queue",
        "mail",
        "screening",
        "edge_purge",
    ]
    # No CDN_PURGE_URLS here: no edge to purge.
    assert body["checks"]["edge_purge"]["status"] == "not configured"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["migrations"] == {"status": "ok", "detail": "all applied"}
    assert body["checks"]["cache"]["status"] == "ok"
    assert body["checks"]["task_queue"]["status"] == "ok"
    assert body["checks"]["mail"]["status"] == "ok"
    # No retraction file was ever imported here: a part not set up yet, not a fault.
    assert body["checks"]["screening"]["status"] == "not configured"
    assert body["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ok_after_a_recent_import(client, worker_seen):
    from screening.models import ScreeningRun

    now = timezone.now()
    ScreeningRun.objects.create(
        kind=ScreeningRun.Kind.IMPORT,
        started_at=now,
        finished_at=now,
        status=ScreeningRun.Status.FINISHED,
    )
    body = client.get("/readyz").json()
    assert body["checks"]["screening"]["status"] == "ok"
    assert body["status"] == "ok"


def test_readyz_says_degraded_not_ok_when_redis_is_down(client, resilient_cache, redis_server):
    redis_server.stop()
    response = client.get("/readyz")
    assert response.status_code == 200  # still worth sending readers to
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["status"] == "degraded"
    redis_server.start()
    # The probe ignores the breaker: the cache is ok again at once.
    assert client.get("/readyz").json()["checks"]["cache"]["status"] == "ok"


def test_readyz_fails_without_the_database_when_a_setting_requires_it(client, settings):
    settings.READY_REQUIRES_DATABASE = True
    with connection.execute_wrapper(refuse_everything):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing" and body["checks"]["database"]["status"] == "failing"


def test_readyz_answers_503_while_the_server_is_draining(client, settings, tmp_path, worker_seen):
    settings.DRAIN_FILE = str(tmp_path / "drain")
    assert client.get("/readyz").status_code == 200
    (tmp_path / "drain").touch()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "draining"
    assert response.json()["checks"]["database"]["status"] == "ok"  # still named, part by part


def test_readyz_fails_while_migrations_are_not_applied(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_seen_applied", False)
    real_plan = MigrationExecutor.migration_plan

    def one_left(self, targets, clean_start=False):
        plan = real_plan(self, targets, clean_start)
        return plan or [(self.loader.get_migration("articles", "0001_initial"), False)]

    monkeypatch.setattr(MigrationExecutor, "migration_plan", one_left)
    response = client.get("/readyz")
    assert response.status_code == 503
    check = response.json()["checks"]["migrations"]
    assert check["status"] == "failing" and check["unapplied"] == ["articles.0001_initial"]


def test_another_app_registers_its_own_check(client):
    def last_screening_run():
        return health.CheckResult("degraded", "last run 3 days ago", {"age_seconds": 259200})

    original = health._checks.get("screening")
    health.register_check("screening", last_screening_run)
    try:
        body = client.get("/readyz").json()
    finally:
        health.unregister_check("screening")
        if original is not None:
            health._checks["screening"] = original
    assert body["status"] == "degraded"
    assert body["checks"]["screening"] == {
        "status": "degraded",
        "detail": "last run 3 days ago",
        "age_seconds": 259200,
    }


def test_a_broken_check_fails_alone_and_does_not_hide_the_others(client, worker_seen):
    def broken():
        raise RuntimeError("bug in a check")

    health.register_check("extra", broken)
    try:
        response = client.get("/readyz")
    finally:
        health.unregister_check("extra")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"  # not critical
    assert body["checks"]["extra"]["status"] == "failing"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_health_endpoints_only_answer_get(client, method):
    assert getattr(client, method)("/readyz").status_code == 405
    assert getattr(client, method)("/healthz").status_code == 405


# -- The task queue, when django-tasks' database backend is installed ----------------------


class StandInTaskResult(models.Model):
    """The columns of django-tasks-db's DBTaskResult that the queue report reads."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    status = models.CharField(max_length=10)
    enqueued_at = models.DateTimeField()
    run_after = models.DateTimeField()

    class Meta:
        app_label = selectors.TASKS_APP_LABEL
        db_table = "test_stand_in_task_result"

    def __str__(self) -> str:
        return f"{self.status} task {self.pk}"


@pytest.fixture
def task_table(monkeypatch):
    with connection.schema_editor() as editor:
        editor.create_model(StandInTaskResult)
    monkeypatch.setattr(selectors, "task_model", lambda: StandInTaskResult)
    yield StandInTaskResult
    with connection.schema_editor() as editor:
        editor.delete_model(StandInTaskResult)


@pytest.mark.django_db(transaction=True)
def test_readyz_reports_the_task_backlog_and_its_oldest_waiting_task(client, task_table, settings):
    now = timezone.now()
    minutes = datetime.timedelta(minutes=1)
    never = selectors.TASKS_NO_RUN_AFTER
    rows = [
        ("READY", now - 10 * minutes, never),  # waiting 10 minutes
        ("READY", now - 30 * minutes, now - 2 * minutes),  # deferred, due 2 minutes ago
        ("READY", now - 60 * minutes, now + 60 * minutes),  # deferred, not due: not waiting
        ("RUNNING", now - 5 * minutes, never),
        ("FAILED", now - 90 * minutes, never),
        ("SUCCESSFUL", now - 90 * minutes, never),
    ]
    for status, enqueued_at, run_after in rows:
        task_table.objects.create(status=status, enqueued_at=enqueued_at, run_after=run_after)

    settings.TASK_QUEUE_MAX_WAIT = 3600
    check = client.get("/readyz").json()["checks"]["task_queue"]
    assert check["status"] == "ok"
    assert (check["waiting"], check["scheduled"], check["running"], check["failed"]) == (2, 1, 1, 1)
    assert 599 <= check["oldest_waiting_seconds"] <= 610  # since it was enqueued

    settings.TASK_QUEUE_MAX_WAIT = 300
    body = client.get("/readyz").json()
    assert body["checks"]["task_queue"]["status"] == "degraded"
    assert body["status"] == "degraded"
