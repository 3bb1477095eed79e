"""What a write changed, announced in domain terms so that other apps can follow without being called.

Writers (``articles.services``, the board's and the screening's services) say
what they changed; listeners (the public site's kept pages and edge purges)
decide what that means for them. The writers import nothing of theirs.

Three signals:

- ``changed`` (``keys``: a frozenset of strings) is sent by ``announce()`` at
  once, inside the writer's transaction, so a receiver's own writes (a page
  generation raised, a purge queued in the outbox) commit or roll back with
  the change that caused them;
- ``committed`` (``keys``: the union of every key announced in the
  transaction) is sent once per transaction, after it commits, for side
  effects that must not happen for a change that rolled back. Keys announced
  inside a savepoint that rolled back are still included when the
  transaction announced something else that committed: a receiver may act on
  a key that did not change, never miss one that did;
- ``published`` (``version``: the ``ArticleVersion`` just approved for
  readers) is sent by the approval inside its transaction.

Keys name what changed: ``article:<pk>``, ``reference:<pk>``, ``policy``,
``board``, ``site-text``, ``user:<pk>``.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

changed = Signal()
committed = Signal()
published = Signal()


def article_key(pk: int) -> str:
    return f"article:{pk}"


def reference_key(pk: int) -> str:
    return f"reference:{pk}"


def user_key(pk: int) -> str:
    return f"user:{pk}"


POLICY = "policy"
BOARD = "board"
SITE_TEXT = "site-text"


class NotInTransaction(RuntimeError):
    """``announce()`` was called outside an atomic block: its receivers' writes would stand alone."""


class _Batch:
    """The keys announced in one transaction, delivered once after it commits."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.delivered = False

    def deliver(self) -> None:
        if self.delivered:
            return
        self.delivered = True
        connection = transaction.get_connection()
        if getattr(connection, "announced_batch", None) is self:
            connection.announced_batch = None
        committed.send(sender=None, keys=frozenset(self.keys))


def _pending_batch(connection) -> _Batch | None:
    """The batch this transaction started, if its delivery is still waiting for the commit.

    A batch whose delivery was discarded (its transaction, or the savepoint it was
    started in, rolled back) is forgotten with the keys it held.
    """
    batch = getattr(connection, "announced_batch", None)
    if batch is None or batch.delivered:
        return None
    if any(callback == batch.deliver for _, callback, _ in connection.run_on_commit):
        return batch
    return None


def announce(*keys: str) -> None:
    """Say, inside the writing transaction, what this write changed (see the module's keys)."""
    if not keys:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise NotInTransaction(
            "events.announce() must be called inside the transaction of the write it announces."
        )
    frozen = frozenset(keys)
    changed.send(sender=None, keys=frozen)
    batch = _pending_batch(connection)
    if batch is None:
        batch = connection.announced_batch = _Batch()
        transaction.on_commit(batch.deliver)
    batch.keys |= frozen
