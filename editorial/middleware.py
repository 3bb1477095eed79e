"""Site-wide response hardening: the database-outage page and private responses.

Django 5.2 sets HSTS, nosniff, Referrer-Policy and X-Frame-Options itself
(SecurityMiddleware, XFrameOptionsMiddleware); django-csp sends the
Content-Security-Policy; the middleware here fill the remaining gaps.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from editorial import errors

logger = logging.getLogger("editorial.outage")


class DatabaseUnavailableMiddleware:
    """A lost or refused database connection becomes a 503 "try again" page, not a traceback.

    The services run each write in one transaction, so when the connection
    drops mid-way nothing was half-written: the honest answer is "nothing
    changed, try again in a moment". Logged at ERROR so the outage is seen. The same
    error met in a middleware instead is answered alike by ``handler500``
    (``editorial.errors``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not errors.is_database_outage(exception):
            return None
        logger.error("Database unavailable on %s %s: %s", request.method, request.path, exception)
        return errors.database_unavailable(request)


class PrivateResponseMiddleware:
    """``Cache-Control: private, no-store`` on every response for a signed-in user or a token.

    What a signed-in user sees (the desk, previews, their own follow-up form) and
    what the token-only API returns (``/api/drafts/``) must never be kept by a
    shared cache or a CDN, nor by the browser once the user has left.
    """

    PRIVATE_PREFIXES = ("/api/drafts/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.is_private(request):
            patch_cache_control(response, private=True, no_store=True)
            for directive in ("public", "max-age", "s-maxage"):
                _drop_directive(response, directive)
        return response

    def is_private(self, request: HttpRequest) -> bool:
        if request.path.startswith(self.PRIVATE_PREFIXES) or "HTTP_AUTHORIZATION" in request.META:
            return True
        # Only a request with a session cookie can be signed in: anonymous readers'
        # requests never load a session here.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        # The session, not request.user: the API replaces request.user with its token's user.
        session = getattr(request, "session", None)
        try:
            return bool(session is not None and session.get(SESSION_KEY))
        except DatabaseError:
            # The database is down (the answer is its 503): a session that cannot be read
            # is taken as signed in, as marking a page private costs nothing and the
            # reverse could let a shared cache keep a signed-in user's page.
            return True


def _drop_directive(response: HttpResponse, name: str) -> None:
    if "Cache-Control" not in response:
        return
    kept = [
        part.strip()
        for part in response["Cache-Control"].split(",")
        if part.strip() and part.strip().split("=", 1)[0].lower() != name
    ]
    response["Cache-Control"] = ", ".join(kept)
