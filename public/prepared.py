"""Reads of a fixed shape, their SQL built once: the article page's queries.

Django builds a query's SQL from its queryset on every run, which for the
article page's join costs more than running it. The page's reads differ only
in the one value they look up (a slug, an article, a version), so each is
built once per database (alias and vendor) with a marker where that value
goes. A run puts the value in the marker's place among the parameters, and
makes from the rows the same model instances, with the same related objects
and annotations, that iterating the queryset would.

Only plain querysets qualify: no prefetching, no slicing, no ``values()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

# Stand-ins for the value looked up while the SQL is built; never a real slug or key.
TEXT_MARKER = "\x00looked-up value\x00"
NUMBER_MARKER = -7_770_777_077


@dataclass(frozen=True)
class _Built:
    """One query's SQL and how its rows become instances, on one database."""

    queryset: QuerySet
    sql: str
    params: tuple
    value_at: int  # where the looked-up value goes among ``params``
    select: list
    klass_info: dict
    annotation_col_map: dict
    col_count: int
    has_extra_select: bool
    init_list: tuple[str, ...]
    fields: slice
    related_populators: list


class PreparedQuery:
    """``build(value)`` (a queryset) run for any value, its SQL built once per database."""

    def __init__(
        self, model: type[Model], build: Callable[[Any], QuerySet], *, marker: Any
    ) -> None:
        self._model = model
        self._build_queryset = build
        self._marker = marker
        self._built: dict[tuple[str, str], _Built] = {}
        self._lock = threading.Lock()

    def list(self, value: Any) -> list[Model]:
        """The instances ``build(value)`` gives, in its order (1 query)."""
        built = self._for_database()
        compiler = built.queryset.query.get_compiler(using=built.queryset.db)
        params = list(built.params)
        params[built.value_at] = value
        # What ``as_sql()`` leaves on the compiler for the rows to be read.
        compiler.select = built.select
        compiler.klass_info = built.klass_info
        compiler.annotation_col_map = built.annotation_col_map
        compiler.col_count = built.col_count
        compiler.has_extra_select = built.has_extra_select
        compiler.as_sql = lambda *args, **kwargs: (built.sql, tuple(params))
        db = built.queryset.db
        model = built.klass_info["model"]
        objects = []
        for row in compiler.results_iter(compiler.execute_sql()):
            obj = model.from_db(db, built.init_list, row[built.fields])
            for populator in built.related_populators:
                populator.populate(row, obj)
            for name, position in built.annotation_col_map.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def first(self, value: Any) -> Model | None:
        objects = self.list(value)
        return objects[0] if objects else None

    def _for_database(self) -> _Built:
        db = router.db_for_read(self._model)
        key = (db, connections[db].vendor)
        built = self._built.get(key)
        if built is None:
            with self._lock:
                built = self._built.get(key) or self._build(self._build_queryset(self._marker))
                self._built[key] = built
        return built

    def _build(self, queryset: QuerySet) -> _Built:
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
            or queryset.query.is_sliced
        ):
            raise ValueError("Only a plain queryset of model instances can be prepared.")
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        places = [i for i, param in enumerate(params) if param == self._marker]
        if len(places) != 1:
            raise ValueError("The looked-up value must appear exactly once in the query.")
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return _Built(
            queryset=queryset,
            sql=sql,
            params=tuple(params),
            value_at=places[0],
            select=select,
            klass_info=klass_info,
            annotation_col_map=compiler.annotation_col_map,
            col_count=compiler.col_count,
            has_extra_select=compiler.has_extra_select,
            init_list=tuple(f[0].target.attname for f in select[start:end]),
            fields=slice(start, end),
            related_populators=get_related_populators(klass_info, select, queryset.db),
        )
