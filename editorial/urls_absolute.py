"""Absolute URLs from the configured site origin (``SITE_URL``), never from the request.

The request's ``Host`` header is whatever the client sent (Django checks only
the host name, not the port), so anything that outlives the request, such as
an email or a page kept for everyone, builds its links from here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def site_origin() -> str:
    """``https://answers.example.org``: the scheme and host readers use, no trailing slash."""
    return settings.SITE_URL.rstrip("/")


def site_domain() -> str:
    """The host (and port, if any) of the site origin."""
    return urlsplit(settings.SITE_URL).netloc


def site_uses_https() -> bool:
    return urlsplit(settings.SITE_URL).scheme == "https"


def absolute_url(path: str) -> str:
    """``path`` (such as ``/desk/articles/7/``, from ``reverse``) on the site origin."""
    return site_origin() + "/" + path.lstrip("/")
