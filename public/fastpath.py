"""Kept public pages, replayed at the front of the middleware stack.

An anonymous reader's page is the same bytes for everyone (no cookie, no
token), so once the full stack has answered it, the answer can be replayed:
the body and every header the stack set (security headers, CSP, caching,
Vary, its keys) are stored exactly as sent, with the keys the page names
(``public.edge``) and the site generation read before it was rendered
(``public.freshness``). A later request for the same URL is answered from that
copy while none of its keys has changed since, without running the rest of the
middleware or the view: one small query reads the generation and the page's
keys (on SQLite not even that while no other connection has committed). A page
that names no keys is never kept.

Only what the full stack would answer the same way is replayed: GET and HEAD,
no session or messages cookie, a host in ALLOWED_HOSTS, no pending HTTPS
redirect; and only responses a view marked with ``keep()`` (an anonymous
reader's 200 at a canonical URL), with no cookie set.

While the database cannot be read, the generation cannot be either. Readers
then get the newest copy kept of their URL (this process's or the shared
cache's) if it was known current at the highest generation this process has
read (a copy's generation moves up each time it is found current), so that no
change this process has seen committed can be missing from it,
marked ``X-Served-Stale: database-unavailable``, for up to
``KEPT_PAGES_OUTAGE_LIMIT`` seconds from this process's first failure; a URL
with no copy, or an outage past the limit, goes on down the stack, which
answers 503 (``editorial.errors``). The first read that succeeds ends the outage.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.template import TemplateDoesNotExist, engines

from editorial import metrics
from public import freshness, sitewide

# URLs of pages that may be kept; anything else goes straight down the stack.
KEPT_PREFIXES = ("/articles/", "/search/", "/editorial-policy/", "/board/")
# Kept pages per process (the shared cache holds them for every process and server).
LOCAL_LIMIT = 1000
# How long the shared cache holds a page nobody asks for.
SHARED_TIMEOUT = 24 * 60 * 60
# Headers a 304 does not carry: it has no body.
BODY_HEADERS = frozenset({"content-type", "content-length"})
# A copy served while the database cannot be read says so (readers' tools, the CDN's logs).
STALE_HEADER = ("X-Served-Stale", "database-unavailable")
# ... and no browser or CDN may store it. The kept page's own "no-cache" would let a cache
# keep the stale copy and revalidate it later; a 304 then would carry the stale mark on in
# its stored headers after the outage, and the copy it holds may be newer than ours.
STALE_CACHE_CONTROL = "no-store"

logger = logging.getLogger("editorial.outage")


@dataclass
class KeptPage:
    # The site generation this copy shows every change up to: read before it was
    # rendered, moved up each time its keys are found unchanged since.
    generation: int
    expires_at: float | None  # when the next policy version takes effect
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    keys: tuple[str, ...] = ()  # what it shows (public.edge)

    def is_current(self, latest: int) -> bool:
        """Whether no key of this page was stamped after it was rendered (``latest``: the
        highest stamp among its keys now), and no dated change has come."""
        return latest <= self.generation and (
            self.expires_at is None or time.time() < self.expires_at
        )

    def confirmed(self, generation: int) -> None:
        """Its keys were read unchanged at ``generation``: it shows every change up to it."""
        if generation > self.generation:
            self.generation = generation

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
    outage.reset()


class OutageClock:
    """How long this process has failed to read the site generation, and what it served meanwhile.

    Per process, shared by its threads: the limit counts from the first failure this
    process saw, and the first successful read ends the outage.
    """

    def __init__(self) -> None:
        self.began: float | None = None  # monotonic time of this outage's first failure
        self.served_stale = 0
        # The highest generation this process has read. A copy kept under an older one may
        # miss a change committed since (an approval, a retraction): never served stale.
        self.known = 0
        self._lock = threading.Lock()

    def failed(self) -> float:
        """One more failed read: the seconds since this outage's first."""
        now = time.monotonic()
        if self.began is None:
            with self._lock:
                if self.began is None:
                    self.began, self.served_stale = now, 0
                    logger.error(
                        "Database unreadable: kept pages are served stale for up to %ss",
                        settings.KEPT_PAGES_OUTAGE_LIMIT,
                        extra={"event": "kept_pages_stale"},
                    )
        return now - self.began

    def answered(self) -> None:
        """The database was read again: the outage is over."""
        with self._lock:
            if self.began is None:
                return
            seconds, served = time.monotonic() - self.began, self.served_stale
            self.began = None
        logger.warning(
            "Database readable again after %.1fs; %d stale pages served meanwhile",
            seconds,
            served,
            extra={"event": "kept_pages_current", "seconds": round(seconds, 1)},
        )

    def reset(self) -> None:
        self.began, self.known = None, 0


outage = OutageClock()


def source_fingerprint(template_names) -> str:
    """A short hash of these templates' source, as this release has them."""
    digest = hashlib.sha256()
    engine = engines["django"].engine
    for name in template_names:
        digest.update(_template_source(engine, name).encode())
    return digest.hexdigest()[:12]


def _template_source(engine, name: str) -> str:
    """The source the engine would load for ``name``, read without compiling it: a new
    worker's first page would otherwise compile every template of the site."""
    for loader in engine.template_loaders:
        for origin in loader.get_template_sources(name):
            try:
                return origin.loader.get_contents(origin)
            except TemplateDoesNotExist:
                continue
    raise TemplateDoesNotExist(name)


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
        page = _local.get(key)
        shared = page is None
        if shared:
            page = _shared_get(key)
        try:
            # Read before anything is rendered from the data. With no copy kept, the page
            # is rendered next, and it shows the site-wide records: their stamps come in
            # the same query (``public.sitewide``).
            generation, latest = freshness.current(page.keys if page else sitewide.KEYS)
        except DatabaseError:
            return self.through_outage(request, key)
        if page is None:
            sitewide.stamp_read(request, latest)
        if generation > outage.known:
            outage.known = generation
        if outage.began is not None:  # the one check the outage adds to this path
            outage.answered()
        if page is not None and not page.is_current(latest):
            # Another process may have kept a newer copy naming the same keys.
            page = None if shared else self.newer_shared(key, page, latest)
        elif page is not None and shared:
            _remember(key, page)
        if page is not None:
            page.confirmed(generation)
            return self.replay(request, page)
        response = self.get_response(request)
        if (
            getattr(response, "keep_for_readers", False)
            and getattr(response, "page_keys", None)
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

    def through_outage(self, request: HttpRequest, key: str) -> HttpResponse:
        """The newest kept copy, marked stale, while the outage is within the limit; else
        down the stack, which tries the database once more and answers 503 without it."""
        lasted = outage.failed()
        page = newest_kept(key) if lasted < settings.KEPT_PAGES_OUTAGE_LIMIT else None
        if page is None or page.generation < outage.known:
            # Nothing kept, or kept before a change this process has seen committed: a
            # page older than one already served is never shown, even marked stale.
            return self.get_response(request)
        outage.served_stale += 1
        metrics.stale_served(request)
        response = self.replay(request, page)
        # A reader whose copy has this ETag already holds these bytes: the usual 304.
        if response.status_code != 304:
            response["Cache-Control"] = STALE_CACHE_CONTROL
            response[STALE_HEADER[0]] = STALE_HEADER[1]
        return response

    @staticmethod
    def newer_shared(key: str, stale: KeptPage, latest: int) -> KeptPage | None:
        """The shared cache's copy, if it is current by the stamps just read (same keys)."""
        page = _shared_get(key)
        if (
            page is None
            or page.generation <= stale.generation
            or not set(page.keys) <= set(stale.keys)
            or not page.is_current(latest)
        ):
            return None
        _remember(key, page)
        return page

    @staticmethod
    def store(key: str, generation: int, response: HttpResponse) -> None:
        if hasattr(response, "valid_until"):
            expires_at = response.valid_until  # read by the view (public.edge)
        else:
            try:
                expires_at = freshness.valid_until()
            except DatabaseError:
                return  # lost since the page was rendered: the reader has it, nobody keeps it
        page = KeptPage(
            generation=generation,
            expires_at=expires_at,
            status=response.status_code,
            headers=tuple(response.items()),
            body=response.content,
            etag=response.get("ETag", ""),
            keys=tuple(sorted(response.page_keys)),
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


def _shared_get(key: str) -> KeptPage | None:
    page = cache.get(_shared_key(key))
    return page if page is not None and page.keys else None  # or kept without keys: unusable


def newest_kept(key: str) -> KeptPage | None:
    """The copy of ``key`` kept under the highest generation, this process's or the shared
    cache's, current or not (for serving through a database outage)."""
    local, shared = _local.get(key), cache.get(_shared_key(key))
    if shared is not None and (local is None or shared.generation > local.generation):
        _remember(key, shared)  # kept here too, should the shared cache go as well
        return shared
    return local


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
