"""Reads for the desk: the work lists of the dashboard, each one query whatever its length."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.utils import timezone

from articles import steps
from articles.identifiers import normalise_doi, normalise_pmid
from articles.models import (
    Article,
    ArticleApproval,
    ArticleReference,
    Citation,
    ClaimReview,
    Reference,
)
from articles.policy import is_editor, is_editor_in_chief, is_reviewer, sign_off_refusals
from articles.states import PENDING_STATES, ArticleState
from public.models import FollowUpQuestion


def desk_articles() -> QuerySet[Article]:
    """Articles with what every desk list shows: authors, reviewer, approved version."""
    return Article.objects.select_related(
        "created_by", "assigned_reviewer", "changes_requested_by", "published_version"
    )


# A resubmission returns to the reviewer who requested the changes: it is listed
# under their "Reviews assigned to me" and left out of everyone's general queue,
# unless that reviewer's account is no longer active (then the whole board sees
# it again). Any other reviewer may still start its review from the article page.
RETURNED_TO_SOMEONE = Q(changes_requested_by__isnull=False, changes_requested_by__is_active=True)


def _open_assignments(**conditions):
    """The outer article's open review assignments (``board.ReviewAssignment``)."""
    from board.models import ReviewAssignment

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
        .filter(~Exists(_open_assignments()))
        .order_by("queued_at", "pk")
    )


def article_list_due_for_rereview(now: datetime.datetime | None = None) -> QuerySet[Article]:
    """Approved articles whose last approval is older than their re-review period, oldest first.

    The period is per article, in the query (``_due_for_rereview``): the shortest its
    topics set, else REREVIEW_AFTER_DAYS. 2 queries: the periods in use, the list.
    """
    return (
        desk_articles()
        .filter(_due_for_rereview(now or timezone.now(), _topic_rereview_periods()))
        .order_by("published_version__approved_at", "pk")
    )


def _topic_rereview_periods() -> set[int]:
    """The re-review periods the topics set (``Specialty.rereview_after_days``; 1 query)."""
    from board.models import Specialty

    return set(
        Specialty.objects.filter(rereview_after_days__isnull=False)
        .order_by()
        .values_list("rereview_after_days", flat=True)
        .distinct()
    )


def _due_for_rereview(now: datetime.datetime, topic_periods: set[int]) -> Q:
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
    """
    open_assignments = _open_assignments(reviewer=user)
    under_review_by_user = Q(state=ArticleState.UNDER_REVIEW, assigned_reviewer=user)
    returned_to_user = Q(state=ArticleState.SUBMITTED, changes_requested_by=user)
    assigned_to_user = Q(
        Exists(open_assignments),
        state__in=[ArticleState.SUBMITTED, ArticleState.UNDER_REVIEW],
    )
    return (
        desk_articles()
        .filter(under_review_by_user | returned_to_user | assigned_to_user)
        .annotate(due_on=Subquery(open_assignments.order_by("due_on").values("due_on")[:1]))
        .annotate(
            overdue=ExpressionWrapper(
                Q(due_on__lt=timezone.localdate()), output_field=BooleanField()
            )
        )
        .order_by("queued_at", "pk")
    )


def article_list_returned_to_editor(user) -> QuerySet[Article]:
    """Drafts by ``user`` the board sent back with changes requested, longest-waiting first."""
    return (
        desk_articles()
        .filter(state=ArticleState.DRAFT, contributors=user, last_transition=steps.REQUEST_CHANGES.name)
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


@dataclass
class WorkList:
    """The first rows of one work list, and how many there are in all."""

    rows: list = field(default_factory=list)
    total: int = 0

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _first_rows(queryset: QuerySet, limit: int = DASHBOARD_ROWS) -> WorkList:
    """The first ``limit`` rows, and the list's full length (2 queries, both on indexes).

    A window count in the same query would be one query, but it makes the
    database build every joined row of a long queue before the LIMIT.
    """
    return WorkList(rows=list(queryset[:limit]), total=queryset.count())


# -- The editor-in-chief's queue ------------------------------------------------------
# What waits on an editor-in-chief: articles in review nobody is assigned, assignments
# overdue or due within the week, articles sent back whose reviewers wait for the
# editor, and approved articles due for re-review. Each list's first rows and length are
# one query whatever its length; the desk header counts them all in one more.

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
    from board.models import ReviewAssignment

    return ReviewAssignment.objects.filter(status=status, **conditions).values("article_id")


def _chief_conditions(now: datetime.datetime, topic_periods: set[int]) -> dict[str, Q]:
    """Each chief's list as one condition on articles, so a list and its count agree.

    An article is in each list at most once: the conditions ask whether an assignment
    exists, and join none. "Overdue" and "Due this week" part on the earliest open due
    date, so an article is in one of them at most.
    """
    from board.models import ReviewAssignment

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
        "due": _due_for_rereview(now, topic_periods),
    }


def _first_open_due_on():
    """The due date of the outer article's open assignment due first."""
    return Subquery(_open_assignments().order_by("due_on", "pk").values("due_on")[:1])


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
    how many rows each list holds (one query a list).

    Only what the order needs is read, so the joins and annotations the tables need
    are worked out for the rows shown alone (``_chief_rows``). The count comes with
    the rows (a window over the whole list): to put them in order the database goes
    through every row of the list anyway.
    """
    first_due = _first_open_due_on()
    ids, totals = {}, {}
    for name, condition in conditions.items():
        order = CHIEF_ORDER[name]
        articles = Article.objects.filter(condition)
        if "due_on" in order:
            articles = articles.annotate(due_on=first_due)
        first = list(
            articles.annotate(total=Window(Count("pk")))
            .order_by(*order)
            .values_list("pk", "total")[:limit]
        )
        ids[name] = [pk for pk, _total in first]
        totals[name] = first[0][1] if first else 0
    return ids, totals


def _person_named(first_name: str, last_name: str, username: str) -> str:
    return f"{first_name} {last_name}".strip() or username


def _chief_rows(ids: set[int]) -> dict[int, Article]:
    """The articles the chief's tables show, with what they show of them (2 queries).

    ``due_on``: the open assignment due first; ``assignee``: its reviewer, else (sent
    back) the reviewer the resubmission waits for; ``assignees``: how many open
    assignments the article has.
    """
    from board.models import ReviewAssignment

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
            row.assignee = _person(row.changes_requested_by)
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
    """How many articles each chief's list holds, in one query.

    A count subquery per list, so each is worked out on its own indexes rather than
    all of them on every article; they are read off one row of the articles table
    (no article at all: every count is 0).
    """
    counts = {
        name: Subquery(
            Article.objects.filter(condition)
            .order_by()
            .annotate(n=Func(F("pk"), function="COUNT"))
            .values("n"),
            output_field=IntegerField(),
        )
        for name, condition in conditions.items()
    }
    row = Article.objects.order_by().values(**counts)[:1]
    return next(iter(row), dict.fromkeys(conditions, 0))


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
    conditions = _chief_conditions(now, _topic_rereview_periods())
    return ChiefQueue(**_chief_work_lists(now, conditions, CHIEF_ROWS))


def chief_list_get(*, anchor: str, now: datetime.datetime | None = None) -> WorkList | None:
    """One of the editor-in-chief's lists, named by its anchor, up to CHIEF_LIST_ROWS rows
    (4 queries); None when there is no such list."""
    names = {anchor: name for name, anchor, _label in CHIEF_LISTS}
    if anchor not in names:
        return None
    now = now or timezone.now()
    name = names[anchor]
    condition = _chief_conditions(now, _topic_rereview_periods())[name]
    return _chief_work_lists(now, {name: condition}, CHIEF_LIST_ROWS)[name]


def chief_queue_counts(*, now: datetime.datetime | None = None) -> list[tuple[str, str, int]]:
    """(anchor, label, count) of each of the editor-in-chief's lists (2 queries)."""
    totals = _chief_totals(_chief_conditions(now or timezone.now(), _topic_rereview_periods()))
    return [(anchor, label, totals[name]) for name, anchor, label in CHIEF_LISTS]


@dataclass
class Dashboard:
    """The desk's home page: the lists a user's roles call for, in a fixed number of queries."""

    drafts: WorkList = field(default_factory=WorkList)
    changes_requested: WorkList = field(default_factory=WorkList)  # "Returned to me"
    in_review: WorkList = field(default_factory=WorkList)
    my_due: WorkList = field(default_factory=WorkList)
    waiting: WorkList = field(default_factory=WorkList)
    assigned: WorkList = field(default_factory=WorkList)
    due: WorkList = field(default_factory=WorkList)
    questions: WorkList = field(default_factory=WorkList)
    flagged: WorkList = field(default_factory=WorkList)  # retraction screening
    # The reviewer's own credentials that have expired or expire within 30 days.
    credentials_to_renew: list = field(default_factory=list)
    # The editor-in-chief's lists; its "Due for re-review" is the board's ``due``.
    chief: ChiefQueue | None = None
    show_editor_lists: bool = False
    show_reviewer_lists: bool = False

    @property
    def show_chief_lists(self) -> bool:
        return self.chief is not None

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(anchor, label, count) for the summary at the top, in page order."""
        rows = list(self.chief.counts) if self.chief is not None else []
        if self.show_editor_lists or self.show_reviewer_lists:
            rows.append(("flagged", "Flagged by retraction screening", self.flagged.total))
        if self.show_editor_lists:
            rows += [
                ("changes", "Returned to me", self.changes_requested.total),
                ("drafts", "My drafts", self.drafts.total),
                ("in-review", "My articles in review", self.in_review.total),
                ("my-due", "Mine approved, due for re-review", self.my_due.total),
            ]
        if self.show_reviewer_lists:
            rows += [
                ("waiting", "Waiting for review", self.waiting.total),
                ("assigned", "Reviews assigned to me", self.assigned.total),
            ]
            if self.chief is None:
                rows.append(("due", "Due for re-review", self.due.total))
        if self.show_editor_lists:
            rows.append(("questions", "Readers' questions", self.questions.total))
        return rows


def dashboard_get(*, user) -> Dashboard:
    """What ``user`` has to do: two queries per list (the chief's, 8 for all five), however
    many articles there are."""
    board = Dashboard(show_editor_lists=is_editor(user), show_reviewer_lists=is_reviewer(user))
    if is_editor_in_chief(user):
        board.chief = chief_queue_get()
        board.due = board.chief.due
    if board.show_editor_lists or board.show_reviewer_lists:
        from screening.selectors import article_list_flagged

        board.flagged = _first_rows(article_list_flagged())
    if board.show_editor_lists:
        mine = desk_articles().filter(state=ArticleState.DRAFT, contributors=user).order_by("-pk")
        board.changes_requested = _first_rows(article_list_returned_to_editor(user))
        board.drafts = _first_rows(mine.exclude(last_transition=steps.REQUEST_CHANGES.name))
        board.in_review = _first_rows(article_list_in_review_for_editor(user))
        board.my_due = _first_rows(article_list_due_for_rereview_by_editor(user))
        board.questions = _first_rows(followup_list_new())
    if board.show_reviewer_lists:
        board.waiting = _first_rows(article_list_waiting_for_review())
        board.assigned = _first_rows(article_list_assigned_to(user))
        if board.chief is None:
            board.due = _first_rows(article_list_due_for_rereview())
        from board.selectors import credential_list_to_renew

        board.credentials_to_renew = list(credential_list_to_renew(user=user))
    return board


def article_list_all(*, state: str = "", query: str = "") -> QuerySet[Article]:
    """Every article, newest first, optionally narrowed by state and a words-in-title search."""
    articles = desk_articles().order_by("-pk")
    if state in ArticleState.values:
        articles = articles.filter(state=state)
    for word in query.split():
        articles = articles.filter(Q(title__icontains=word) | Q(slug__icontains=word))
    return articles


def followup_list_new():
    """Readers' follow-up questions nobody has handled yet, oldest first, with their article."""
    return (
        FollowUpQuestion.objects.filter(status=FollowUpQuestion.Status.NEW)
        .select_related("article")
        .order_by("created_at", "pk")
    )


@dataclass
class ClaimRow:
    """One claim as the desk shows it: its citations, and the board's word on it as it now reads."""

    claim: object
    number: int
    citations: list
    reviews: list
    fingerprint: str  # of what readers see of the claim now (``articles.reviewed``)
    # Reviewers who may not sign off the revision now (``policy.sign_off_refusals``): a
    # contributor, a recused reviewer, an expired credential... Their verdicts do not count.
    not_counted: set = field(default_factory=set)
    # Why, for each reviewer with a verdict on the article ("" when theirs count).
    refusals: dict = field(default_factory=dict)

    @property
    def current_reviews(self) -> list:
        """Verdicts on the claim exactly as it now reads, by reviewers who may still give them."""
        return [
            r
            for r in self.reviews
            if r.content_hash == self.fingerprint and r.reviewer_id not in self.not_counted
        ]

    @property
    def latest_review(self):
        current = self.current_reviews
        return current[-1] if current else None

    @property
    def last_review(self):
        """The board's latest word on the claim, current or given on what it said before."""
        return self.reviews[-1] if self.reviews else None

    @property
    def last_review_is_current(self) -> bool:
        return self.last_review is not None and self.last_review in self.current_reviews

    @property
    def verdict(self) -> str:
        """The verdict on the claim as it now reads ("" when none, or only on what it said before)."""
        review = self.latest_review
        return review.verdict if review is not None else ""

    @property
    def changed_since_review(self) -> bool:
        """Reviewed before, but it (or a reference it cites) has changed since."""
        return bool(self.reviews) and not self.current_reviews

    @property
    def unresolved(self) -> list[str]:
        return [c.unresolved_label for c in self.citations if c.reference_id is None]


def claim_list_for_desk(*, article: Article) -> list[ClaimRow]:
    """The article's claims with citations, references and reviews (4 queries, 4 more with verdicts)."""
    claims = article.claims.prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("reference")),
        Prefetch(
            "reviews",
            queryset=ClaimReview.objects.select_related("reviewer").order_by("created_at", "pk"),
        ),
    )
    claims = list(claims)
    # Verdicts count only while their reviewer may still give them (the sign-off rule).
    refusals = sign_off_refusals(
        article, {r.reviewer_id for claim in claims for r in claim.reviews.all()}
    )
    not_counted = {uid for uid, refusal in refusals.items() if refusal}
    return [
        ClaimRow(
            claim=claim,
            number=number,
            citations=list(claim.citations.all()),
            reviews=list(claim.reviews.all()),
            fingerprint=claim.fingerprint(),
            not_counted=not_counted,
            refusals=refusals,
        )
        for number, claim in enumerate(claims, start=1)
    ]


def _person(user) -> str:
    return user.get_full_name() or user.username


def sign_offs_not_counted(*, article: Article, rows: list[ClaimRow], fingerprint: str) -> list[str]:
    """Why verdicts and approvals given for the content as it reads no longer count, one line
    per signer ("Dr X's approval no longer counts: credential expired on 2026-12-01.").

    Under review only; 1 query, and 4 more when an approver gave no verdict.
    """
    if article.state != ArticleState.UNDER_REVIEW:
        return []
    refusals = rows[0].refusals if rows else {}
    verifiers = {
        r.reviewer_id: r.reviewer
        for row in rows
        for r in row.reviews
        if r.content_hash == row.fingerprint and r.verdict == ClaimReview.Verdict.VERIFIED
    }
    approvers = {
        a.reviewer_id: a.reviewer
        for a in ArticleApproval.objects.filter(
            article=article, review_round=article.review_round, content_hash=fingerprint
        ).select_related("reviewer")
    }
    if unknown := approvers.keys() - refusals.keys():
        refusals = {**refusals, **sign_off_refusals(article, unknown)}
    lines = [
        f"{_person(user)}’s approval no longer counts: {refusals[uid]}."
        for uid, user in approvers.items()
        if refusals[uid]
    ]
    lines += [
        f"{_person(user)}’s verdicts no longer count: {refusals[uid]}."
        for uid, user in verifiers.items()
        if refusals.get(uid)
    ]
    return lines


def reference_search(*, query: str, limit: int = 20):
    """Library entries matching a DOI, a PMID or all the words given, in one query."""
    query = query.strip()
    if not query:
        return Reference.objects.none()
    current = Reference.objects.filter(is_current=True)
    doi, pmid = normalise_doi(query), normalise_pmid(query)
    found = current.filter(
        (Q(doi=doi) if doi else Q(pk__in=[])) | (Q(pmid=pmid) if pmid else Q(pk__in=[]))
    )
    words = Q()
    for word in query.split():
        matches = Q(title__icontains=word) | Q(source__icontains=word) | Q(authors__icontains=word)
        if word.isdigit() and len(word) == 4:
            matches |= Q(year=int(word))
        words &= matches
    return (found | current.filter(words)).distinct().order_by("title", "year")[:limit]


@dataclass
class ReferenceChoices:
    """What a citation picker offers for one article, in the order it offers it.

    ``cited``: the references the article cites, in order of first citation (the
    rows cited, as reviewed); ``shelf``: those put by for it and not cited yet, in
    the order they were added (a reference changed since shows as its current
    version); ``library``: other current library entries matching the query.
    Each reference appears in one list only.
    """

    cited: list = field(default_factory=list)
    shelf: list = field(default_factory=list)
    library: list = field(default_factory=list)

    def __iter__(self):
        return iter([*self.cited, *self.shelf, *self.library])


def article_reference_choices(*, article: Article, query: str = "", limit: int = 20):
    """The references to offer when citing in ``article``: cited, shelf, then library matches.

    Two queries, three with a query (``reference_search``), however many there are.
    """
    citations = (
        Citation.objects.filter(claim__article=article, reference__isnull=False)
        .select_related("reference")
        .order_by("claim__position", "claim__pk", "position", "pk")
    )
    cited = list({c.reference_id: c.reference for c in citations}.values())
    seen = {reference.pk for reference in cited}
    shelf = []
    entries = ArticleReference.objects.filter(article=article).select_related(
        "reference", "reference__replaced_by"
    )
    for entry in entries:
        reference = entry.reference
        # Copy-on-write made a newer version of it: cite that one (one step is the usual case).
        while not reference.is_current and hasattr(reference, "replaced_by"):
            reference = reference.replaced_by
        if reference.pk not in seen and entry.reference_id not in seen:
            seen.update({reference.pk, entry.reference_id})
            shelf.append(reference)
    library = [r for r in reference_search(query=query, limit=limit) if r.pk not in seen]
    return ReferenceChoices(cited=cited, shelf=shelf, library=library)
