"""Reads for operators: the figures the readiness report and the metrics page show."""

from __future__ import annotations

import dataclasses
import datetime

from django.apps import apps
from django.db.models import Count, Min, Q
from django.utils import timezone

from articles.models import Article
from articles.workflow import ArticleState

# django-tasks' database backend (package django-tasks-db, app "django_tasks_db";
# older django-tasks shipped it as django_tasks.backends.database) keeps every
# task in one table under this app label and model name.
TASKS_APP_LABEL, TASKS_MODEL = "django_tasks_database", "DBTaskResult"
# The backend's run_after for "as soon as possible" (no date given).
TASKS_NO_RUN_AFTER = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)


def articles_count_by_state() -> dict[str, int]:
    """Every workflow state with its number of articles, zeros included (1 query)."""
    counts = dict(Article.objects.order_by().values_list("state").annotate(n=Count("pk")))
    return {state.value: counts.get(state.value, 0) for state in ArticleState}


def review_queue_oldest_age() -> float | None:
    """Seconds the oldest submission has waited for a reviewer to start, or None (1 query)."""
    oldest = Article.objects.filter(state=ArticleState.SUBMITTED).aggregate(at=Min("queued_at"))[
        "at"
    ]
    return (timezone.now() - oldest).total_seconds() if oldest else None


@dataclasses.dataclass(frozen=True)
class TaskQueueSummary:
    waiting: int  # ready and due
    scheduled: int  # ready, deferred to a later run_after (a mail retry)
    oldest_waiting_seconds: float | None
    running: int
    failed: int


def task_model():
    """The task table's model, or None when no database task backend is installed."""
    try:
        return apps.get_model(TASKS_APP_LABEL, TASKS_MODEL)
    except LookupError:
        return None


def task_queue_summary() -> TaskQueueSummary | None:
    """Backlog of the database task queue, or None when it is not configured (1 query).

    Waiting means READY and due: no run_after, or a run_after already passed;
    scheduled means READY with a run_after still to come. A task waits since it
    was enqueued, or since its run_after when it was deferred.
    """
    model = task_model()
    if model is None:
        return None
    now = timezone.now()
    undated = Q(status="READY", run_after=TASKS_NO_RUN_AFTER)
    due = Q(status="READY", run_after__lte=now)
    figures = model.objects.aggregate(
        waiting=Count("pk", filter=undated | due),
        scheduled=Count("pk", filter=Q(status="READY", run_after__gt=now) & ~undated),
        oldest_enqueued=Min("enqueued_at", filter=undated),
        oldest_due=Min("run_after", filter=due),
        running=Count("pk", filter=Q(status="RUNNING")),
        failed=Count("pk", filter=Q(status="FAILED")),
    )
    starts = [at for at in (figures["oldest_enqueued"], figures["oldest_due"]) if at]
    return TaskQueueSummary(
        waiting=figures["waiting"],
        scheduled=figures["scheduled"],
        oldest_waiting_seconds=(now - min(starts)).total_seconds() if starts else None,
        running=figures["running"],
        failed=figures["failed"],
    )
