"""Reports for editors-in-chief: where articles are, how long they stay, who reviews how fast.

Every report is one aggregate query (two for the reviewers), whatever the number of
articles: the database groups, counts and ranks, and Python only shapes the few rows
that come back. The articles behind each bar are listed, a page at a time, by
``board.report_listings``.

**Time in a state** is read from the transition log (``ArticleTransition``). An
article enters a state at one transition and leaves it at the next, so each
transition that changes the state closes a stay in its ``source`` state, which
began at the article's previous transition (``LAG`` over the article's log, in
the database) or, for the first one, when the article was created. Transitions
that leave the state as it was (a partial approval) are not stays. The stay in
draft that an import closes at once is not an editor's drafting time and is left
out. A stay counts in the period in which it *ended*; stays still going on are
not counted (they have no length yet).

**Percentiles** are continuous (linear interpolation between the two nearest
ranks, the definition of SQL's ``percentile_cont``): for ``n`` sorted values and
fraction ``p``, the value at rank ``(n - 1) * p`` counting from 0. PostgreSQL
computes them with ``percentile_cont``; SQLite has no such aggregate, so the same
query numbers the values in order (``ROW_NUMBER``, ``COUNT`` over the group) and
keeps the two values either side of each rank, interpolated in SQL. Same
definition, same answer, one query on either database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from articles import steps
from articles.models import Article, ArticleTransition
from articles.states import ArticleState
from board.models import ReviewAssignment

# Transitions that end a review with a decision, as the monthly report counts them.
APPROVE = steps.APPROVE.name
REQUEST_CHANGES = steps.REQUEST_CHANGES.name
# An import moves a new article from draft to submitted at once: not a drafting stay.
IMPORT = steps.RECEIVE_IMPORT.name
AGING_ROWS = 20
DEFAULT_PERIOD_DAYS = 90
FRACTIONS = (0.5, 0.9)


@dataclass(frozen=True)
class Period:
    """Whole days from ``start`` to ``end``, both included, in the site's time zone."""

    start: datetime.date
    end: datetime.date

    @property
    def since(self) -> datetime.datetime:
        return midnight(self.start)

    @property
    def until(self) -> datetime.datetime:
        """The first moment after the period (exclusive bound)."""
        return midnight(self.end + datetime.timedelta(days=1))

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches, in order."""
        month, months = self.start.replace(day=1), []
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def midnight(day: datetime.date) -> datetime.datetime:
    """The first moment of ``day`` in the site's time zone, where a period's bounds fall."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# -- Percentiles in SQL ----------------------------------------------------------------


def _percentile_sql(values_sql: str, group: str, fractions: tuple[float, ...]) -> str:
    """``SELECT <group>, n, p_0, p_1, ...`` over ``values_sql`` (columns ``grp``, ``secs``).

    Continuous percentiles on both databases (see the module docstring).
    """
    if connection.vendor == "postgresql":
        columns = ", ".join(
            f"percentile_cont({p}) WITHIN GROUP (ORDER BY secs) AS p{i}"
            for i, p in enumerate(fractions)
        )
        return (
            f"WITH vals AS ({values_sql}) "
            f"SELECT grp AS {group}, COUNT(*) AS n, {columns} FROM vals GROUP BY grp"
        )
    # rank r = (n - 1) * p; lo = floor(r) (CAST truncates, r >= 0); hi = lo + 1 unless r is whole.
    picks, columns = [], []
    for i, p in enumerate(fractions):
        rank = f"((n - 1) * {p})"
        lo = f"CAST({rank} AS INTEGER)"
        picks.append(
            f"MAX(CASE WHEN i = {lo} THEN secs END) AS lo{i}, "
            f"MAX(CASE WHEN i = {lo} + 1 THEN secs END) AS hi{i}, "
            f"MAX({rank} - {lo}) AS frac{i}"
        )
        columns.append(f"lo{i} + frac{i} * (COALESCE(hi{i}, lo{i}) - lo{i}) AS p{i}")
    return (
        f"WITH vals AS ({values_sql}), "
        "ranked AS (SELECT grp, secs, "
        "ROW_NUMBER() OVER (PARTITION BY grp ORDER BY secs) - 1 AS i, "
        "COUNT(*) OVER (PARTITION BY grp) AS n FROM vals), "
        f"picked AS (SELECT grp, MAX(n) AS n, {', '.join(picks)} FROM ranked GROUP BY grp) "
        f"SELECT grp AS {group}, n, {', '.join(columns)} FROM picked"
    )


def _seconds_between(start: str, end: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS double precision)"
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


def run_sql(sql: str, params: list) -> list[tuple]:
    """The rows of one raw query: the reports' window functions have no ORM form."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _dt(value: datetime.datetime):
    """A bound datetime as the database compares it (raw SQL skips the ORM's adaptation)."""
    return connection.ops.adapt_datetimefield_value(value)


# -- The reports -----------------------------------------------------------------------


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


def articles_per_state() -> list[StateCount]:
    """How many articles are in each state now, every state listed."""
    counts = dict(Article.objects.order_by().values_list("state").annotate(n=Count("pk")))
    return [StateCount(value, label, counts.get(value, 0)) for value, label in ArticleState.choices]


@dataclass(frozen=True)
class StateTime:
    state: str
    label: str
    stays: int
    median: float | None  # seconds
    p90: float | None


def stays_sql(period: Period) -> tuple[str, list]:
    """``SELECT article_id, state, secs`` for each stay that ended in ``period``, with its params.

    The one definition of a stay, for the report and for the list of its articles.
    """
    article, log = Article._meta.db_table, ArticleTransition._meta.db_table
    # The stays that ended in the period are closed by its transitions. Each began at the
    # article's transition before (LAG over the period's rows); for the first in the period,
    # at the article's last transition before the period, or else at its creation. Only the
    # period's rows are windowed, so a short period reads a small part of the log. (Joins,
    # not correlated subqueries: PostgreSQL estimates those so dear that it compiles the
    # query with JIT, which costs more than running it.)
    spans = (
        f"SELECT t.article_id AS article_id, t.source AS state, t.name AS closed_by, "
        f"t.created_at AS ended_at, "
        f"COALESCE("
        f"LAG(t.created_at) OVER (PARTITION BY t.article_id ORDER BY t.created_at, t.id), "
        f"earlier.last_at, a.created_at) AS started_at "
        f"FROM {log} t JOIN {article} a ON a.id = t.article_id "
        f"LEFT JOIN (SELECT article_id, MAX(created_at) AS last_at FROM {log} "
        f"WHERE created_at < %s AND source <> target GROUP BY article_id) earlier "
        f"ON earlier.article_id = t.article_id "
        f"WHERE t.source <> t.target AND t.created_at >= %s AND t.created_at < %s"
    )
    stays = (
        f"SELECT article_id, state, {_seconds_between('started_at', 'ended_at')} AS secs "
        f"FROM ({spans}) spans WHERE closed_by <> %s"
    )
    since, until = _dt(period.since), _dt(period.until)
    return stays, [since, since, until, IMPORT]


def time_in_state(period: Period) -> list[StateTime]:
    """Median and 90th percentile of the stays in each state that ended in ``period``."""
    stays, params = stays_sql(period)
    values = f"SELECT state AS grp, secs FROM ({stays}) stays"
    rows = run_sql(_percentile_sql(values, "state", FRACTIONS), params)
    found = {state: (n, p50, p90) for state, n, p50, p90 in rows}
    return [
        StateTime(value, label, *found.get(value, (0, None, None)))
        for value, label in ArticleState.choices
        if value != ArticleState.RETRACTED  # nothing leaves retraction
    ]


@dataclass(frozen=True)
class MonthDecisions:
    month: datetime.date
    approvals: int
    changes_requested: int


def decisions_per_month(period: Period) -> list[MonthDecisions]:
    """Approvals and requests for changes in each month of ``period`` (zero months included)."""
    rows = (
        ArticleTransition.objects.filter(
            name__in=(APPROVE, REQUEST_CHANGES),
            created_at__gte=period.since,
            created_at__lt=period.until,
        )
        .annotate(month=TruncMonth("created_at"))
        .order_by()
        .values("month")
        .annotate(
            approvals=Count("pk", filter=Q(name=APPROVE)),
            changes=Count("pk", filter=Q(name=REQUEST_CHANGES)),
        )
    )
    found = {_as_date(r["month"]): (r["approvals"], r["changes"]) for r in rows}
    return [MonthDecisions(month, *found.get(month, (0, 0))) for month in period.months()]


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@dataclass
class ReviewerLoad:
    reviewer_id: int
    name: str
    open: int = 0
    overdue: int = 0
    done: int = 0  # completed in the period
    median_turnaround: float | None = None  # seconds, assignment to completion


def open_assignments() -> Q:
    """An assignment the reviewer still has to do (the report's "open", and its list's)."""
    return Q(status=ReviewAssignment.Status.OPEN)


def overdue_assignments(today: datetime.date) -> Q:
    """An open assignment whose due date has passed (due today is not overdue yet)."""
    return open_assignments() & Q(due_on__lt=today)


def reviewer_workload(period: Period, today: datetime.date | None = None) -> list[ReviewerLoad]:
    """Each reviewer with an open assignment or one completed in ``period``.

    Turnaround is an assignment's ``assigned_at`` to its ``completed_at``, over the
    assignments done in the period (assignments, not the transition log, say who
    was asked and when).
    """
    today = today or timezone.localdate()
    done_in_period = Q(
        status=ReviewAssignment.Status.DONE,
        completed_at__gte=period.since,
        completed_at__lt=period.until,
    )
    is_open = open_assignments()
    rows = (
        ReviewAssignment.objects.filter(is_open | done_in_period)
        .order_by()
        .values("reviewer_id", "reviewer__username", "reviewer__first_name", "reviewer__last_name")
        .annotate(
            open=Count("pk", filter=is_open),
            overdue=Count("pk", filter=overdue_assignments(today)),
            done=Count("pk", filter=done_in_period),
        )
    )
    loads = {
        r["reviewer_id"]: ReviewerLoad(
            reviewer_id=r["reviewer_id"],
            name=_person(
                r["reviewer__first_name"], r["reviewer__last_name"], r["reviewer__username"]
            ),
            open=r["open"],
            overdue=r["overdue"],
            done=r["done"],
        )
        for r in rows
    }
    values = (
        f"SELECT reviewer_id AS grp, {_seconds_between('assigned_at', 'completed_at')} AS secs "
        f"FROM {ReviewAssignment._meta.db_table} "
        "WHERE status = %s AND completed_at >= %s AND completed_at < %s"
    )
    medians = run_sql(
        _percentile_sql(values, "reviewer", (0.5,)),
        [ReviewAssignment.Status.DONE, _dt(period.since), _dt(period.until)],
    )
    for reviewer_id, _n, median in medians:
        if reviewer_id in loads:
            loads[reviewer_id].median_turnaround = median
    return sorted(loads.values(), key=lambda load: (-load.overdue, -load.open, load.name))


def reviewer_get_name(*, reviewer_id: int) -> str | None:
    """The reviewer's name as "reviewers" shows it, or None when there is no such user."""
    found = (
        get_user_model()
        .objects.filter(pk=reviewer_id)
        .values_list("first_name", "last_name", "username")
        .first()
    )
    return _person(*found) if found else None


def _person(first_name: str, last_name: str, username: str) -> str:
    return f"{first_name} {last_name}".strip() or username


@dataclass(frozen=True)
class AgingArticle:
    pk: int
    title: str
    approved_at: datetime.datetime
    days: int


def aging_approved(now: datetime.datetime | None = None, limit: int = AGING_ROWS):
    """Approved articles whose approval is oldest, oldest first."""
    now = now or timezone.now()
    rows = (
        Article.objects.filter(state=ArticleState.APPROVED, published_version__isnull=False)
        .order_by("published_version__approved_at", "pk")
        .values_list("pk", "title", "published_version__approved_at")[:limit]
    )
    return [AgingArticle(pk, title, at, (now - at).days) for pk, title, at in rows]


@dataclass
class Reports:
    period: Period
    states: list[StateCount] = field(default_factory=list)
    times: list[StateTime] = field(default_factory=list)
    months: list[MonthDecisions] = field(default_factory=list)
    reviewers: list[ReviewerLoad] = field(default_factory=list)
    aging: list[AgingArticle] = field(default_factory=list)


def reports_get(*, period: Period) -> Reports:
    """Every report for the desk's reports page: six queries, however many articles."""
    return Reports(
        period=period,
        states=articles_per_state(),
        times=time_in_state(period),
        months=decisions_per_month(period),
        reviewers=reviewer_workload(period),
        aging=aging_approved(),
    )
