"""The metrics page: this process's counters, and the gauges read from the database when scraped.

The gauges (articles per state, the review queue, the task queue, the mail queue
and its workers, the edge purges) are read from the database at scrape time,
so any server gives the same answer. While the database cannot be read they
are left out and ``editorial_database_up`` is 0: the page still answers with
what this process counted (``editorial.metrics``).

``metrics_view`` serves them to a scraper that shows ``METRICS_TOKEN`` or comes
from ``METRICS_ALLOWED_ADDRESSES``; to no one else.
"""

from __future__ import annotations

import datetime
import hmac
import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

# The classic text format: every Prometheus version reads it.
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from editorial import metrics, selectors
from editorial.observability import address_in
from outbox.selectors import mail_queue_summary
from public.purge import purges_summary

logger = logging.getLogger("editorial.outage")


class DatabaseCollector:
    """Gauges read from the database at scrape time (a handful of indexed queries).

    All of them are read before any is given, so a database lost half-way through
    leaves none out of step; without the database only ``editorial_database_up 0``.
    """

    def collect(self):
        try:
            families = list(self.read())
        except DatabaseError as error:
            metrics.database_error_seen(source="metrics")
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
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    read = CollectorRegistry()
    read.register(DatabaseCollector())
    gauges = generate_latest(read)  # first: a database error it meets is counted in this scrape
    return generate_latest(counted) + gauges, CONTENT_TYPE_PLAIN_0_0_4


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if token and given.startswith("Bearer "):
        if hmac.compare_digest(given.removeprefix("Bearer ").encode(), token.encode()):
            return True
    return address_in(request.META.get("REMOTE_ADDR", ""), settings.METRICS_ALLOWED_ADDRESSES)


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a scraper with the token or from an allowed address."""
    if not settings.METRICS_TOKEN and not settings.METRICS_ALLOWED_ADDRESSES:
        raise Http404("Metrics are not enabled.")
    if not metrics_allowed(request):
        return HttpResponseForbidden(
            "Metrics need the METRICS_TOKEN bearer token or an allowed address.",
            content_type="text/plain",
        )
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)
