"""Rows written in bulk with their history rows, the history copied by the database.

``simple_history``'s ``bulk_create_with_history`` builds a second model instance for
every row and sends every value to the database twice. Here the rows are inserted
once and their "created" history rows are selected from them by one statement per
batch: the same history, row for row, read back from what was stored.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

# Ids per INSERT ... SELECT: well under SQLite's 999 parameters, with the three fixed ones.
_BATCH = 900


def bulk_create_recorded(
    objs: Sequence[models.Model], model: type[models.Model], *, by, reason: str | None = None
) -> list[models.Model]:
    """Insert ``objs`` (primary keys set on them) and write each one's "+" history row.

    ``by`` and ``reason`` are recorded as ``history_user`` and ``history_change_reason``
    (cut to the history's 100 characters), as ``bulk_create_with_history`` records its
    ``default_user`` and ``default_change_reason``.
    """
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return model._default_manager.bulk_create(objs)
    history = _history_model(model)
    if (
        hasattr(history, "history_relation")
        or not connection.features.can_return_rows_from_bulk_insert
        or any(hasattr(obj, attr) for obj in objs for attr in _PER_ROW)
    ):
        # Shapes this copy does not write: simple_history's own way.
        return bulk_create_with_history(
            objs, model, default_user=by, default_change_reason=_short(reason)
        )
    created = model._default_manager.bulk_create(objs)
    quote = connection.ops.quote_name
    copied = ", ".join(quote(field.column) for field in history.tracked_fields)
    recorded = ", ".join(
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    )
    when = history._meta.get_field("history_date").get_db_prep_value(timezone.now(), connection)
    fixed = [when, _short(reason), "+", getattr(by, "pk", None)]
    pk = quote(model._meta.pk.column)
    ids = [obj.pk for obj in created]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _BATCH):
            batch = ids[start : start + _BATCH]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({copied}, {recorded}) "
                f"SELECT {copied}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {pk} IN ({', '.join(['%s'] * len(batch))}) ORDER BY {pk}",
                [*fixed, *batch],
            )
    return created


@functools.cache
def _history_model(model: type[models.Model]) -> type[models.Model]:
    # ``model.history`` builds a manager class at every access.
    return get_history_model_for_model(model)


# What simple_history reads of each instance when set: such rows go its own way.
_PER_ROW = ("_history_user", "_change_reason", "_history_date")


def _short(reason: str | None) -> str | None:
    return reason[:100] if reason is not None else None
