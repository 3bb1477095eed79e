"""Kept public pages, replayed at the front of the middleware stack.

An anonymous reader's page is the same bytes for everyone (no cookie, no
token), so once the full stack has answered it, the answer can be replayed:
the body and every header the stack set (security headers, CSP, caching,
Vary) are stored exactly as sent, with the site generation read before the
page was rendered (``public.freshness``). A later request for the same URL is
answered from that copy while the generation has not moved, without running
the rest of the middleware, the view or any SQL (with Redis; one small query
without it).

Only what the full stack would answer the same way is replayed: GET and HEAD,
no session or messages cookie, a host in ALLOWED_HOSTS, no pending HTTPS
redirect; and only responses a view marked with ``keep()`` (an anonymous
reader's 200 at a canonical URL), with no cookie set.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from editorial import metrics
from public import freshness

# URLs of pages that may be kept; anything else goes straight down the stack.
KEPT_PREFIXES = ("/articles/", "/search/", "/editorial-policy/", "/board/")
# Kept pages per process (the shared cache holds them for every process and server).
LOCAL_LIMIT = 1000
# How long the shared cache holds a page nobody asks for.
SHARED_TIMEOUT = 24 * 60 * 60
# Headers a 304 does not carry: it has no body.
BODY_HEADERS = frozenset({"content-type", "content-length"})


@dataclass(frozen=True)
class KeptPage:
    generation: int
    expires_at: float | None  # when the next policy version takes effect
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str

    def is_current(self, generation: int) -> bool:
        return self.generation == generation and (
            self.expires_at is None or time.time() < self.expires_at
        )

    @functools.cached_property
    def header_store(self) -> dict[str, tuple[str, str]]:
        """The headers as Django's ResponseHeaders keeps them, checked once when first replayed."""
        return HttpResponse(headers=dict(self.headers)).headers._store

    @functools.cached_property
    def not_modified_store(self) -> dict[str, tuple[str, str]]:
        store = {k: v for k, v in self.header_store.items() if k not in BODY_HEADERS}
        store["content-length"] = ("Content-Length", "0")  # as the full stack's 304 says
        return store


_local: OrderedDict[str, KeptPage] = OrderedDict()


def keep(response: HttpResponse) -> HttpResponse:
    """Mark a response as the same for every anonymous reader: it may be kept and replayed."""
    response.keep_for_readers = True
    return response


def forget_all() -> None:
    """Drop this process's kept pages (tests; the shared cache follows the generation)."""
    _local.clear()
    _hosts_seen.clear()


def source_fingerprint(template_names) -> str:
    """A short hash of these templates' source, as this release has them."""
    from django.template import engines

    digest = hashlib.sha256()
    engine = engines["django"].engine
    for name in template_names:
        digest.update(engine.find_template(name)[0].source.encode())
    return digest.hexdigest()[:12]


@functools.cache
def release() -> str:
    """Names this release's page templates, so a deploy never replays the last release's pages."""
    from django.conf import settings as conf

    names = sorted(
        str(path.relative_to(directory))
        for directory in conf.TEMPLATES[0]["DIRS"]
        for path in Path(directory).rglob("*.html")
    )
    stamp = source_fingerprint(names)
    # Pages name their static files by content hash (the manifest), so a new stylesheet
    # is a new page too.
    manifest = Path(conf.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        stamp += hashlib.sha256(manifest.read_bytes()).hexdigest()[:8]
    return stamp


def _shared_key(key: str) -> str:
    return f"kept-page:{release()}:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def if_none_match(request: HttpRequest) -> list[str]:
    """The tags of If-None-Match, compared weakly as RFC 9110 says (a CDN may send W/"...")."""
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not header:
        return []
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


class KeptPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self.key_for(request)
        if key is None:
            return self.get_response(request)
        generation = freshness.current()  # read before anything is rendered from the data
        page = self.find(key, generation)
        if page is not None:
            return self.replay(request, page)
        response = self.get_response(request)
        if (
            getattr(response, "keep_for_readers", False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            self.store(key, generation, response)
            metrics.kept_page_rendered(request)
        return response

    @staticmethod
    def key_for(request: HttpRequest) -> str | None:
        """The URL a kept page would be stored under, or None when this request may not have one."""
        path = request.path
        if request.method not in ("GET", "HEAD"):
            return None
        if path != "/" and not path.startswith(KEPT_PREFIXES):
            return None
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
            return None
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return None  # the full stack redirects it
        if not _host_allowed(request):
            return None  # the full stack answers 400
        return f"{request.scheme}|{request.get_full_path()}"

    @staticmethod
    def find(key: str, generation: int) -> KeptPage | None:
        page = _local.get(key)
        if page is not None and page.is_current(generation):
            return page
        page = cache.get(_shared_key(key))
        if page is None or not page.is_current(generation):
            return None
        _remember(key, page)
        return page

    @staticmethod
    def store(key: str, generation: int, response: HttpResponse) -> None:
        page = KeptPage(
            generation=generation,
            expires_at=freshness.valid_until(),
            status=response.status_code,
            headers=tuple(response.items()),
            body=response.content,
            etag=response.get("ETag", ""),
        )
        _remember(key, page)
        cache.set(_shared_key(key), page, SHARED_TIMEOUT)

    @staticmethod
    def replay(request: HttpRequest, page: KeptPage) -> HttpResponse:
        metrics.kept_page_replayed(request)  # counted under its view by the request middleware
        # The stored headers were valid when the full stack sent them; they are copied in
        # as ResponseHeaders stores them rather than checked one by one again.
        if page.etag and page.etag in if_none_match(request):
            response = HttpResponseNotModified()
            response.headers._store = dict(page.not_modified_store)
            return response
        response = HttpResponse(page.body, status=page.status)
        response.headers._store = dict(page.header_store)
        return response


_hosts_seen: dict[tuple, bool] = {}


def _host_allowed(request: HttpRequest) -> bool:
    """ALLOWED_HOSTS, as ``request.get_host()`` checks it, remembered per Host header."""
    seen = (
        request.META.get("HTTP_HOST"),
        request.META.get("HTTP_X_FORWARDED_HOST"),
        id(settings.ALLOWED_HOSTS),
        settings.DEBUG,
    )
    allowed = _hosts_seen.get(seen)
    if allowed is None:
        try:
            request.get_host()
            allowed = True
        except DisallowedHost:
            allowed = False
        if len(_hosts_seen) > 100:  # a client sending made-up hosts
            _hosts_seen.clear()
        _hosts_seen[seen] = allowed
    return allowed


_local_lock = threading.Lock()


def _remember(key: str, page: KeptPage) -> None:
    with _local_lock:  # threaded servers: one writer at a time
        _local[key] = page
        _local.move_to_end(key)
        while len(_local) > LOCAL_LIMIT:
            _local.popitem(last=False)
