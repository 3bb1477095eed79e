"""articles.events: receivers of ``changed`` write in the writer's transaction; ``committed``
follows once per transaction with every key it announced, and never for a rollback."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from articles import events
from outbox.models import WorkerHeartbeat


class Abandoned(Exception):
    """Raised to roll a block back."""


@pytest.fixture
def heard():
    """What each signal's receivers were told, in order."""
    record = {"changed": [], "committed": []}

    def on_changed(sender, *, keys, **kwargs):
        record["changed"].append(keys)

    def on_committed(sender, *, keys, **kwargs):
        record["committed"].append(keys)

    events.changed.connect(on_changed, dispatch_uid="test-events-changed")
    events.committed.connect(on_committed, dispatch_uid="test-events-committed")
    yield record
    events.changed.disconnect(dispatch_uid="test-events-changed")
    events.committed.disconnect(dispatch_uid="test-events-committed")


@pytest.mark.django_db(transaction=True)
def test_changed_is_heard_inside_the_transaction_committed_once_after_it(heard):
    seen_in_transaction = []
    events.changed.connect(
        lambda sender, **kw: seen_in_transaction.append(
            transaction.get_connection().in_atomic_block
        ),
        weak=False,
        dispatch_uid="test-events-in-transaction",
    )
    try:
        with transaction.atomic():
            events.announce("article:1")
            events.announce("article:2", "policy")
            events.announce("article:1")
            assert heard["changed"] == [
                frozenset({"article:1"}),
                frozenset({"article:2", "policy"}),
                frozenset({"article:1"}),
            ]
            assert heard["committed"] == []
    finally:
        events.changed.disconnect(dispatch_uid="test-events-in-transaction")
    assert seen_in_transaction == [True, True, True]
    assert heard["committed"] == [frozenset({"article:1", "article:2", "policy"})]


@pytest.mark.django_db(transaction=True)
def test_each_transaction_is_committed_on_its_own(heard):
    with transaction.atomic():
        events.announce("article:1")
    with transaction.atomic():
        events.announce("board")
    assert heard["committed"] == [frozenset({"article:1"}), frozenset({"board"})]


@pytest.mark.django_db(transaction=True)
def test_a_rollback_sends_nothing_after_it_and_leaves_nothing_for_the_next(heard):
    with pytest.raises(Abandoned), transaction.atomic():
        events.announce("article:1")
        raise Abandoned
    assert heard["changed"] == [frozenset({"article:1"})]
    assert heard["committed"] == []
    with transaction.atomic():
        events.announce("article:2")
    assert heard["committed"] == [frozenset({"article:2"})]


@pytest.mark.django_db(transaction=True)
def test_a_receivers_write_rolls_back_with_the_change(heard):
    def write(sender, **kwargs):
        # A row no receiver announces again.
        WorkerHeartbeat.objects.create(name="written-by-a-receiver", seen_at=timezone.now(), pid=1)

    events.changed.connect(write, weak=False, dispatch_uid="test-events-write")
    try:
        with pytest.raises(Abandoned), transaction.atomic():
            events.announce("site-text")
            assert WorkerHeartbeat.objects.filter(name="written-by-a-receiver").exists()
            raise Abandoned
    finally:
        events.changed.disconnect(dispatch_uid="test-events-write")
    assert not WorkerHeartbeat.objects.filter(name="written-by-a-receiver").exists()


@pytest.mark.django_db(transaction=True)
def test_a_savepoint_rolled_back_alone_announces_nothing_after_commit(heard):
    with transaction.atomic():
        with pytest.raises(Abandoned), transaction.atomic():
            events.announce("article:1")
            raise Abandoned
        events.announce("article:2")
    assert heard["committed"] == [frozenset({"article:2"})]

    with transaction.atomic():
        with pytest.raises(Abandoned), transaction.atomic():
            events.announce("article:3")
            raise Abandoned
    assert heard["committed"] == [frozenset({"article:2"})]


@pytest.mark.django_db(transaction=True)
def test_keys_of_a_nested_block_join_the_outer_transaction(heard):
    with transaction.atomic():
        events.announce("article:1")
        with transaction.atomic():
            events.announce("reference:7")
        assert heard["committed"] == []
    assert heard["committed"] == [frozenset({"article:1", "reference:7"})]


@pytest.mark.django_db(transaction=True)
def test_announcing_outside_a_transaction_is_refused(heard):
    with pytest.raises(events.NotInTransaction):
        events.announce("article:1")
    assert heard == {"changed": [], "committed": []}


@pytest.mark.django_db
def test_in_a_test_transaction_committed_follows_the_captured_callbacks(
    heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        events.announce("article:1")
        events.announce("article:2")
    with django_capture_on_commit_callbacks(execute=True):
        events.announce("article:3")
    assert heard["committed"] == [frozenset({"article:1", "article:2"}), frozenset({"article:3"})]


def test_the_event_module_imports_no_other_app():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(events.__file__).read_text())
    imported = {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert imported <= {"__future__", "django"}
