"""Health: ``/healthz`` (liveness: is this process running?) and ``/readyz`` (readiness:
should the load balancer send it readers?), naming each dependency.

Liveness touches nothing outside the process, so an outage of a shared part
(the database, Redis) never gets every server restarted at once.

Readiness is a small registry of named checks. Each check returns a
``CheckResult``; its status is one of:

- ``ok``;
- ``degraded``: the part answers, worse (tasks wait too long, a worker is not seen);
- ``unavailable``: the database does not answer. The server still serves what it can
  without it (kept public pages), and every server shares the outage, so taking
  them out would only turn a partial outage into a whole one;
- ``failing``: for a *critical* check this server must not get traffic
  (this release's migrations are not applied); for any other check it only degrades;
- ``unknown``: not checked, because the database it reads is unavailable;
- ``not configured``: the part is not installed or not set up here.

The report's status is ``failing`` (HTTP 503) when a critical check fails,
``draining`` (HTTP 503) while the operator's ``DRAIN_FILE`` exists,
``degraded`` (HTTP 200) when anything else is short of ok, and ``ok`` otherwise.
``READY_REQUIRES_DATABASE=True`` makes an unreachable database ``failing``
(503), for set-ups that want a server without its database out of rotation.

Another app adds its own line from its ``AppConfig.ready()``::

    from editorial.health import CheckResult, register_check

    def last_screening_run() -> CheckResult:
        ...
        return CheckResult("ok", "last run 2026-11-29 03:00 UTC", {"age_seconds": 3600})

    register_check("screening", last_screening_run)

Names listed in ``EXPECTED_CHECKS`` but never registered are reported as
``not configured``, so the report always names every part of the deployment.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from editorial import cache as resilient_cache
from editorial import metrics, selectors

logger = logging.getLogger("editorial.outage")

OK, DEGRADED, UNAVAILABLE, FAILING = "ok", "degraded", "unavailable", "failing"
UNKNOWN, NOT_CONFIGURED = "unknown", "not configured"
DRAINING = "draining"


@dataclasses.dataclass(frozen=True)
class CheckResult:
    status: str
    detail: str = ""
    data: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Check:
    run: Callable[[], CheckResult]
    critical: bool
    needs_database: bool


_checks: dict[str, Check] = {}
# Parts every deployment names, registered or not (the outbox, screening and public apps
# register their own). The database comes first: the checks that read it are skipped without it.
EXPECTED_CHECKS = (
    "database",
    "migrations",
    "cache",
    "task_queue",
    "mail",
    "screening",
    "edge_purge",
)


def register_check(
    name: str,
    run: Callable[[], CheckResult],
    *,
    critical: bool = False,
    needs_database: bool = True,
) -> None:
    """Add (or replace) a named readiness check. Critical checks that fail take the server out;
    a check that reads the database is reported ``unknown`` while the database is unavailable."""
    _checks[name] = Check(run=run, critical=critical, needs_database=needs_database)


def unregister_check(name: str) -> None:
    _checks.pop(name, None)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        metrics.database_error_seen(source="readiness")
        logger.error("Health check: database unreachable: %s", error)
        return False
    return True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 while this process answers. No database, no cache, no session."""
    return JsonResponse({"status": "ok"})


def check_database() -> CheckResult:
    if database_answers():
        return CheckResult(OK, connection.vendor)
    return CheckResult(FAILING if settings.READY_REQUIRES_DATABASE else UNAVAILABLE, "unreachable")


_migrations_seen_applied = False


def check_migrations() -> CheckResult:
    # Once every migration of this release is applied it stays so for the life of
    # the process; loading the migration graph costs tens of milliseconds.
    global _migrations_seen_applied
    if _migrations_seen_applied:
        return CheckResult(OK, "all applied")
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
        return CheckResult(FAILING, f"{len(plan)} not applied", {"unapplied": names[:10]})
    _migrations_seen_applied = True
    return CheckResult(OK, "all applied")


def check_cache() -> CheckResult:
    status, detail = resilient_cache.cache_status()
    return CheckResult(status, detail)


def check_task_queue() -> CheckResult:
    summary = selectors.task_queue_summary()
    if summary is None:
        return CheckResult(NOT_CONFIGURED, "no database task backend installed")
    data = dataclasses.asdict(summary)
    late = (summary.oldest_waiting_seconds or 0) > settings.TASK_QUEUE_MAX_WAIT
    detail = f"{summary.waiting} due, {summary.scheduled} scheduled, {summary.failed} failed"
    return CheckResult(DEGRADED if late else OK, detail, data)


register_check("database", check_database, critical=True, needs_database=False)
# Known applied, it answers without the database; not yet known, it tries and says unknown.
register_check("migrations", check_migrations, critical=True, needs_database=False)
register_check("cache", check_cache, needs_database=False)
register_check("task_queue", check_task_queue)


def is_draining() -> bool:
    """The operator asked for this server to be taken out (``DRAIN_FILE`` exists)."""
    return bool(settings.DRAIN_FILE) and os.path.exists(settings.DRAIN_FILE)


def _run(name: str, check: Check) -> CheckResult:
    try:
        return check.run()
    except DatabaseError as error:
        metrics.database_error_seen(source="readiness")
        logger.error("Readiness check %s: database error: %s", name, error)
        return CheckResult(UNKNOWN, "database error")
    except Exception:  # one broken check must not hide the others
        logger.exception("Readiness check %s raised", name)
        return CheckResult(FAILING, "check raised an error")


def readiness_report() -> tuple[str, dict[str, dict]]:
    """Run every check: the overall status and each named part's result."""
    results: dict[str, dict] = {}
    overall = OK
    database_down = False
    for name in dict.fromkeys([*EXPECTED_CHECKS, *_checks]):
        check = _checks.get(name)
        if check is None:
            results[name] = {"status": NOT_CONFIGURED}
            continue
        if check.needs_database and database_down:
            # One connection attempt per probe is enough; each costs a connect timeout.
            result = CheckResult(UNKNOWN, "not checked: the database is unavailable")
        else:
            result = _run(name, check)
        if name == "database":
            database_down = result.status != OK
        results[name] = {"status": result.status, "detail": result.detail, **result.data}
        if result.status == FAILING and check.critical:
            overall = FAILING
        elif result.status not in (OK, NOT_CONFIGURED) and overall == OK:
            overall = DEGRADED
    if is_draining() and overall != FAILING:
        overall = DRAINING
    return overall, results


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Every dependency by name; 503 when a critical one fails or the server is draining,
    else 200 ("ok" or "degraded")."""
    overall, results = readiness_report()
    return JsonResponse(
        {"status": overall, "checks": results},
        status=503 if overall in (FAILING, DRAINING) else 200,
    )
