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

import threading
from collections import Counter
from collections.abc import Callable, Iterable

from django.conf import settings
from django.urls import reverse

from public.feeds import SITEMAPS
from public.purge import edge_get


def warm_paths() -> list[str]:
    """The home page, the sitemap's every address (in its own order) and the feed."""
    paths = [reverse("public:home")]
    for sitemap_class in SITEMAPS.values():
        sitemap = sitemap_class()
        paths += [sitemap.location(item) for item in sitemap.items()]
    paths += [reverse("public:feed"), reverse("public:sitemap")]
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
    queue = [(edge, path) for edge in (edges or settings.CDN_PURGE_URLS) for path in paths]
    queue.reverse()  # popped from the end: the first paths first
    answers: Counter = Counter()
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not queue:
                    return
                edge, path = queue.pop()
            try:
                outcome = edge_get(edge, path) or "not kept"
            except OSError:
                outcome = "error"
            with lock:
                answers[outcome] += 1
                done = sum(answers.values())
            if progress and done % 1000 == 0:
                progress(done)

    workers = [threading.Thread(target=work, daemon=True) for _ in range(max(1, threads))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return answers
