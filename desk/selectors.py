"""Reads for the desk: the work lists of the dashboard, each one query whatever its length.

The editor-in-chief's lists are in ``desk.chief_queue``, the dashboard that gathers
every list a user's roles call for in ``desk.dashboard``, the claims of the review
screen in ``desk.claim_rows`` and the citation picker's offer in
``desk.reference_choices``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from answers.models import FollowUpAnswer
from articles import steps
from articles.models import Article
from articles.states import ArticleState
from board.models import ReviewAssignment, Specialty
from public.models import FollowUpQuestion


def person_name(user) -> str:
    """How the desk names a colleague: full name, else user name."""
    return user.get_full_name() or user.username


def _named(relation: str) -> tuple[str, ...]:
    return tuple(f"{relation}__{name}" for name in ("username", "first_name", "last_name"))


# What a desk list shows of an article (``desk/_article_table.html``) and nothing more: a
# long queue would read every listed article's whole approved snapshot, and each column
# read is one more to build for every row of every list on every visit.
DESK_ROW_FIELDS = (
    "title",
    "slug",
    "state",
    "queued_at",
    "last_transition",
    "last_transition_at",
    "last_updated",
    *_named("created_by"),
    *_named("assigned_reviewer"),
    *_named("changes_requested_by"),
    "published_version__approved_at",
)


def desk_articles() -> QuerySet[Article]:
    """Articles with what every desk list shows: authors, reviewer, approved version."""
    return Article.objects.select_related(
        "created_by", "assigned_reviewer", "changes_requested_by", "published_version"
    ).only(*DESK_ROW_FIELDS)


# A resubmission returns to the reviewer who requested the changes: it is listed
# under their "Reviews assigned to me" and left out of everyone's general queue,
# unless that reviewer's account is no longer active (then the whole board sees
# it again). Any other reviewer may still start its review from the article page.
RETURNED_TO_SOMEONE = Q(changes_requested_by__isnull=False, changes_requested_by__is_active=True)


def open_assignments(**conditions):
    """The outer article's open review assignments (``board.ReviewAssignment``)."""
    return ReviewAssignment.objects.filter(
        article=OuterRef("pk"), status=ReviewAssignment.Status.OPEN, **conditions
    )


def article_list_waiting_for_review() -> QuerySet[Article]:
    """Submitted articles nobody has started reviewing, returned to nobody and assigned to
    nobody, oldest first.

    An article an editor-in-chief assigned is its reviewers' ("Reviews assigned to
    me"), as a resubmission is the reviewer's who asked for the changes: listed here
    too, it would show twice on their desk.
    """
    return (
        desk_articles()
        .filter(state=ArticleState.SUBMITTED)
        .exclude(RETURNED_TO_SOMEONE)
        .filter(~Exists(open_assignments()))
        .order_by("queued_at", "pk")
    )


def article_list_due_for_rereview(now: datetime.datetime | None = None) -> QuerySet[Article]:
    """Approved articles whose last approval is older than their re-review period, oldest first.

    The period is per article, in the query (``due_for_rereview``): the shortest its
    topics set, else REREVIEW_AFTER_DAYS. 2 queries: the periods in use, the list.
    """
    return (
        desk_articles()
        .filter(due_for_rereview(now or timezone.now(), topic_rereview_periods()))
        .order_by("published_version__approved_at", "pk")
    )


def topic_rereview_periods() -> set[int]:
    """The re-review periods the topics set (``Specialty.rereview_after_days``; 1 query)."""
    return set(
        Specialty.objects.filter(rereview_after_days__isnull=False)
        .order_by()
        .values_list("rereview_after_days", flat=True)
        .distinct()
    )


def due_for_rereview(now: datetime.datetime, topic_periods: set[int]) -> Q:
    """Approved longer ago than the article's re-review period.

    An article's period is the shortest any of its topics sets, else REREVIEW_AFTER_DAYS.
    So it is due when a topic of its with period p was approved more than p days ago
    (the shortest such topic decides), or, with no topic setting a period, more than
    REREVIEW_AFTER_DAYS days ago. One condition per period in use keeps the date
    arithmetic out of the SQL, where SQLite and PostgreSQL differ; each asks a subquery
    the database runs once, not once per article.
    """
    topics = Article.topics.through.objects

    def approved_before(days: int) -> Q:
        return Q(published_version__approved_at__lt=now - datetime.timedelta(days=days))

    def with_topic(**period) -> Q:
        return Q(pk__in=topics.filter(**period).values("article_id"))

    due = approved_before(settings.REREVIEW_AFTER_DAYS) & ~with_topic(
        specialty__rereview_after_days__isnull=False
    )
    for days in sorted(topic_periods):
        due |= approved_before(days) & with_topic(specialty__rereview_after_days=days)
    # Nothing approved within the shortest period is due: asked first, it spares the rest.
    shortest = min(topic_periods | {settings.REREVIEW_AFTER_DAYS})
    return Q(state=ArticleState.APPROVED) & approved_before(shortest) & due


def article_list_assigned_to(user) -> QuerySet[Article]:
    """Articles ``user`` reviews, oldest first: the union of three rules.

    Under review by them (``assigned_reviewer``); resubmissions of articles they sent
    back (``changes_requested_by``); and an editor-in-chief's open assignment
    (``board.ReviewAssignment``), submitted or under review. Each row carries
    ``due_on``, the open assignment's due date, and ``overdue``.

    The rules are asked one by one and their ids joined (a UNION): each is then an
    index scan of its own, where one condition OR-ing them made the database read
    every submitted and every in-review article to test the third.
    """
    pending = [ArticleState.SUBMITTED, ArticleState.UNDER_REVIEW]
    under_review_by_user = Article.objects.filter(
        state=ArticleState.UNDER_REVIEW, assigned_reviewer=user
    )
    returned_to_user = Article.objects.filter(
        state=ArticleState.SUBMITTED, changes_requested_by=user
    )
    assigned_to_user = Article.objects.filter(
        state__in=pending,
        pk__in=ReviewAssignment.objects.filter(
            reviewer=user, status=ReviewAssignment.Status.OPEN
        ).values("article_id"),
    )
    ids = (
        under_review_by_user.order_by()
        .values("pk")
        .union(returned_to_user.order_by().values("pk"), assigned_to_user.order_by().values("pk"))
    )
    return article_rows_assigned_to(user).filter(pk__in=ids).order_by("queued_at", "pk")


def article_rows_assigned_to(user) -> QuerySet[Article]:
    """Articles as ``user``'s "Reviews assigned to me" shows them: with ``due_on``, their
    open assignment's due date, and ``overdue``."""
    theirs = open_assignments(reviewer=user)
    return (
        desk_articles()
        .annotate(due_on=Subquery(theirs.order_by("due_on").values("due_on")[:1]))
        .annotate(
            overdue=ExpressionWrapper(
                Q(due_on__lt=timezone.localdate()), output_field=BooleanField()
            )
        )
    )


def article_list_returned_to_editor(user) -> QuerySet[Article]:
    """Drafts by ``user`` the board sent back with changes requested, longest-waiting first."""
    return (
        desk_articles()
        .filter(
            state=ArticleState.DRAFT, contributors=user, last_transition=steps.REQUEST_CHANGES.name
        )
        .order_by("last_transition_at", "pk")
    )


def article_list_in_review_for_editor(user) -> QuerySet[Article]:
    """Articles by ``user`` submitted or under review, by when they were submitted, oldest first."""
    return (
        desk_articles()
        .filter(state__in=(ArticleState.SUBMITTED, ArticleState.UNDER_REVIEW), contributors=user)
        .order_by("queued_at", "pk")
    )


def article_list_due_for_rereview_by_editor(user, now=None) -> QuerySet[Article]:
    """Approved articles by ``user`` due for re-review, by when they were approved, oldest first."""
    return article_list_due_for_rereview(now).filter(contributors=user)


# Each dashboard list shows its first rows; the full lists are a click away.
DASHBOARD_ROWS = 25
# A list is counted up to this many rows, and written "500+" beyond: counting a queue of
# thousands to its end reads every row of it, for a figure nobody needs exactly.
COUNTED_UP_TO = 500


class AtLeast(int):
    """A count that stopped at its bound: the list holds this many rows or more ("500+")."""

    def __str__(self) -> str:
        return f"{int(self)}+"


def count_up_to(queryset: QuerySet, bound: int) -> Func:
    """How many rows ``queryset`` holds, up to ``bound + 1``, as a subquery the database
    runs once: it asks for one row more than it counts, in no order, and stops there."""
    return Func(
        Subquery(queryset.order_by().values("pk")[: bound + 1]),
        template="(SELECT COUNT(*) FROM %(expressions)s counted)",
        output_field=IntegerField(),
    )


def count_shown(counted: int, bound: int) -> int:
    """``counted`` as read by ``count_up_to``: exact up to ``bound``, AtLeast(bound) beyond."""
    return AtLeast(bound) if counted > bound else counted


@dataclass
class WorkList:
    """The first rows of one work list, and how many there are in all (an ``AtLeast`` when
    the list was counted only up to a bound)."""

    rows: list = field(default_factory=list)
    total: int = 0

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def more(self) -> int:
        more = max(self.total - len(self.rows), 0)
        return AtLeast(more) if isinstance(self.total, AtLeast) else more


def first_rows(
    queryset: QuerySet,
    limit: int = DASHBOARD_ROWS,
    bound: int | None = None,
    shown: QuerySet | None = None,
) -> WorkList:
    """The first ``limit`` rows, and the list's length up to ``bound``: 2 queries, 1 for an
    empty list.

    The first query reads the ids of the rows shown, in the list's order, with the
    count (``count_up_to``); the second reads those rows by id, joined to their
    authors, reviewers and versions: sorting a long list's joined rows cost most of
    its time. Reading the ids up to the bound in order, and counting them, would be
    one subquery less, but the planner then sorts the whole of a long list to walk
    500 rows of it (66 ms for "Due for re-review" at 100,000 articles, against 1).

    ``shown`` is what the rows are read from, by id, when it is not the list itself:
    the list's conditions chose them already, and asked again they are only more SQL
    to build and plan on every visit.
    """
    bound = COUNTED_UP_TO if bound is None else bound
    first = list(
        queryset.annotate(counted=count_up_to(queryset, bound)).values_list("pk", "counted")[:limit]
    )
    if not first:
        return WorkList()
    ids = [pk for pk, _counted in first]
    if shown is None:
        rows = list(queryset.filter(pk__in=ids))
    else:
        by_id = {row.pk: row for row in shown.filter(pk__in=ids).order_by()}
        rows = [by_id[pk] for pk in ids if pk in by_id]
    return WorkList(rows=rows, total=count_shown(first[0][1], bound))


def article_list_all(*, state: str = "", query: str = "") -> QuerySet[Article]:
    """Every article, newest first, optionally narrowed by state and a words-in-title search."""
    articles = desk_articles().order_by("-pk")
    if state in ArticleState.values:
        articles = articles.filter(state=state)
    for word in query.split():
        articles = articles.filter(Q(title__icontains=word) | Q(slug__icontains=word))
    return articles


def followup_list_new():
    """Readers' follow-up questions nobody has handled yet, with their article and answer.

    Those no reviewed claim answered come first, the most asked of them first (the same
    words in any order or ending: ``answers.text.question_key``), then the oldest; each
    carries ``asked``, how many new questions ask it. One query.
    """
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    same_question = (
        FollowUpAnswer.objects.filter(
            key=OuterRef("answer__key"), question__status=FollowUpQuestion.Status.NEW
        )
        .values("key")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        FollowUpQuestion.objects.filter(status=FollowUpQuestion.Status.NEW)
        .select_related("article", "answer")
        .annotate(
            asked=Coalesce(Subquery(same_question, output_field=IntegerField()), Value(1)),
            was_answered=Coalesce("answer__answered", Value(False)),
        )
        .order_by("was_answered", "-asked", "created_at", "pk")
    )
