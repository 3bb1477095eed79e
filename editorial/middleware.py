"""Site-wide response hardening: the database-outage page and private responses.

Django 5.2 sets HSTS, nosniff, Referrer-Policy and X-Frame-Options itself
(SecurityMiddleware, XFrameOptionsMiddleware); django-csp sends the
Content-Security-Policy; the middleware here fill the remaining gaps.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control

logger = logging.getLogger("editorial.outage")


class DatabaseUnavailableMiddleware:
    """A lost or refused database connection becomes a 503 "try again" page, not a traceback.

    The services run each write in one transaction, so when the connection
    drops mid-way nothing was half-written: the honest answer is "nothing
    changed, try again in a moment". Logged at ERROR so the outage is seen.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable on %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            response = HttpResponse(
                b'{"error": {"code": "unavailable", "message": "The service is briefly '
                b'unavailable; nothing was changed. Try again in a moment."}}',
                status=503,
                content_type="application/json",
            )
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        add_never_cache_headers(response)
        return response


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
        return bool(session is not None and session.get(SESSION_KEY))


def _drop_directive(response: HttpResponse, name: str) -> None:
    if "Cache-Control" not in response:
        return
    kept = [
        part.strip()
        for part in response["Cache-Control"].split(",")
        if part.strip() and part.strip().split("=", 1)[0].lower() != name
    ]
    response["Cache-Control"] = ", ".join(kept)
