"""The article's timeline at the desk: each event once, newest first, and what kind it is.

Four records say what happened to an article, and some events write two of them:

- a workflow step saves the article (a history row, with a short reason) and writes
  its audit row (``ArticleTransition``, with the whole comment). The two are one
  event: the audit row is shown, named by the history row's reason, and the history
  row is not listed again. A history row is a step's own save when it is the first
  to carry a new ``last_transition_at``, the moment ``_take_transition`` stamps;
- a "Needs change" verdict (``ClaimReview``) opens or joins the claim's thread with
  the same comment (a ``ThreadMessage``): one event, both a verdict and a thread's;
- every other history row is an edit, every other thread message a thread's event;
  the board's audit rows that move nothing (assigning reviewers, a recusal) are
  assignments.
"""

from __future__ import annotations

import datetime
from collections import defaultdict, deque
from dataclasses import dataclass

from articles import steps
from articles.models import Article, ArticleTransition, ClaimReview, ThreadMessage

WORKFLOW, VERDICTS, THREADS, EDITS, ASSIGNMENTS = (
    "workflow",
    "verdicts",
    "threads",
    "edits",
    "assignments",
)
ALL = "all"
# The kinds a reader may filter by, in the order the page offers them.
KINDS = {
    ALL: "Everything",
    WORKFLOW: "Workflow steps",
    VERDICTS: "Verdicts",
    THREADS: "Threads",
    EDITS: "Edits",
    ASSIGNMENTS: "Assignments",
}
# Each record kind is read up to this many rows back: the page stays quick on old articles.
LIMIT = 500

# Audit rows written without a save of the article, so without a history reason to name them.
BOARD_EVENTS = {
    "assign": ("Reviewers assigned", ASSIGNMENTS),
    "recuse": ("Recused: a conflict of interest", ASSIGNMENTS),
    steps.APPROVE.partial_name: ("Approval given; more are needed", WORKFLOW),
}


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime.datetime
    who: str
    what: str
    kinds: frozenset[str]
    detail: str = ""
    # The moment to open "View this version" at, for events that may change the content.
    version_at: datetime.datetime | None = None

    @property
    def kind(self) -> str:
        """The kind it is listed under first (a verdict that opened a thread: a verdict)."""
        return next(k for k in KINDS if k in self.kinds)


def timeline_list_for_article(*, article: Article) -> list[TimelineEvent]:
    """Every workflow step, verdict, thread message, edit and assignment, each once, newest
    first (5 queries)."""
    events = [
        *_steps_and_edits(article),
        *_verdicts_and_threads(article),
    ]
    return sorted(events, key=lambda e: e.when, reverse=True)


def timeline_filter(events: list[TimelineEvent], *, kind: str) -> list[TimelineEvent]:
    """The events of one kind (``ALL``: every event)."""
    return events if kind == ALL else [e for e in events if kind in e.kinds]


def timeline_counts(events: list[TimelineEvent]) -> dict[str, int]:
    """How many events each kind has, for the filter's labels."""
    counts = dict.fromkeys(KINDS, 0)
    counts[ALL] = len(events)
    for event in events:
        for kind in event.kinds:
            counts[kind] += 1
    return counts


def _steps_and_edits(article: Article) -> list[TimelineEvent]:
    # Oldest first, with one row more than shown: each row is compared with the one before.
    history = list(
        article.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : LIMIT + 1
        ]
    )[::-1]
    transitions = list(
        article.transitions.select_related("actor").order_by("-created_at", "-pk")[:LIMIT]
    )[::-1]
    waiting: dict[str, deque[ArticleTransition]] = defaultdict(deque)
    for transition in transitions:
        waiting[transition.name].append(transition)
    events: list[TimelineEvent] = []
    paired: set[int] = set()
    for previous, record in zip([None, *history], history, strict=False):
        if previous is None and len(history) > LIMIT:
            continue  # read only to compare the next one with
        stamped = record.last_transition_at
        is_step = (
            record.last_transition
            and stamped is not None
            and (previous is None or previous.last_transition_at != stamped)
        )
        transition = _audit_row_of(waiting[record.last_transition], stamped) if is_step else None
        reason = (
            record.history_change_reason
            or {"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type]
        )
        if transition is None:
            events.append(
                TimelineEvent(
                    when=record.history_date,
                    who=_name(record.history_user),
                    what=reason,
                    kinds=frozenset({WORKFLOW if is_step else EDITS}),
                    detail=f"Now {record.get_state_display().lower()}." if is_step else "",
                    version_at=record.history_date,
                )
            )
            continue
        paired.add(transition.pk)
        # The history keeps "Reason: comment" cut short; the audit row keeps the whole comment.
        what = reason.split(": ", 1)[0] if transition.comment else reason
        events.append(
            TimelineEvent(
                when=transition.created_at,
                who=_name(transition.actor),
                what=what,
                kinds=frozenset({WORKFLOW}),
                detail=transition.comment or f"Now {record.get_state_display().lower()}.",
                version_at=record.history_date,
            )
        )
    for transition in transitions:
        if transition.pk in paired:
            continue
        label, kind = BOARD_EVENTS.get(
            transition.name, (transition.name.replace("_", " ").capitalize(), WORKFLOW)
        )
        events.append(
            TimelineEvent(
                when=transition.created_at,
                who=_name(transition.actor),
                what=label,
                kinds=frozenset({kind}),
                detail=transition.comment,
            )
        )
    return events


def _audit_row_of(queue: deque, stamped: datetime.datetime) -> ArticleTransition | None:
    """The step's audit row: the first of its name written at or after the save's stamp."""
    while queue and queue[0].created_at < stamped:
        queue.popleft()  # a step whose save is beyond what is read
    return queue.popleft() if queue else None


def _verdicts_and_threads(article: Article) -> list[TimelineEvent]:
    numbers = {
        str(uid): n
        for n, uid in enumerate(
            article.claims.order_by("position", "pk").values_list("uid", flat=True), 1
        )
    }
    reviews = list(
        ClaimReview.objects.filter(claim__article=article)
        .select_related("reviewer", "claim")
        .order_by("-created_at", "-pk")[:LIMIT]
    )[::-1]
    messages = list(
        ThreadMessage.objects.filter(thread__article=article)
        .select_related("author", "thread")
        .order_by("-created_at", "-pk")[:LIMIT]
    )[::-1]
    # The message each "Needs change" wrote in its thread: same claim, reviewer and words,
    # written in the same transaction, so the first such one at or after the verdict.
    opening = {ThreadMessage.Event.OPENED, ThreadMessage.Event.REOPENED}
    candidates: dict[tuple, deque[ThreadMessage]] = defaultdict(deque)
    for message in messages:
        if message.event in opening:
            candidates[(str(message.thread.claim_uid), message.author_id, message.body)].append(
                message
            )
    said_with: dict[int, ThreadMessage] = {}
    for review in reviews:
        if review.verdict != ClaimReview.Verdict.NEEDS_CHANGE:
            continue
        queue = candidates.get((str(review.claim.uid), review.reviewer_id, review.comment))
        while queue and queue[0].created_at < review.created_at:
            queue.popleft()  # said before this verdict: a reopening of its own
        if queue:
            said_with[review.pk] = queue.popleft()
    events = []
    for review in reviews:
        claim = _claim_named(numbers, review.claim.uid)
        message = said_with.get(review.pk)
        if review.verdict == ClaimReview.Verdict.VERIFIED:
            what = f"Verified {claim}"
        elif message is None:
            what = f"Needs change on {claim}"
        elif message.event == ThreadMessage.Event.OPENED:
            what = f"Needs change on {claim}: thread opened"
        else:
            what = f"Needs change on {claim}: thread reopened"
        events.append(
            TimelineEvent(
                when=review.created_at,
                who=_name(review.reviewer),
                what=what,
                kinds=frozenset({VERDICTS, THREADS} if message is not None else {VERDICTS}),
                detail=review.comment,
            )
        )
    shown = {m.pk for m in said_with.values()}
    for message in messages:
        if message.pk in shown:
            continue
        claim = _claim_named(numbers, message.thread.claim_uid)
        events.append(
            TimelineEvent(
                when=message.created_at,
                who=_name(message.author),
                what=f"Thread on {claim}: {message.get_event_display().lower()}",
                kinds=frozenset({THREADS}),
                detail=message.body,
            )
        )
    return events


def _claim_named(numbers: dict[str, int], uid) -> str:
    number = numbers.get(str(uid))
    return f"claim {number}" if number is not None else "a removed claim"


def _name(user) -> str:
    if user is None:
        return "system"
    return user.get_full_name() or user.get_username()
