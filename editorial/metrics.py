"""Prometheus metrics: what the code counts as it runs, and what the database says at scrape time.

Counters and histograms live in this process; with several gunicorn workers set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory (emptied at each start) so a
scrape adds up every worker. The gauges (articles per state, the review queue,
the task queue, the mail queue and its workers) are read from the database when
scraped, so any server gives the same answer. While the database cannot be read
they are left out and ``editorial_database_up`` is 0: the page still answers
with what this process counted.

Kept public pages are counted by how they were answered. The kept-page
middleware marks the request (``kept_page_replayed``, ``kept_page_rendered``,
``stale_served``) and the request middleware counts it once, under the view's
URL name (``editorial.observability``).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

# The classic text format: every Prometheus version reads it.
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

REQUEST_LATENCY = Histogram(
    "editorial_request_duration_seconds",
    "Time to answer a request, by view (URL name) and method.",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RESPONSES = Counter(
    "editorial_responses_total",
    "Responses by view and status class (2xx, 3xx, 4xx, 5xx).",
    ["view", "status_class"],
)
REQUEST_ERRORS = Counter(
    "editorial_request_errors_total",
    "Server errors (5xx responses, including unhandled exceptions) by view.",
    ["view"],
)
TRANSITIONS = Counter(
    "editorial_workflow_transitions_total",
    "Workflow transitions committed, by transition name.",
    ["transition"],
)
CACHE_ERRORS = Counter(
    "editorial_cache_errors_total",
    "Shared-cache operations that failed (Redis unreachable or too slow), by operation.",
    ["operation"],
)
DATABASE_ERRORS = Counter(
    "editorial_database_errors_total",
    "Times the database could not be reached (refused, dropped, timed out), by where: "
    "request, kept_page, readiness, metrics.",
    ["source"],
)
KEPT_PAGES = Counter(
    "editorial_kept_pages_total",
    "Anonymous readers' public pages by view and outcome: replayed (the kept copy, current), "
    "rendered (by the full stack, then kept), stale (the kept copy, served while the "
    "database could not be read).",
    ["view", "outcome"],
)
REPLAYED, RENDERED, STALE = "replayed", "rendered", "stale"
EDGE_PURGES = Counter(
    "editorial_edge_purge_attempts_total",
    "Purges sent to the edge by key (public/purge.py), by outcome: sent (every endpoint "
    "answered 2xx) or failed (retried later).",
    ["outcome"],
)

logger = logging.getLogger("editorial.outage")


def database_error_seen(*, source: str) -> None:
    """Count one failure to reach the database (``source``: where it was met)."""
    DATABASE_ERRORS.labels(source=source).inc()


def kept_page_replayed(request: HttpRequest) -> None:
    """This request is answered from a kept page that is still current."""
    if getattr(request, "kept_page_outcome", None) != STALE:
        request.kept_page_outcome = REPLAYED


def kept_page_rendered(request: HttpRequest) -> None:
    """This request's page was rendered by the full stack and kept for the next readers."""
    request.kept_page_outcome = RENDERED


def stale_served(request: HttpRequest) -> None:
    """This request is answered from a kept page while the database cannot be read.

    Counts the kept page as stale under its view, and the database error that made it so.
    """
    request.kept_page_outcome = STALE
    database_error_seen(source="kept_page")


class DatabaseCollector:
    """Gauges read from the database at scrape time (a handful of indexed queries).

    All of them are read before any is given, so a database lost half-way through
    leaves none out of step; without the database only ``editorial_database_up 0``.
    """

    def collect(self):
        try:
            families = list(self.read())
        except DatabaseError as error:
            database_error_seen(source="metrics")
            logger.error("Metrics: database unreachable: %s", error)
            yield GaugeMetricFamily(
                "editorial_database_up", "Whether this scrape could read the database.", value=0
            )
            return
        yield GaugeMetricFamily(
            "editorial_database_up", "Whether this scrape could read the database.", value=1
        )
        yield from families

    def read(self):
        from editorial import selectors
        from outbox.selectors import mail_queue_summary

        by_state = GaugeMetricFamily(
            "editorial_articles", "Articles by workflow state.", labels=["state"]
        )
        for state, count in selectors.articles_count_by_state().items():
            by_state.add_metric([state], count)
        yield by_state

        oldest = selectors.review_queue_oldest_age()
        yield GaugeMetricFamily(
            "editorial_review_queue_oldest_seconds",
            "Age of the oldest submission waiting for a reviewer to start (0 when none).",
            value=oldest or 0,
        )

        tasks = selectors.task_queue_summary()
        if tasks is not None:
            yield GaugeMetricFamily(
                "editorial_task_queue_waiting",
                "Tasks ready to run, not yet started.",
                value=tasks.waiting,
            )
            yield GaugeMetricFamily(
                "editorial_task_queue_scheduled",
                "Tasks deferred to a later time (mail retries), not yet due.",
                value=tasks.scheduled,
            )
            yield GaugeMetricFamily(
                "editorial_task_queue_oldest_seconds",
                "How long the oldest waiting task has waited (0 when none).",
                value=tasks.oldest_waiting_seconds or 0,
            )
            failed = CounterMetricFamily(
                "editorial_task_failures", "Tasks that ended in failure (as kept in the table)."
            )
            failed.add_metric([], tasks.failed)
            yield failed

        mail = mail_queue_summary(
            seen_within=datetime.timedelta(seconds=settings.OUTBOX_WORKER_STALE_AFTER)
        )
        yield GaugeMetricFamily(
            "editorial_mail_waiting",
            "Emails not sent yet: due now, or waiting for a retry after a failed attempt.",
            value=mail.waiting,
        )
        yield GaugeMetricFamily(
            "editorial_mail_retrying",
            "Of the emails waiting, those that failed at least once (the mail server refused or was away).",
            value=mail.retrying,
        )
        yield GaugeMetricFamily(
            "editorial_mail_failed",
            "Emails given up on after OUTBOX_MAX_ATTEMPTS, until retried from the admin.",
            value=mail.failed,
        )
        yield GaugeMetricFamily(
            "editorial_mail_stuck",
            "Emails left 'sending' by a worker that stopped mid-way; retry them from the admin.",
            value=mail.stuck,
        )
        yield GaugeMetricFamily(
            "editorial_mail_oldest_waiting_seconds",
            "How long the oldest email not sent yet has waited (0 when none).",
            value=mail.oldest_waiting_seconds or 0,
        )
        yield GaugeMetricFamily(
            "editorial_mail_workers",
            "Mail workers seen within OUTBOX_WORKER_STALE_AFTER seconds.",
            value=mail.workers_seen,
        )
        from public.purge import purges_summary

        purges = purges_summary()
        yield GaugeMetricFamily(
            "editorial_edge_purges_waiting",
            "Edge purges written with a change and not yet sent to every CDN endpoint.",
            value=purges["waiting"],
        )
        yield GaugeMetricFamily(
            "editorial_edge_purges_failing",
            "Edge purges whose last attempt failed, waiting for a retry: the edge may hold "
            "pages older than the database.",
            value=purges["failing"],
        )
        yield GaugeMetricFamily(
            "editorial_edge_purge_oldest_waiting_seconds",
            "How long the oldest edge purge not yet sent has waited (0 when none).",
            value=purges["oldest_waiting_seconds"] or 0,
        )
        never = float("inf")  # no worker has ever run: older than any alert threshold
        yield GaugeMetricFamily(
            "editorial_mail_worker_heartbeat_age_seconds",
            "Seconds since any mail worker last went round its loop (+Inf: never).",
            value=never if mail.last_heartbeat_seconds is None else mail.last_heartbeat_seconds,
        )


def exposition() -> tuple[bytes, str]:
    """The metrics page: this process's (or every worker's) counters plus the database gauges."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        from prometheus_client import multiprocess

        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    read = CollectorRegistry()
    read.register(DatabaseCollector())
    gauges = generate_latest(read)  # first: a database error it meets is counted in this scrape
    return generate_latest(counted) + gauges, CONTENT_TYPE_PLAIN_0_0_4
