"""Prometheus metrics: what the code counts as it runs.

Counters and histograms live in this process; with several gunicorn workers set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory (emptied at each start) so a
scrape adds up every worker. What the database says is read when the page is
scraped (``editorial.scrape``). This module imports no app, so every layer may count.

Kept public pages are counted by how they were answered. The kept-page
middleware marks the request (``kept_page_replayed``, ``kept_page_rendered``,
``stale_served``) and the request middleware counts it once, under the view's
URL name (``editorial.observability``).
"""

from __future__ import annotations

from django.http import HttpRequest
from prometheus_client import Counter, Histogram

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
EDGE_REFRESHES = Counter(
    "editorial_edge_refreshes_total",
    "Pages the purger had the edge fetch afresh right after purging them (public/purge.py): "
    "origin requests made for no reader.",
)


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
