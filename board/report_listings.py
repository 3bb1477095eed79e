"""The articles behind one bar of a report for editors-in-chief, a page at a time.

Each report's bars (``board.reports``) link to the articles they count. The lists here ask
the same question as the bar (the same filters, the same stays), so their rows add up to it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article, ArticleTransition
from board.models import ReviewAssignment
from board.reports import (
    Period,
    midnight,
    open_assignments,
    overdue_assignments,
    run_sql,
    stays_sql,
)

PER_PAGE = 100


@dataclass(frozen=True)
class Listing:
    """One page of the articles behind a bar, and how many rows there are in all."""

    rows: list
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The place of the page's first row in the whole list, counting from 1."""
        return (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


def _listing(rows, *, page: int, per_page: int, make) -> Listing:
    """A page of ``rows`` (a queryset of tuples): its count, then its rows (none past the end)."""
    total = rows.count()
    start = (page - 1) * per_page
    found = [make(*row) for row in rows[start : start + per_page]] if start < total else []
    return Listing(rows=found, total=total, page=page, per_page=per_page)


@dataclass(frozen=True)
class ArticleInState:
    pk: int
    title: str
    since: datetime.datetime  # its last workflow step, or its creation


def article_list_in_state(*, state: str, page: int = 1, per_page: int = PER_PAGE) -> Listing:
    """The articles in ``state`` now, as "articles per state" counts them; longest there first."""
    rows = (
        Article.objects.filter(state=state)
        .annotate(since=Coalesce("last_transition_at", "created_at"))
        .order_by("since", "pk")
        .values_list("pk", "title", "since")
    )
    return _listing(rows, page=page, per_page=per_page, make=ArticleInState)


@dataclass(frozen=True)
class ArticleStays:
    pk: int
    title: str
    state: str  # now
    stays: int  # its stays in the state that ended in the period
    longest: float  # seconds


def article_list_with_stays(
    *, period: Period, state: str, page: int = 1, per_page: int = PER_PAGE
) -> Listing:
    """The articles whose stays in ``state`` ended in ``period``, longest stay first.

    The stays "time in each state" measures, grouped per article; one query, the
    count of articles in a window over the groups.
    """
    stays, params = stays_sql(period)
    article = Article._meta.db_table
    sql = (
        f"SELECT s.article_id, a.title, a.state, COUNT(*) AS stays, MAX(s.secs) AS longest, "
        f"COUNT(*) OVER () AS total "
        f"FROM ({stays}) s JOIN {article} a ON a.id = s.article_id "
        f"WHERE s.state = %s GROUP BY s.article_id, a.title, a.state "
        f"ORDER BY longest DESC, s.article_id LIMIT %s OFFSET %s"
    )
    found = run_sql(sql, [*params, state, per_page, (page - 1) * per_page])
    return Listing(
        rows=[ArticleStays(*row[:5]) for row in found],
        total=found[0][5] if found else 0,
        page=page,
        per_page=per_page,
    )


@dataclass(frozen=True)
class ArticleDecisions:
    pk: int
    title: str
    state: str  # now
    decisions: int  # of the kind asked for, in the month
    last_at: datetime.datetime


def article_list_decided(
    *,
    period: Period,
    month: datetime.date,
    decision: str,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Listing:
    """The articles given ``decision`` in ``month`` (within ``period``), by their last one.

    ``decision`` is ``approve`` or ``request_changes``, counted as "decisions per
    month" counts them: an article decided twice is one row saying two.
    """
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    rows = (
        ArticleTransition.objects.filter(
            name=decision,
            created_at__gte=max(period.since, midnight(month)),
            created_at__lt=min(period.until, midnight(next_month)),
        )
        .order_by()
        .values("article_id", "article__title", "article__state")
        .annotate(decisions=Count("pk"), last_at=Max("created_at"))
        .order_by("last_at", "article_id")
        .values_list("article_id", "article__title", "article__state", "decisions", "last_at")
    )
    return _listing(rows, page=page, per_page=per_page, make=ArticleDecisions)


@dataclass(frozen=True)
class AssignedArticle:
    pk: int
    title: str
    state: str  # now
    assigned_at: datetime.datetime
    due_on: datetime.date


def assignment_list_open_for_reviewer(
    *,
    reviewer_id: int,
    overdue: bool,
    today: datetime.date | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Listing:
    """The reviewer's open assignments (or only the overdue ones), the earliest due first."""
    today = today or timezone.localdate()
    rows = (
        ReviewAssignment.objects.filter(
            overdue_assignments(today) if overdue else open_assignments(), reviewer_id=reviewer_id
        )
        .order_by("due_on", "pk")
        .values_list("article_id", "article__title", "article__state", "assigned_at", "due_on")
    )
    return _listing(rows, page=page, per_page=per_page, make=AssignedArticle)
