"""Is a kept public page still current? One shared number answers, on every server.

Every write that can change what a public page shows calls ``bump()`` inside
its transaction. ``bump()`` raises the site generation, a counter in one
database row (``SiteGeneration``), in that same transaction, and once the
transaction commits it publishes the new value to Redis. A kept page records
the generation it was rendered under and is replayed only while the
generation has not moved (``public.fastpath``).

Reading the generation on a warm request is one Redis GET over a persistent
connection, no SQL. It fails closed: when Redis is not configured (the
per-process cache of a single-server or development set-up), does not answer,
or has no value, the generation is read from the database row (one small
query; on SQLite only after ``PRAGMA data_version`` says another connection
has committed), so no process can replay a page older than a committed change.

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
import logging
import os
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Value
from django.utils import timezone

logger = logging.getLogger("editorial.freshness")

REDIS_KEY = "public:site-generation"
# The Redis copy expires after this many seconds and is then read again from the
# database: a publish lost to a Redis hiccup cannot keep pages stale for longer.
REDIS_TTL_SECONDS = 30
# After Redis fails to answer, read the database for this long before trying it again,
# rather than waiting for a timeout on every request.
REDIS_RETRY_AFTER_SECONDS = 5
REDIS_TIMEOUT_SECONDS = 0.25

# Sets the counter only upward, so a late writer or a reader re-seeding from the
# database can never move it back past a newer value.
_SET_AT_LEAST = """
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if current < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
  return 1
end
return 0
"""

_client = None
_client_for: tuple[int, str] | None = None
_redis_down_until = 0.0


def _table() -> str:
    from public.models import SiteGeneration

    return connection.ops.quote_name(SiteGeneration._meta.db_table)


def _redis():
    """This process's Redis client (one connection pool per process), or None."""
    global _client, _client_for
    url = settings.FRESHNESS_REDIS_URL
    if not url or time.monotonic() < _redis_down_until:
        return None
    owner = (os.getpid(), url)  # a forked worker must not share its parent's sockets
    if _client_for != owner:
        import redis

        _client = redis.Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        _client_for = owner
    return _client


def _redis_failed(error: Exception) -> None:
    global _redis_down_until
    _redis_down_until = time.monotonic() + REDIS_RETRY_AFTER_SECONDS
    logger.warning("Site generation: Redis unavailable (%s); reading the database", error)


def _publish(value: int) -> None:
    client = _redis()
    if client is None:
        return
    import redis

    try:
        client.eval(_SET_AT_LEAST, 1, REDIS_KEY, value, REDIS_TTL_SECONDS)
    except redis.RedisError as error:
        _redis_failed(error)


def read_database() -> int:
    """The generation as committed in the database (1 query)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {_table()} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def _read_database_when_changed() -> int:
    """The generation from the database, read again only when the database may have changed.

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


def current() -> int:
    """The site generation now: from Redis when it answers (no SQL), else the database."""
    client = _redis()
    if client is not None:
        import redis

        try:
            value = client.get(REDIS_KEY)
        except redis.RedisError as error:
            _redis_failed(error)
        else:
            if value is not None:
                return int(value)
    value = _read_database_when_changed()
    if client is not None:
        _publish(value)
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
            row = cursor.fetchone()
    value = row[0]
    connection.site_generation_seen = None
    transaction.on_commit(lambda: _publish(value))


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
