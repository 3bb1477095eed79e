"""Filling the edge before readers come: every page the sitemap lists, asked for once.

An edge node that starts empty (a deploy, a restart, a new node) would send each
page's first reader to the origin; for 10,000 articles that is 10,000 readers
waiting on uncached renders, and the origin carrying them at once. ``edge_warm``
asks every edge node in ``CDN_PURGE_URLS`` for each page of the sitemap (all of
its items, not only the first sitemap page) plus the home page and the feed, as
an anonymous reader would: a page already kept is a hit and costs the origin
nothing, one not kept is fetched and kept. ``manage.py warm_edge`` runs it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.urls import reverse

from public.feeds import SITEMAPS, sitemap_paths
from public.purge import edge_get


def warm_paths() -> list[str]:
    """The home page, the sitemap's every address (in its own order), the feed and the
    sitemap's own files."""
    paths = [reverse("public:home")]
    for sitemap_class in SITEMAPS.values():
        sitemap = sitemap_class()
        paths += [sitemap.location(item) for item in sitemap.items()]
    paths += [reverse("public:feed"), *sitemap_paths()]
    return list(dict.fromkeys(paths))  # once each, first place kept


def edge_warm(
    *,
    paths: Iterable[str],
    edges: Iterable[str] | None = None,
    threads: int = 4,
    progress: Callable[[int], None] | None = None,
) -> Counter:
    """Ask each edge node for each of ``paths``; how they were answered: ``HIT`` (kept
    already), ``MISS`` (fetched from the origin now), ``error``."""
    jobs = [(edge, path) for edge in (edges or settings.CDN_PURGE_URLS) for path in paths]

    def ask(job: tuple[str, str]) -> str:
        edge, path = job
        try:
            return edge_get(edge, path) or "not kept"
        except OSError:
            return "error"

    answers: Counter = Counter()
    # Asked in order, a few at a time: the first paths (the most read) first.
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        for done, outcome in enumerate(pool.map(ask, jobs), start=1):
            answers[outcome] += 1
            if progress and done % 1000 == 0:
                progress(done)
    return answers
