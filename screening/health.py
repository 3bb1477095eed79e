"""The readiness report's line for retraction screening: when the library was last screened."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from editorial.health import CheckResult
from screening.models import ScreeningRun

# The notices are imported weekly (docs/deploy.md); a day's grace before saying so.
MAX_AGE = datetime.timedelta(days=8)


def last_screening_run() -> CheckResult:
    """ok while the last finished screening is recent, degraded when it is old; not configured
    until a first retraction file is imported, unless ``SCREENING_REQUIRED`` says it must be."""
    imported = ScreeningRun.objects.filter(
        kind=ScreeningRun.Kind.IMPORT,
        status__in=[ScreeningRun.Status.FINISHED, ScreeningRun.Status.FINISHED_WITH_SKIPS],
    ).exists()
    if not imported:
        # A site that has not set up the weekly import yet is not failing at it.
        status = "degraded" if settings.SCREENING_REQUIRED else "not configured"
        return CheckResult(status, "no retraction file imported yet", {"age_seconds": None})
    run = (
        ScreeningRun.objects.filter(status=ScreeningRun.Status.FINISHED)
        .order_by("-finished_at")
        .only("finished_at")
        .first()
    )
    if run is None or run.finished_at is None:
        return CheckResult("degraded", "no screening has finished yet", {"age_seconds": None})
    age = timezone.now() - run.finished_at
    status = "ok" if age <= MAX_AGE else "degraded"
    return CheckResult(
        status,
        f"last finished {run.finished_at:%Y-%m-%d %H:%M} UTC",
        {"age_seconds": round(age.total_seconds())},
    )
