"""What operators see: a request id on every log line, JSON logs, workflow events, metrics.

- ``RequestObservabilityMiddleware`` (first in MIDDLEWARE) gives each request an
  id, taken from the load balancer's ``X-Request-ID`` only when the request comes
  from an address in ``TRUSTED_PROXIES``; echoes it in the ``X-Request-ID``
  response header; times the request per view for the metrics (a kept page,
  answered before URL resolution, is named by its path resolved once), counts
  kept pages by outcome; and logs one ``editorial.request`` line when it is answered.
- ``RequestContextFilter`` puts ``request_id`` and ``user_id`` on every log record
  written while a request is handled; ``editorial.logformat.JsonFormatter``
  writes one JSON object per line (the production format).
- ``workflow_event_record`` is called by the workflow's one audit step
  (``articles.services.audit_record``) and logs the transition as its own
  record once the transaction commits.

The metrics page itself is ``editorial.scrape``.
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
import re
import time
import uuid
from functools import lru_cache

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from editorial import metrics
from editorial.clientip import is_trusted_proxy

request_logger = logging.getLogger("editorial.request")
workflow_logger = logging.getLogger("editorial.workflow")

_current: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "editorial_request", default=None
)

# What a balancer's id may look like (HAProxy's unique-id, nginx's $request_id, a UUID);
# anything else is replaced, so a client cannot write arbitrary text into our logs.
REQUEST_ID_PATTERN = re.compile(r"[\w.:@+=/-]{1,200}", re.ASCII)


# Any other method a client makes up is counted as "other": labels must stay few.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def address_in(address: str, entries) -> bool:
    """Whether ``address`` is one of ``entries`` (addresses or CIDR networks)."""
    if not address or not entries:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(entries)))


def is_from_trusted_proxy(request: HttpRequest) -> bool:
    """The request's direct peer is one of ``TRUSTED_PROXIES`` (the load balancers)."""
    return is_trusted_proxy(request.META.get("REMOTE_ADDR", ""))


def request_id_for(request: HttpRequest) -> str:
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    if given and REQUEST_ID_PATTERN.fullmatch(given) and is_from_trusted_proxy(request):
        return given
    return uuid.uuid4().hex


def view_name(request: HttpRequest) -> str:
    # The URL name, never the path: paths carry slugs and ids, which would make
    # one time series per article.
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    if getattr(request, "kept_page_outcome", None):
        # A kept page is answered before URL resolution; its path is resolved once.
        return kept_page_view(request.path_info)
    return "<unmatched>"


@lru_cache(maxsize=2048)
def kept_page_view(path: str) -> str:
    """The URL name of a kept page's path (resolved once per path, as kept pages are)."""
    try:
        return resolve(path).view_name
    except Resolver404:
        return "<unmatched>"


class RequestObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id_for(request)
        token = _current.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            view = view_name(request)
            method = request.method if request.method in KNOWN_METHODS else "other"
            metrics.REQUEST_LATENCY.labels(view=view, method=method).observe(elapsed)
            metrics.RESPONSES.labels(
                view=view, status_class=f"{response.status_code // 100}xx"
            ).inc()
            if response.status_code >= 500:
                metrics.REQUEST_ERRORS.labels(view=view).inc()
            kept = getattr(request, "kept_page_outcome", None)
            if kept:
                metrics.KEPT_PAGES.labels(view=view, outcome=kept).inc()
            response["X-Request-ID"] = request.request_id
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "event": "request",
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "view": view,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            return response
        finally:
            _current.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` (None outside a request, or when anonymous)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current.get()
        record.request_id = getattr(request, "request_id", None) if request else None
        record.user_id = _user_id(request) if request else None
        return True


def _user_id(request: HttpRequest) -> int | None:
    # Only a user the request has already loaded: looking one up here would add a
    # query to whatever line is being logged (perhaps during a database outage).
    user = request.__dict__.get("_cached_user")
    if user is not None and user.is_authenticated:
        return user.pk
    return None


def workflow_event_record(*, article, name: str, source: str, target: str, actor) -> None:
    """Log a workflow transition as its own record, and count it, once it is committed."""
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    article_id, slug, revision = article.pk, article.slug, article.revision

    def emit() -> None:
        metrics.TRANSITIONS.labels(transition=name).inc()
        workflow_logger.info(
            "Article %s: %s (%s -> %s)",
            article_id,
            name,
            source,
            target,
            extra={
                "event": "transition",
                "transition": name,
                "article_id": article_id,
                "article_slug": slug,
                "revision": revision,
                "from_state": source,
                "to_state": target,
                "actor_id": actor_id,
            },
        )

    transaction.on_commit(emit)
