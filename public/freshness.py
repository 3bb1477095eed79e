"""Is a kept public page still current? One number in the database answers, on every server.

Every write that can change what a public page shows calls ``bump()`` inside
its transaction. ``bump()`` raises the site generation, a counter in one
database row (``SiteGeneration``), in that same transaction. A kept page
records the generation it was rendered under and is replayed only while the
generation has not moved (``public.fastpath``).

The generation is read from the database on every request that may replay a
kept page: one primary-key read over the process's persistent connection, about
0.1 ms more than a Redis round trip (bench/kept_pages.py). The database is the only
place that cannot be behind a committed change, so nothing any cache does
(stall, restart, eviction, lost writes) can make a server replay a page older
than one a reader was already served: a copy held anywhere else could lag
behind a commit and send readers back in time. On SQLite the row is read only
after ``PRAGMA data_version`` says another connection has committed.

While the database cannot be read, ``current()`` raises; the kept-page
middleware then serves what it kept, marked stale (``public.fastpath``).

Who calls ``bump()``:
- ``articles.services``: every workflow transaction (``_take_transition``: submit,
  import, withdraw, start review, request changes, revise, retract) and
  ``article_approve``;
- the receivers below, for the things an editor or admin changes without a
  workflow step: editorial policy versions, board members, site texts (the
  disclaimer), library references (a pending article shows them as they
  stand), and users' names (shown when a reviewer has no board profile);
- any new write path that changes a public page (a retraction notice, a new
  public model): call ``public.freshness.bump()`` in its transaction.

A policy version that takes effect later is a change no write makes at the
time it happens: ``valid_until()`` gives the moment of the next one, and kept
pages expire then.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import F, Value
from django.utils import timezone


def _table() -> str:
    from public.models import SiteGeneration

    return connection.ops.quote_name(SiteGeneration._meta.db_table)


def read_database() -> int:
    """The generation as committed in the database (1 query)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {_table()} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def current() -> int:
    """The site generation now, as committed (one query; on SQLite, only after a commit
    elsewhere). Raises ``django.db.DatabaseError`` while the database cannot be read.

    SQLite counts the commits other connections make to the file (``PRAGMA
    data_version``, no table read). While that number stands and this
    connection has bumped nothing since, the generation read last still
    holds; ``bump()`` forgets it for its own connection.
    """
    if connection.vendor != "sqlite":
        return read_database()
    connection.ensure_connection()
    raw = connection.connection
    data_version = raw.execute("PRAGMA data_version").fetchone()[0]
    known = getattr(connection, "site_generation_seen", None)
    if known is not None and known[0] is raw and known[1] == data_version:
        return known[2]
    value = read_database()
    connection.site_generation_seen = (raw, data_version, value)
    return value


def bump() -> None:
    """A public page may have changed: call inside the transaction of every such write."""
    from public.models import SiteGeneration

    sql = f"UPDATE {_table()} SET value = value + 1 WHERE id = 1 RETURNING value"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        if row is None:  # the row is made by migration; a flushed test database lacks it
            SiteGeneration.objects.bulk_create([SiteGeneration(pk=1)], ignore_conflicts=True)
            cursor.execute(sql)
    connection.site_generation_seen = None


_POLICY_TAKES_EFFECT, _CREDENTIAL_LAPSES = 0, 1


def valid_until() -> float | None:
    """When the next dated change to the public pages happens (epoch seconds), or None (1 query).

    A page kept now is current only until then: the next scheduled policy version
    takes effect on its date (every article page shows the policy in force), or a
    board credential shown as current lapses the day after its expiry date (the
    board page). On equal dates the policy comes first, and it is the earlier change.
    """
    from articles.models import EditorialPolicy
    from board.models import Credential

    today = timezone.localdate()
    policies = (
        EditorialPolicy.objects.filter(effective_date__gt=today)
        .order_by()
        .annotate(day=F("effective_date"), what=Value(_POLICY_TAKES_EFFECT))
        .values_list("day", "what")
    )
    credentials = (
        Credential.objects.filter(expires_on__gte=today)
        .order_by()
        .annotate(day=F("expires_on"), what=Value(_CREDENTIAL_LAPSES))
        .values_list("day", "what")
    )
    first = policies.union(credentials, all=True).order_by("day", "what").first()
    if first is None:
        return None
    day, what = first
    if what == _CREDENTIAL_LAPSES:
        day += datetime.timedelta(days=1)
    start = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(start).timestamp()


def _bump_on_change(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in changes nothing public
    bump()


def _bump_on_relation_change(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        bump()


def connect_receivers() -> None:
    """Bump on every save or delete of what public pages show outside the workflow.

    Policy versions, board members, site texts, library references and users'
    names are edited in the admin (or a shell, or a data migration) with no
    service of their own; a receiver is the one place that sees every such write.
    """
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from articles.models import BoardMember, EditorialPolicy, Reference
    from board.models import Credential, Specialty
    from public.models import SiteText

    # Reference: a pending article's page shows the library's references as they stand.
    # Credential, Specialty: the board page shows each member's.
    for model in (
        EditorialPolicy,
        BoardMember,
        SiteText,
        Reference,
        get_user_model(),
        Credential,
        Specialty,
    ):
        post_save.connect(_bump_on_change, sender=model, dispatch_uid=f"freshness-{model}")
        post_delete.connect(_bump_on_change, sender=model, dispatch_uid=f"freshness-d-{model}")
    # The board page lists each member's specialties, however they are changed.
    m2m_changed.connect(
        _bump_on_relation_change,
        sender=BoardMember.specialties.through,
        dispatch_uid="freshness-member-specialties",
    )
