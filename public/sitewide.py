"""What every article page shows of the site-wide records, kept by the keys that change it.

The policy in force, the disclaimers and the moment of the next dated change
(``freshness.valid_until``) are the same on every page, and change only when
the policy, a site text or the board changes (their keys, ``articles.events``),
when everything does (``freshness.SITE``), or when the day turns (a policy
version takes effect on its date). So they are read once and kept in the shared
cache under the highest stamp of those keys and the date: a write stamps its key
above every stamp before it, and the next page reads the records again.

Why that is never stale: the stamps are read from the database before the
records, so what is kept under a stamp is at least as new as the stamp says, on
every server. While the cache cannot answer (``editorial.cache`` reads it as a
miss) the records are read from the database, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from articles import events
from public import freshness, selectors

# The keys whose change can alter what is kept here: the policy, the disclaimers, the board
# (a credential's expiry is a dated change), and everything at once.
KEYS = (events.POLICY, events.SITE_TEXT, events.BOARD, freshness.SITE)
# Raised when ``SiteRecords`` changes shape, so a release never reads the last one's copies.
VERSION = 1
# A kept copy lasts no longer than its day, whose date is part of its key.
TIMEOUT = 24 * 60 * 60


@dataclass(frozen=True)
class SiteRecords:
    furniture: selectors.PageFurniture
    valid_until: float | None  # when the next dated change comes (epoch seconds), if ever


def stamp_read(request, stamp: int) -> None:
    """The highest stamp of ``KEYS``, read for ``request`` before anything was rendered."""
    request.site_records_stamp = stamp


def site_records_get(*, request=None) -> SiteRecords:
    """The policy in force, the disclaimers and the next dated change: kept, else 3 queries.

    Reading the stamps costs 1 query (on SQLite none while no other connection
    has committed since they were last read), none when the kept-page middleware
    read them for ``request`` already.
    """
    stamp = getattr(request, "site_records_stamp", None)
    if stamp is None:
        _, stamp = freshness.current(KEYS)
    day = timezone.localdate()
    key = f"page-site-records:{VERSION}:{stamp}:{day.isoformat()}"
    kept = cache.get(key)
    if isinstance(kept, SiteRecords):
        return kept
    records = SiteRecords(furniture=selectors.page_furniture(), valid_until=freshness.valid_until())
    if timezone.localdate() == day:  # read on the day it is kept for, not just past midnight
        cache.set(key, records, TIMEOUT)
    return records
