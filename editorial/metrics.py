"""Prometheus metrics: what the code counts as it runs, and what the database says at scrape time.

Counters and histograms live in this process; with several gunicorn workers set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory (emptied at each start) so a
scrape adds up every worker. The gauges (articles per state, the review queue,
the task queue) are read from the database when scraped, so any server gives the
same answer.
"""

from __future__ import annotations

import os

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


class DatabaseCollector:
    """Gauges read from the database at scrape time (a handful of indexed queries)."""

    def collect(self):
        from editorial import selectors

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
                "editorial_task_queue_oldest_seconds",
                "How long the oldest waiting task has waited (0 when none).",
                value=tasks.oldest_waiting_seconds or 0,
            )
            failed = CounterMetricFamily(
                "editorial_task_failures", "Tasks that ended in failure (as kept in the table)."
            )
            failed.add_metric([], tasks.failed)
            yield failed


def exposition() -> tuple[bytes, str]:
    """The metrics page: this process's (or every worker's) counters plus the database gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    read = CollectorRegistry()
    read.register(DatabaseCollector())
    return generate_latest(counted) + generate_latest(read), CONTENT_TYPE_PLAIN_0_0_4
