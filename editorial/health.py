"""Health: ``/healthz`` (is this process alive and can it reach the database?) and
``/readyz`` (should the load balancer send it readers?), naming each dependency.

Readiness is a small registry of named checks. Each check returns a
``CheckResult``; its status is one of:

- ``ok``;
- ``degraded``: the site still answers, worse (the cache is unreachable, tasks wait too long);
- ``failing``: for a *critical* check the server must not get traffic (database
  unreachable, migrations not applied); for any other check it only degrades;
- ``not configured``: the part is not installed here.

The report's status is ``failing`` (HTTP 503) when a critical check fails,
``degraded`` (HTTP 200) when anything else is short of ok, and ``ok`` otherwise.

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
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from editorial import cache as resilient_cache
from editorial import selectors

logger = logging.getLogger("editorial.outage")

OK, DEGRADED, FAILING, NOT_CONFIGURED = "ok", "degraded", "failing", "not configured"


@dataclasses.dataclass(frozen=True)
class CheckResult:
    status: str
    detail: str = ""
    data: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Check:
    run: Callable[[], CheckResult]
    critical: bool


_checks: dict[str, Check] = {}
# Parts every deployment names, registered or not (the screening app registers its own).
EXPECTED_CHECKS = ("database", "migrations", "cache", "task_queue", "screening")


def register_check(name: str, run: Callable[[], CheckResult], *, critical: bool = False) -> None:
    """Add (or replace) a named readiness check. Critical checks that fail take the server out."""
    _checks[name] = Check(run=run, critical=critical)


def unregister_check(name: str) -> None:
    _checks.pop(name, None)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: database unreachable: %s", error)
        return False
    return True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers ``SELECT 1``, 503 otherwise. No login, no session, no cache."""
    if not database_answers():
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


def check_database() -> CheckResult:
    if database_answers():
        return CheckResult(OK, connection.vendor)
    return CheckResult(FAILING, "unreachable")


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
    detail = f"{summary.waiting} waiting, {summary.failed} failed"
    return CheckResult(DEGRADED if late else OK, detail, data)


register_check("database", check_database, critical=True)
register_check("migrations", check_migrations, critical=True)
register_check("cache", check_cache)
register_check("task_queue", check_task_queue)


def readiness_report() -> tuple[str, dict[str, dict]]:
    """Run every check: the overall status and each named part's result."""
    results: dict[str, dict] = {}
    overall = OK
    for name in dict.fromkeys([*EXPECTED_CHECKS, *_checks]):
        check = _checks.get(name)
        if check is None:
            results[name] = {"status": NOT_CONFIGURED}
            continue
        try:
            result = check.run()
        except DatabaseError as error:
            logger.error("Readiness check %s: database error: %s", name, error)
            result = CheckResult(FAILING, "database error")
        except Exception:  # one broken check must not hide the others
            logger.exception("Readiness check %s raised", name)
            result = CheckResult(FAILING, "check raised an error")
        results[name] = {"status": result.status, "detail": result.detail, **result.data}
        if result.status == FAILING and check.critical:
            overall = FAILING
        elif result.status in (FAILING, DEGRADED) and overall == OK:
            overall = DEGRADED
    return overall, results


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Every dependency by name; 503 when a critical one fails, else 200 ("ok" or "degraded")."""
    overall, results = readiness_report()
    return JsonResponse(
        {"status": overall, "checks": results}, status=503 if overall == FAILING else 200
    )
