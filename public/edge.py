"""What an anonymous reader's response tells the caches in front: its keys and how long to keep it.

Every public response names the keys of what it shows (``public.receivers``
lists them: ``article:12``, ``policy``, ``listing:home`` ...) in two headers, the
same words for every CDN: ``xkey`` (Varnish's xkey module) and ``Surrogate-Key``
(Fastly; Cloudflare reads ``Cache-Tag``, which the edge configuration copies it
to). Each also names ``site``, so one purge of ``site`` empties the edge.

The edge keeps a page for up to ``EDGE_MAX_AGE`` (``s-maxage``): a change
purges its keys as soon as it commits (``public.purge``), so an edge copy is
never older than the last change of what it shows. Browsers keep it for
``BROWSER_MAX_AGE`` only, since nothing can purge a browser's copy. A page whose
content changes on a date without any write (the next policy version taking
effect, a board credential lapsing: ``freshness.valid_until``) is kept by the
edge no later than that moment.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from articles import events
from public import freshness

# A browser's copy cannot be purged: a retraction reaches it after at most this long.
BROWSER_MAX_AGE = 30
# The edge's copy is purged by key on every change; this bounds what a lost purge costs.
EDGE_MAX_AGE = 24 * 60 * 60
# Past its age, the edge may answer with its copy while it asks the origin again ...
STALE_WHILE_REVALIDATE = 30
# ... and keep answering with it while the origin cannot answer at all.
STALE_IF_ERROR = 24 * 60 * 60

KEY_HEADERS = ("xkey", "Surrogate-Key")


def keys_header(keys: Iterable[str]) -> str:
    """The keys as the headers carry them: space-separated, sorted, ``site`` among them."""
    return " ".join(sorted({*keys, freshness.SITE}))


def declare(response: HttpResponse, keys: Iterable[str], *, until: float | None) -> None:
    """Name what ``response`` shows and let browsers and the edge keep it (one reader's
    page is everyone's). ``until``: when it changes without a write (epoch seconds), if ever."""
    keys = frozenset({*keys, freshness.SITE})
    response.page_keys = keys
    response.valid_until = until
    for header in KEY_HEADERS:
        response[header] = keys_header(keys)
    edge_age, grace = EDGE_MAX_AGE, STALE_WHILE_REVALIDATE
    if until is not None:
        left = math.floor(until - time.time())
        edge_age = max(0, min(edge_age, left))
        if left < EDGE_MAX_AGE + STALE_WHILE_REVALIDATE:
            grace = 0  # a copy past its age could outlive the dated change
    patch_cache_control(
        response,
        public=True,
        max_age=min(BROWSER_MAX_AGE, edge_age),
        s_maxage=edge_age,
        stale_while_revalidate=grace,
        stale_if_error=STALE_IF_ERROR,
    )


# The keys public pages name, beside the writers' own (articles.events: article:<pk>,
# policy, board, site-text), which pages showing those things name as they are.
LISTING_HOME = "listing:home"
SEARCH = "search"
FEED = "feed"
SITEMAP = "sitemap"
# Every listing that shows an article: what one article's change to readers touches.
LISTINGS = (LISTING_HOME, SEARCH, FEED, SITEMAP)


def article_page_keys(article_pk: int) -> tuple[str, ...]:
    """What an article page shows: the article (its text, state, people, notices), the
    policy in force and the disclaimer."""
    return (events.article_key(article_pk), events.POLICY, events.SITE_TEXT)
