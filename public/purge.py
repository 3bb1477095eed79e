"""Purging the edge by key: queued with the change, sent once it commits, retried until done.

A change to what readers see invalidates page keys (``public.receivers``). When
``CDN_PURGE_URLS`` names the edge's purge endpoints, the same transaction writes
an ``EdgePurge`` row with those keys and enqueues its task on the database task
queue (``django_tasks_db``): a rolled-back change purges nothing, and a
committed one cannot lose its purge. Each purge is a ``PURGE`` request to every
URL in ``CDN_PURGE_URLS`` with the keys in the ``xkey-purge`` header
(``deploy/varnish.vcl``; docs/deploy.md shows the same for Fastly and
Cloudflare), sent:

- at once, by the process that committed the change, from a thread of its own
  once the transaction commits: readers at the edge see the change within
  milliseconds. It gives up at the first error; when every endpoint took it,
  it marks the row sent, and that is the purge;
- otherwise ``REPEAT_AFTER`` seconds later, by the task worker (``manage.py
  outbox_worker``, which runs every task of the queue): the sending that is
  recorded, retried and reported, for a first sending that failed or was lost
  (the process stopped, an endpoint did not answer).

Sending it once is enough because the edge keeps no page whose fetch a purge
overtook (``deploy/varnish.vcl``, ``last_purge``): a reader's request, or a
refresh, under way when a change commits may bring a page the origin rendered
before it, which the purge could not remove since it was not kept yet.

Right after each purge reaches an endpoint, the purger asks that endpoint for
the canonical addresses of the pages it removed (``refresh_paths``: the home
page, the articles named, the feed ...) with ``REFRESH_HEADER``, which the VCL
turns into a fetch from the origin even where a copy is kept. The request that
reaches the origin is then the purger's, and the next reader finds the page
fresh at the edge. The purge itself stays hard: nothing purged is served again,
not even while the refreshed copy is fetched. A search has no one address: the
edge keeps a list of the searches readers asked for last, and after a purge of
``search`` the most asked of them are refreshed. Other pages with no one
address (every article page names ``policy``) are fetched by their next reader.

A purge that any endpoint refuses, or that cannot reach one, is sent again
after a growing delay (``retry_delay``), to every endpoint (a purge is
idempotent), for as long as it takes: the edge may still hold a page showing a
retracted article. While one waits for a retry, ``/readyz`` says "degraded"
and the metrics count it (``editorial_edge_purges_failing``).

"""

from __future__ import annotations

import datetime
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from articles import events
from articles.models import Article
from editorial import metrics
from editorial.health import DEGRADED, NOT_CONFIGURED, OK, CheckResult
from public import edge
from public.models import EdgePurge

logger = logging.getLogger("editorial.edge")
Status = EdgePurge.Status

# The header the purge request carries its keys in (space-separated), as the VCL reads it.
KEYS_HEADER = "xkey-purge"
# Seconds an endpoint may take to answer a purge.
TIMEOUT = 3.0
# The first retry after this many seconds, doubling up to RETRY_MAX_SECONDS.
RETRY_SECONDS = 1.0
RETRY_MAX_SECONDS = 60.0
# The worker's sending, when the committing process's own did not reach every endpoint.
REPEAT_AFTER = 2.0
# The header of the purger's own requests for a page: the VCL fetches the
# page from the origin even when it keeps a copy (req.hash_always_miss), for purgers only.
REFRESH_HEADER = "X-Edge-Refresh"
# Addresses refreshed after one purge at most (a reference cited by hundreds of articles):
# past these, each page waits for its next reader.
REFRESH_MAX = 50
# A search has no one address: after a purge of ``search`` the purger refreshes those the
# edge says readers asked for last (deploy/varnish.vcl), the most asked first.
RECENT_SEARCHES = "/.edge/recent-searches"
SEARCH_PREFIX = "/search/?"
REFRESH_SEARCHES = 8
# Refreshes under way at once, per edge node.
REFRESH_AT_ONCE = 4
# Seconds the edge may take to answer a refresh (the origin renders the page).
REFRESH_TIMEOUT = 5.0
# A purge left "sending" this long lost its worker mid-way: it is sent again.
STUCK_AFTER = datetime.timedelta(minutes=1)
# /readyz says "degraded" when a purge has waited longer than this (seconds).
MAX_WAIT = 30.0


class PurgeRefused(Exception):
    """An endpoint answered a purge with something other than 2xx."""


def _enqueue(purge_id: int, *, run_after: datetime.datetime | None = None) -> None:
    from django_tasks_db import DatabaseBackend

    job = purge_edge.using(run_after=run_after) if run_after else purge_edge
    if isinstance(purge_edge.get_backend(), DatabaseBackend):
        job.enqueue(purge_id)  # the task row commits or rolls back with the change
    else:
        # A queue outside the database must not see the task before its row is committed.
        transaction.on_commit(lambda: job.enqueue(purge_id))


class _Pending:
    """The purge row this transaction writes, so that its later changes add to the same row."""

    def __init__(self, purge: EdgePurge, keys: set[str]):
        self.purge, self.keys = purge, keys

    def committed(self) -> None:
        connection = transaction.get_connection()
        if getattr(connection, "edge_purge_pending", None) is self:
            connection.edge_purge_pending = None
        send_soon(" ".join(sorted(self.keys)), purge_id=self.purge.pk)


def send_soon(keys: str, *, purge_id: int | None = None) -> None:
    """The first sending: from a thread of this process, now that the change is committed."""
    threading.Thread(target=_send_everywhere, args=(keys, purge_id), daemon=True).start()


def _send_everywhere(keys: str, purge_id: int | None) -> None:
    try:
        send_at_once(keys, purge_id=purge_id)
    finally:
        connection.close()  # this thread's own


def send_at_once(keys: str, *, purge_id: int | None) -> None:
    """Purge ``keys`` everywhere and refresh their pages; recorded as sent when every
    endpoint took the purge."""
    took = []
    for url in settings.CDN_PURGE_URLS:
        try:
            send(url, keys)
        except (OSError, PurgeRefused) as error:
            # The worker's sending follows, recorded and retried: nothing more to do here.
            logger.info("Edge purge of %s at %s not sent at once: %s", keys, url, error)
        else:
            took.append(url)
    _refresh_everywhere(took, keys)
    if purge_id is not None and len(took) == len(settings.CDN_PURGE_URLS):
        _sent_at_once(purge_id)


def _sent_at_once(purge_id: int) -> None:
    """Every endpoint took the first sending: the worker's is not needed (it skips a purge
    no longer queued). Unrecorded, the worker sends it again, which is harmless."""
    try:
        recorded = EdgePurge.objects.filter(pk=purge_id, status=Status.QUEUED).update(
            status=Status.SENT, sent_at=timezone.now()
        )
    except DatabaseError as error:
        logger.info("Edge purge %s sent at once, not recorded: %s", purge_id, error)
        return
    if recorded:
        metrics.EDGE_PURGES.labels(outcome="sent").inc()


def _refresh_everywhere(urls: list[str], keys: str) -> None:
    """After the purge of ``keys`` went through at ``urls``: their pages fetched afresh."""
    if not urls:
        return
    try:
        paths = refresh_paths(keys)
    except DatabaseError as error:  # the purge went out; the pages wait for their readers
        logger.info("Edge refresh of %s skipped: %s", keys, error)
        return
    searched = edge.SEARCH in keys.split()
    for url in urls:
        searches = recent_searches(url) if searched else []
        # The most read first: the home page and the articles named, the searches, the rest.
        less_read = {reverse(name) for _, name in _LESS_READ_PAGES}
        fixed = sum(1 for path in paths if path not in less_read)
        refresh(url, paths[:fixed] + searches + paths[fixed:])


def recent_searches(url: str) -> list[str]:
    """The searches readers asked the edge at ``url`` for last, most asked first, at most
    REFRESH_SEARCHES (the VCL keeps them: ``/.edge/recent-searches``); none if it cannot say."""
    request = urllib.request.Request(urllib.parse.urljoin(url, RECENT_SEARCHES))
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - ours
            text = response.read().decode("utf-8", "replace")
    except (OSError, ValueError) as error:
        logger.info("Recent searches at %s not read: %s", url, error)
        return []
    asked = Counter(path for path in text.split() if path.startswith(SEARCH_PREFIX))
    return [path for path, _ in asked.most_common(REFRESH_SEARCHES)]


def refresh_paths(keys: str) -> list[str]:
    """The addresses of the pages a purge of ``keys`` removed that have one address, most
    read first: the home page, the articles named, the board, the policy, the feed and
    the sitemap; at most REFRESH_MAX (one query when articles are named)."""
    named = set(keys.split())
    paths = [reverse("public:home")] if edge.LISTING_HOME in named else []
    article_pks = sorted(
        int(pk)
        for kind, _, pk in (key.partition(":") for key in named)
        if kind == "article" and pk.isdigit()
    )[:REFRESH_MAX]
    if article_pks:
        slugs = Article.objects.filter(pk__in=article_pks).order_by("-pk")
        paths += [
            reverse("public:article", args=[slug]) for slug in slugs.values_list("slug", flat=True)
        ]
    paths += [reverse(name) for key, name in _LESS_READ_PAGES if key in named]
    return paths[:REFRESH_MAX]


# Pages with one address, after the home page and the articles, by the key that names them.
_LESS_READ_PAGES = (
    (events.BOARD, "public:board"),
    (events.POLICY, "public:policy"),
    (edge.FEED, "public:feed"),
    (edge.SITEMAP, "public:sitemap"),
)


def edge_get(
    url: str, path: str, *, refresh: bool = False, timeout: float = REFRESH_TIMEOUT
) -> str:
    """Ask the edge at ``url`` for ``path`` as an anonymous reader would, under the site's
    own host name; its ``X-Cache`` (HIT or MISS). ``refresh``: fetched from the origin."""
    site = urllib.parse.urlsplit(settings.SITE_URL)
    headers = {"Host": site.netloc, "X-Forwarded-Proto": site.scheme}
    if refresh:
        headers[REFRESH_HEADER] = "1"
    request = urllib.request.Request(urllib.parse.urljoin(url, path), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - ours
            response.read()
            return response.headers.get("X-Cache", "")
    except urllib.error.HTTPError as error:  # a 404 or a 410 is an answer like any other
        error.read()
        return error.headers.get("X-Cache", "")


def refresh(url: str, paths: list[str]) -> int:
    """Have the edge at ``url`` fetch ``paths`` afresh, right after it purged them; how many
    it fetched. Only a speed-up: a failure leaves the page to its next reader."""
    if not paths:
        return 0
    failed = threading.Event()

    def fetch(path: str) -> bool:
        if failed.is_set():
            return False
        try:
            edge_get(url, path, refresh=True)
        except OSError as error:
            # The edge or the origin is in trouble: the pages wait for their readers.
            logger.info("Edge refresh of %s at %s failed: %s", path, url, error)
            failed.set()
            return False
        return True

    # A few at a time, in their order: the pages are current sooner, and the origin is
    # not flooded.
    with ThreadPoolExecutor(max_workers=min(REFRESH_AT_ONCE, len(paths))) as pool:
        done = sum(pool.map(fetch, paths))
    metrics.EDGE_REFRESHES.inc(done)
    return done


def purge_queue(*, keys: Iterable[str]) -> EdgePurge | None:
    """Queue a purge of ``keys`` in the caller's transaction (none without CDN_PURGE_URLS)."""
    keys = set(keys)
    if not settings.CDN_PURGE_URLS or not keys:
        return None
    connection = transaction.get_connection()
    pending = getattr(connection, "edge_purge_pending", None)
    if pending is not None and any(
        callback == pending.committed for _, callback, _ in connection.run_on_commit
    ):
        pending.keys |= keys
        pending.purge.keys = " ".join(sorted(pending.keys))
        EdgePurge.objects.filter(pk=pending.purge.pk).update(keys=pending.purge.keys)
        return pending.purge
    purge = EdgePurge.objects.create(keys=" ".join(sorted(keys)))
    _enqueue(purge.pk, run_after=timezone.now() + datetime.timedelta(seconds=REPEAT_AFTER))
    pending = connection.edge_purge_pending = _Pending(purge, keys)
    transaction.on_commit(pending.committed)
    return purge


def retry_delay(failures: int) -> float:
    """Seconds before the next attempt after ``failures`` failed ones: doubling, capped."""
    return min(RETRY_SECONDS * 2 ** max(0, failures - 1), RETRY_MAX_SECONDS)


def send(url: str, keys: str) -> None:
    """One ``PURGE`` of ``keys`` to the endpoint ``url``; raises unless it answers 2xx."""
    request = urllib.request.Request(url, method="PURGE", headers={KEYS_HEADER: keys})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - ours
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if not 200 <= status < 300:
        raise PurgeRefused(f"{url} answered {status}")


def purge_send(*, purge_id: int) -> str:
    """Send one queued purge to every endpoint: "sent", "retry" or "skipped"."""
    now = timezone.now()
    claimed = EdgePurge.objects.filter(
        Q(status=Status.QUEUED) | Q(status=Status.SENDING, next_attempt_at__lt=now - STUCK_AFTER),
        pk=purge_id,
    ).update(status=Status.SENDING, next_attempt_at=now)
    if not claimed:
        return "skipped"
    purge = EdgePurge.objects.get(pk=purge_id)
    errors, took = [], []
    for url in settings.CDN_PURGE_URLS:
        try:
            send(url, purge.keys)
        except (OSError, PurgeRefused) as error:  # refused, unreachable, timed out
            errors.append(f"{url}: {type(error).__name__}: {error}")
        else:
            took.append(url)
    _refresh_everywhere(took, purge.keys)
    if errors:
        return _failed(purge, "; ".join(errors)[:2000])
    metrics.EDGE_PURGES.labels(outcome="sent").inc()
    EdgePurge.objects.filter(pk=purge.pk).update(
        status=Status.SENT, sends=purge.sends + 1, next_attempt_at=None, sent_at=timezone.now()
    )
    return "sent"


@transaction.atomic
def _failed(purge: EdgePurge, text: str) -> str:
    failures = purge.failures + 1
    when = timezone.now() + datetime.timedelta(seconds=retry_delay(failures))
    EdgePurge.objects.filter(pk=purge.pk).update(
        status=Status.QUEUED, failures=failures, last_error=text, next_attempt_at=when
    )
    _enqueue(purge.pk, run_after=when)
    metrics.EDGE_PURGES.labels(outcome="failed").inc()
    logger.warning(
        "Edge purge %s (%s) failed (attempt %s), retrying at %s: %s",
        purge.pk,
        purge.keys,
        failures,
        when.isoformat(),
        text,
        extra={"event": "edge_purge_failed", "purge_id": purge.pk, "failures": failures},
    )
    return "retry"


@transaction.atomic
def purges_requeue() -> int:
    """Enqueue again every purge not yet sent (their tasks were lost, say); how many.

    A second task for one purge is harmless: whichever runs first claims it.
    """
    ids = list(
        EdgePurge.objects.exclude(status=Status.SENT).values_list("pk", flat=True).order_by("pk")
    )
    EdgePurge.objects.filter(pk__in=ids).update(status=Status.QUEUED)
    for purge_id in ids:
        _enqueue(purge_id)
    return len(ids)


@task()
def purge_edge(purge_id: int) -> str:
    return purge_send(purge_id=purge_id)


def purges_summary() -> dict:
    """What waits to be purged, how many failed at least once, the oldest's age (1 query)."""
    now = timezone.now()
    waiting = EdgePurge.objects.exclude(status=Status.SENT)
    row = waiting.aggregate(
        waiting=Count("pk"), failing=Count("pk", filter=Q(failures__gt=0)), oldest=Min("created_at")
    )
    oldest = row["oldest"]
    return {
        "waiting": row["waiting"],
        "failing": row["failing"],
        "oldest_waiting_seconds": (now - oldest).total_seconds() if oldest else None,
    }


def edge_purge_check():
    """The readiness report's line for the edge: ok while purges go out; degraded while one
    fails or waits too long (the edge may be showing pages older than the database)."""
    if not settings.CDN_PURGE_URLS:
        return CheckResult(NOT_CONFIGURED, "CDN_PURGE_URLS is empty: no edge is purged")
    summary = purges_summary()
    problems = []
    if summary["failing"]:
        last = (
            EdgePurge.objects.exclude(status=Status.SENT)
            .filter(failures__gt=0)
            .order_by("-next_attempt_at")
            .values_list("last_error", flat=True)
            .first()
        )
        problems.append(f"{summary['failing']} failing, retried (last error: {last})")
    if (summary["oldest_waiting_seconds"] or 0) > MAX_WAIT:
        problems.append(f"the oldest has waited {summary['oldest_waiting_seconds']:.0f} s")
    detail = f"{summary['waiting']} waiting, {summary['failing']} failing"
    if problems:
        detail += ": " + "; ".join(problems)
    return CheckResult(DEGRADED if problems else OK, detail, summary)
