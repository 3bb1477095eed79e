"""The editor-in-chief's queue: what waits on them, each list's first rows and length.

Articles in review nobody is assigned, assignments overdue or due within the week,
articles sent back whose reviewers wait for the editor, and approved articles due for
re-review. Each list's first rows and length are one query whatever its length; the
desk header counts them all in one more.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from articles import steps
from articles.models import Article
from articles.states import PENDING_STATES, ArticleState
from board.models import ReviewAssignment
from desk.selectors import (
    COUNTED_UP_TO,
    RETURNED_TO_SOMEONE,
    WorkList,
    count_shown,
    count_up_to,
    due_for_rereview,
    open_assignments,
    person_name,
    topic_rereview_periods,
)

# "Due this week": due today or within the six days after.
DUE_SOON_DAYS = 7

# (list, anchor on the dashboard, label), in page order.
CHIEF_LISTS = (
    ("awaiting", "awaiting", "Awaiting assignment"),
    ("overdue", "overdue", "Overdue"),
    ("due_soon", "due-soon", "Due this week"),
    ("returned", "returned", "Returned to the editor"),
    ("due", "due", "Due for re-review"),
)


def _assignment_articles(status: str, **conditions) -> QuerySet:
    """Ids of the articles with an assignment in ``status`` matching ``conditions``.

    Not correlated: the database runs it once per query, however many articles it asks.
    """
    return ReviewAssignment.objects.filter(status=status, **conditions).values("article_id")


def _chief_conditions(now: datetime.datetime, topic_periods: set[int]) -> dict[str, Q]:
    """Each chief's list as one condition on articles, so a list and its count agree.

    An article is in each list at most once: the conditions ask whether an assignment
    exists, and join none. "Overdue" and "Due this week" part on the earliest open due
    date, so an article is in one of them at most.
    """
    OPEN, RETURNED = ReviewAssignment.Status.OPEN, ReviewAssignment.Status.RETURNED
    today = timezone.localdate(now)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    in_review = Q(state__in=PENDING_STATES)
    overdue = Q(pk__in=_assignment_articles(OPEN, due_on__lt=today))
    return {
        "awaiting": in_review & ~Q(pk__in=_assignment_articles(OPEN)),
        "overdue": in_review & overdue,
        "due_soon": in_review
        & Q(pk__in=_assignment_articles(OPEN, due_on__gte=today, due_on__lt=soon))
        & ~overdue,
        # Sent back, and a reviewer waits for the resubmission: by assignment, or as the
        # one who asked for the changes.
        "returned": Q(state=ArticleState.DRAFT, last_transition=steps.REQUEST_CHANGES.name)
        & (Q(pk__in=_assignment_articles(RETURNED)) | RETURNED_TO_SOMEONE),
        "due": due_for_rereview(now, topic_periods),
    }


def _first_open_due_on():
    """The due date of the outer article's open assignment due first."""
    return Subquery(open_assignments().order_by("due_on", "pk").values("due_on")[:1])


# What the chief's tables show of an article, and nothing more: its rows are read for
# five lists on every visit.
CHIEF_ROW_FIELDS = (
    "title",
    "state",
    "queued_at",
    "last_transition_at",
    "last_updated",
    "assigned_reviewer__username",
    "assigned_reviewer__first_name",
    "assigned_reviewer__last_name",
    "changes_requested_by__username",
    "changes_requested_by__first_name",
    "changes_requested_by__last_name",
    "published_version__approved_at",
)


# How each chief's list is ordered: oldest submission, earliest due date, longest
# waiting on the editor, oldest approval.
CHIEF_ORDER = {
    "awaiting": ("queued_at", "pk"),
    "overdue": ("due_on", "pk"),
    "due_soon": ("due_on", "pk"),
    "returned": ("last_transition_at", "pk"),
    "due": ("published_version__approved_at", "pk"),
}


def _chief_first_ids(
    conditions: dict[str, Q], limit: int
) -> tuple[dict[str, list[int]], dict[str, int]]:
    """The ids of the first ``limit`` rows of each list in ``conditions``, in order, and
    how many rows each list holds, up to COUNTED_UP_TO (one query a list).

    Only what the order needs is read, so the joins and annotations the tables need
    are worked out for the rows shown alone (``_chief_rows``). Each list is walked in
    its order on an index and stops at its first rows; the count is a subquery of its
    own that stops at its bound (``count_up_to``), where a count over the whole list
    (a window) made the database read every row of a long one.
    """
    first_due = _first_open_due_on()
    ids, totals = {}, {}
    for name, condition in conditions.items():
        order = CHIEF_ORDER[name]
        listed = Article.objects.filter(condition)
        articles = listed.annotate(due_on=first_due) if "due_on" in order else listed
        first = list(
            articles.annotate(counted=count_up_to(listed, COUNTED_UP_TO))
            .order_by(*order)
            .values_list("pk", "counted")[:limit]
        )
        ids[name] = [pk for pk, _counted in first]
        totals[name] = count_shown(first[0][1], COUNTED_UP_TO) if first else 0
    return ids, totals


def _person_named(first_name: str, last_name: str, username: str) -> str:
    return f"{first_name} {last_name}".strip() or username


def _chief_rows(ids: set[int]) -> dict[int, Article]:
    """The articles the chief's tables show, with what they show of them (2 queries).

    ``due_on``: the open assignment due first; ``assignee``: its reviewer, else (sent
    back) the reviewer the resubmission waits for; ``assignees``: how many open
    assignments the article has.
    """
    if not ids:
        return {}
    rows = {
        row.pk: row
        for row in Article.objects.filter(pk__in=ids)
        .select_related("assigned_reviewer", "changes_requested_by", "published_version")
        .only(*CHIEF_ROW_FIELDS)
    }
    for row in rows.values():
        row.due_on, row.assignee, row.assignees = None, "", 0
        if row.changes_requested_by is not None:
            row.assignee = person_name(row.changes_requested_by)
    Status = ReviewAssignment.Status
    waiting = ReviewAssignment.objects.filter(
        article_id__in=ids, status__in=[Status.OPEN, Status.RETURNED]
    ).values_list(
        "article_id",
        "status",
        "due_on",
        "pk",
        "reviewer__first_name",
        "reviewer__last_name",
        "reviewer__username",
    )
    named = set()
    # Open ones first, the one due first before the others.
    for article_id, status, due_on, _pk, *name in sorted(
        waiting, key=lambda w: (w[1] != Status.OPEN, w[2], w[3])
    ):
        row = rows.get(article_id)
        if row is None:
            continue
        if status == Status.OPEN:
            row.assignees += 1
            row.due_on = row.due_on or due_on
        if article_id not in named:
            named.add(article_id)
            row.assignee = _person_named(*name)
    return rows


def _chief_totals(conditions: dict[str, Q]) -> dict[str, int]:
    """How many articles each chief's list holds, up to COUNTED_UP_TO, in one query.

    A count subquery per list, so each is worked out on its own indexes rather than
    all of them on every article, and stops at its bound (``count_up_to``); they are
    read off one row of the articles table (no article at all: every count is 0).
    """
    counts = {
        name: count_up_to(Article.objects.filter(condition), COUNTED_UP_TO)
        for name, condition in conditions.items()
    }
    row = next(iter(Article.objects.order_by().values(**counts)[:1]), None)
    if row is None:
        return dict.fromkeys(conditions, 0)
    return {name: count_shown(counted, COUNTED_UP_TO) for name, counted in row.items()}


@dataclass
class ChiefQueue:
    """The editor-in-chief's lists: their first rows, and how many each holds."""

    awaiting: WorkList = field(default_factory=WorkList)
    overdue: WorkList = field(default_factory=WorkList)
    due_soon: WorkList = field(default_factory=WorkList)
    returned: WorkList = field(default_factory=WorkList)
    due: WorkList = field(default_factory=WorkList)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(anchor, label, count) of each list, in page order."""
        return [(anchor, label, getattr(self, name).total) for name, anchor, label in CHIEF_LISTS]


# The chief's dashboard shows the first rows of five lists; each list has a page of its own.
CHIEF_ROWS = 10
CHIEF_LIST_ROWS = 200


def _chief_work_lists(
    now: datetime.datetime, conditions: dict[str, Q], limit: int
) -> dict[str, WorkList]:
    """The first ``limit`` rows of each list in ``conditions``, and how many each holds."""
    today = timezone.localdate(now)
    ids, totals = _chief_first_ids(conditions, limit)
    rows = _chief_rows({pk for first in ids.values() for pk in first})
    for row in rows.values():
        row.overdue = row.due_on is not None and row.due_on < today
    return {
        name: WorkList(rows=[rows[pk] for pk in first if pk in rows], total=totals[name])
        for name, first in ids.items()
    }


def chief_queue_get(*, now: datetime.datetime | None = None) -> ChiefQueue:
    """The editor-in-chief's lists, their first rows and totals, however many articles:
    8 queries (the periods in use, each list's first ids and length, the articles shown
    and their assignments)."""
    now = now or timezone.now()
    conditions = _chief_conditions(now, topic_rereview_periods())
    return ChiefQueue(**_chief_work_lists(now, conditions, CHIEF_ROWS))


def chief_list_get(*, anchor: str, now: datetime.datetime | None = None) -> WorkList | None:
    """One of the editor-in-chief's lists, named by its anchor, up to CHIEF_LIST_ROWS rows
    (4 queries); None when there is no such list."""
    names = {anchor: name for name, anchor, _label in CHIEF_LISTS}
    if anchor not in names:
        return None
    now = now or timezone.now()
    name = names[anchor]
    condition = _chief_conditions(now, topic_rereview_periods())[name]
    return _chief_work_lists(now, {name: condition}, CHIEF_LIST_ROWS)[name]


def chief_queue_counts(*, now: datetime.datetime | None = None) -> list[tuple[str, str, int]]:
    """(anchor, label, count) of each of the editor-in-chief's lists (2 queries)."""
    totals = _chief_totals(_chief_conditions(now or timezone.now(), topic_rereview_periods()))
    return [(anchor, label, totals[name]) for name, anchor, label in CHIEF_LISTS]
