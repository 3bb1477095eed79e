"""The readiness report's line for mail: what waits, what failed, and whether a worker runs."""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings

from editorial.health import DEGRADED, OK, CheckResult
from outbox.selectors import mail_queue_summary


def mail_queue() -> CheckResult:
    """ok while a worker has been seen lately and no email waits too long; degraded otherwise."""
    stale_after = settings.OUTBOX_WORKER_STALE_AFTER
    summary = mail_queue_summary(seen_within=datetime.timedelta(seconds=stale_after))
    problems = []
    if summary.workers_seen == 0:
        problems.append(
            "no worker has run yet"
            if summary.last_heartbeat_seconds is None
            else f"no worker seen for {summary.last_heartbeat_seconds:.0f} s"
        )
    if (summary.oldest_waiting_seconds or 0) > settings.OUTBOX_MAX_WAIT:
        problems.append(f"the oldest email has waited {summary.oldest_waiting_seconds:.0f} s")
    if summary.stuck:
        problems.append(f"{summary.stuck} stuck sending (retry them from the admin)")
    detail = f"{summary.waiting} waiting ({summary.retrying} for a retry), {summary.failed} failed"
    if problems:
        detail += ": " + "; ".join(problems)
    return CheckResult(DEGRADED if problems else OK, detail, dataclasses.asdict(summary))
