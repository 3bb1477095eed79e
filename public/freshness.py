"""Is a kept public page still current? The database answers, per key, on every server.

Each public page names what it shows as keys (``article:12``, ``policy``,
``listing:home``, see ``public.receivers``). Every write that can change a
public page invalidates the keys it changes inside its transaction
(``invalidate()``, called by the receiver of ``articles.events.changed``): it
raises the site generation, a counter in one database row
(``SiteGeneration``), and stamps each key with the new value
(``PageKeyGeneration``). A kept page records the site generation read before it
was rendered; it is current while none of its keys has been stamped since
(``public.fastpath``). A change to one article thus re-renders its page and the
listings that show it, and nothing else.

Why that holds: the counter is raised in the writing transaction and its row
stays locked until that transaction ends, so a generation a reader has read
committed is never handed to a change that commits later. A page rendered after
reading generation G shows every change stamped G or less; a change stamped
above G may have been missed, and makes the page stale.

The generations are read from the database on every request that may replay a
kept page: one query over the process's persistent connection, reading the
site generation and the stamps of that page's keys together. The database is
the only place that cannot be behind a committed change, so nothing any cache
does (stall, restart, eviction, lost writes) can make a server replay a page
older than one a reader was already served. On SQLite the rows are read only
after ``PRAGMA data_version`` says another connection has committed.

While the database cannot be read, ``current()`` raises; the kept-page
middleware then serves what it kept, marked stale (``public.fastpath``).

Who invalidates:
- ``public.receivers``, for every key a writer announces (``articles.events``):
  workflow steps, approvals, screening flags;
- the model receivers below, for what an editor or admin changes without a
  workflow step: editorial policy versions, board members, their credentials
  and specialties, site texts, library references and users' names; they
  announce it as any writer would;
- ``bump()``: every page at once (each page also names ``SITE``), for a
  change that has no narrower key.

A policy version that takes effect later is a change no write makes at the
time it happens: ``valid_until()`` gives the moment of the next one, and kept
pages expire then.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F, Value
from django.utils import timezone

from articles import events
from articles.models import EditorialPolicy, Reference
from board.models import BoardMember, Credential, Specialty
from public.models import PageKeyGeneration, SiteGeneration, SiteText

# Named by every public page: invalidating it (``bump()``) makes every kept page stale.
SITE = "site"


def _table(model_name: str) -> str:
    from django.apps import apps

    return connection.ops.quote_name(apps.get_model("public", model_name)._meta.db_table)


def read_database(keys: Iterable[str] = ()) -> tuple[int, dict[str, int]]:
    """The site generation and the stamp of each of ``keys``, as committed (1 query).

    A key never invalidated has no row; it counts as stamped 0.
    """
    keys = list(keys)
    sql = f"SELECT '', value FROM {_table('SiteGeneration')} WHERE id = 1"
    if keys:
        column = connection.ops.quote_name("key")
        marks = ", ".join(["%s"] * len(keys))
        sql += (
            f" UNION ALL SELECT {column}, generation FROM {_table('PageKeyGeneration')}"
            f" WHERE {column} IN ({marks})"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, keys)
        rows = cursor.fetchall()
    site, stamps = 0, dict.fromkeys(keys, 0)
    for key, value in rows:
        if key == "":
            site = value
        else:
            stamps[key] = value
    return site, stamps


def current(keys: Iterable[str] = ()) -> tuple[int, int]:
    """(the site generation now, the highest stamp among ``keys``), as committed.

    One query; on SQLite, only after a commit elsewhere. Raises
    ``django.db.DatabaseError`` while the database cannot be read.

    SQLite counts the commits other connections make to the file (``PRAGMA
    data_version``, no table read). While that number stands and this
    connection has invalidated nothing since, what was read last still holds,
    and only keys not read yet are asked for; ``invalidate()`` forgets it all
    for its own connection.
    """
    keys = tuple(keys)
    if connection.vendor != "sqlite":
        site, stamps = read_database(keys)
        return site, max(stamps.values(), default=0)
    connection.ensure_connection()
    raw = connection.connection
    data_version = raw.execute("PRAGMA data_version").fetchone()[0]
    seen = getattr(connection, "page_generations_seen", None)
    if seen is None or seen[0] is not raw or seen[1] != data_version:
        seen = (raw, data_version, None, {})
    site, stamps = seen[2], seen[3]
    missing = [key for key in keys if key not in stamps]
    if site is None or missing:
        site, read = read_database(missing)
        stamps = {**stamps, **read}
        connection.page_generations_seen = (raw, data_version, site, stamps)
    return site, max((stamps[key] for key in keys), default=0)


def invalidate(keys: Iterable[str]) -> int:
    """Pages naming any of ``keys`` may have changed: call inside the writing transaction.

    Raises the site generation and stamps each key with it; the new generation.
    """
    keys = sorted(set(keys))  # one order for every writer: no two wait for each other's rows
    sql = f"UPDATE {_table('SiteGeneration')} SET value = value + 1 WHERE id = 1 RETURNING value"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        if row is None:  # the row is made by migration; a flushed test database lacks it
            SiteGeneration.objects.bulk_create([SiteGeneration(pk=1)], ignore_conflicts=True)
            cursor.execute(sql)
            row = cursor.fetchone()
    generation = row[0]
    if keys:
        PageKeyGeneration.objects.bulk_create(
            [PageKeyGeneration(key=key, generation=generation) for key in keys],
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["generation"],
        )
    connection.page_generations_seen = None
    return generation


def bump() -> None:
    """Every public page may have changed: call inside the transaction of such a write."""
    invalidate([SITE])


_POLICY_TAKES_EFFECT, _CREDENTIAL_LAPSES = 0, 1


def valid_until() -> float | None:
    """When the next dated change to the public pages happens (epoch seconds), or None (1 query).

    A page kept now is current only until then: the next scheduled policy version
    takes effect on its date (every article page shows the policy in force), or a
    board credential shown as current lapses the day after its expiry date (the
    board page). On equal dates the policy comes first, and it is the earlier change.
    """
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


def _announce(*keys: str) -> None:
    # A save outside any transaction (a shell, a data fix) has committed already; its
    # announcement then commits on its own, at once.
    with transaction.atomic():
        events.announce(*keys)


def _changed_keys(instance) -> tuple[str, ...]:
    """What a save or delete of ``instance`` changes, in the writers' words (articles.events)."""
    from django.contrib.auth import get_user_model

    if isinstance(instance, EditorialPolicy):
        return (events.POLICY,)
    if isinstance(instance, SiteText):
        return (events.SITE_TEXT,)
    if isinstance(instance, Reference):
        return (events.reference_key(instance.pk),)
    if isinstance(instance, get_user_model()):
        return (events.user_key(instance.pk),)
    # A member's name and credentials show on the board page and beside their reviews.
    if isinstance(instance, BoardMember):
        return (events.BOARD, events.user_key(instance.user_id))
    if isinstance(instance, Credential):
        members = BoardMember.objects.filter(pk=instance.member_id).values_list(
            "user_id", flat=True
        )
        return (events.BOARD, *(events.user_key(user_id) for user_id in members))
    return (events.BOARD,)  # a specialty: named on the board page


def _announce_change(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in changes nothing public
    _announce(*_changed_keys(instance))


def _announce_relation_change(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        _announce(events.BOARD)


def connect_receivers() -> None:
    """Announce every save or delete of what public pages show outside the workflow.

    Policy versions, board members, site texts, library references and users'
    names are edited in the admin (or a shell, or a data migration) with no
    service of their own; a receiver is the one place that sees every such write.
    """
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_save

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
        post_save.connect(_announce_change, sender=model, dispatch_uid=f"freshness-{model}")
        post_delete.connect(_announce_change, sender=model, dispatch_uid=f"freshness-d-{model}")
    # The board page lists each member's specialties, however they are changed.
    m2m_changed.connect(
        _announce_relation_change,
        sender=BoardMember.specialties.through,
        dispatch_uid="freshness-member-specialties",
    )
