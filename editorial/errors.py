"""The pages a server answers with when it cannot answer properly: 503 while the database is
unreachable, 500 for anything else (``handler500``).

They are rendered from templates that need nothing but their own files: no request, no
session, no user, no context processor, no query. Whatever failed, rendering them cannot
fail the same way. They link the site's stylesheet by its static URL and carry the site's
Content-Security-Policy themselves, because an error raised in the outermost middleware
never reaches the one that adds it.

An unreachable database is a 503 with ``Retry-After`` wherever it is met: in a view
(``editorial.middleware.DatabaseUnavailableMiddleware``) or in a middleware before or after
it (sessions, the log-in throttle), which Django hands to ``handler500``. The wording
depends on who is asking: the desk and the log-in pages tell staff that nothing they
saved is lost, the API answers JSON, and readers are told the page will be back.
"""

from __future__ import annotations

import sys

from csp.utils import build_policy
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template
from django.utils.cache import add_never_cache_headers

from editorial import metrics

# Refused, dropped, timed out or closed connections, as Django wraps them and, for a
# connection error raised outside Django's wrapper, as psycopg raises them. Any other
# database error (a missing table, a bad query) is a bug: a 500.
OUTAGE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
try:
    import psycopg

    OUTAGE_ERRORS += (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # SQLite-only installs
    pass

# Seconds a client is asked to wait: a restarting or failing-over PostgreSQL is back within it.
RETRY_AFTER_SECONDS = 30
# Doors used by signed-in staff: their page says their work is safe.
STAFF_PREFIXES = ("/desk/", "/accounts/", "/admin/")
API_PREFIX = "/api/"

# RFC 9457 problem details, like every API error (api.errors), built without the database.
API_UNAVAILABLE = (
    b'{"type": "/api/problems/#unavailable", "title": "Service Unavailable", "status": 503, '
    b'"detail": "The service is briefly unavailable; nothing was changed. Try again in a '
    b'moment.", "code": "unavailable"}'
)


def is_database_outage(error: BaseException | None) -> bool:
    """Whether ``error`` says the database could not be reached (not that a query was wrong)."""
    return isinstance(error, OUTAGE_ERRORS)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 "try again" for a request the database could not answer: JSON under /api/, the
    desk's page for staff doors, the readers' page elsewhere."""
    metrics.database_error_seen(source="request")
    if request.path.startswith(API_PREFIX):
        response = HttpResponse(
            API_UNAVAILABLE, status=503, content_type="application/problem+json"
        )
    else:
        template = (
            "errors/503_desk.html"
            if request.path.startswith(STAFF_PREFIXES)
            else "errors/503_readers.html"
        )
        response = _page(request, template, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a database outage met outside a view is a 503 like any other; the rest
    is a branded 500 naming the request id, so a reader's report can be found in the logs."""
    # Django has logged the error already ("Service Unavailable: <path>", with its traceback).
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable(request)
    return _page(request, "errors/500.html", status=500)


def _page(request: HttpRequest, template_name: str, *, status: int) -> HttpResponse:
    # Rendered without the request: no context processor runs, so nothing loads the user,
    # the session or the messages.
    body = get_template(template_name).render({"request_id": getattr(request, "request_id", "")})
    response = HttpResponse(body, status=status)
    response["Content-Security-Policy"] = build_policy()
    response["X-Content-Type-Options"] = "nosniff"
    # An error page is about this moment: no browser or CDN may keep it.
    add_never_cache_headers(response)
    return response
