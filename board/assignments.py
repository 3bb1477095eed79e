"""The round's review assignments, moved by the workflow: closed, cancelled, returned, reopened.

``articles.services`` calls these in the transaction of each workflow step
(approval, withdrawal, retraction, a request for changes, a resubmission). They
write the board's own rows only; what the article's audit log says of them is
written by the step that called them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from articles.models import Article
from board.models import ReviewAssignment
from board.rules import assignment_refusal
from notifications.services import notify

# Assignments that still ask something of their reviewer: now, or once the editor resubmits.
WAITING = (ReviewAssignment.Status.OPEN, ReviewAssignment.Status.RETURNED)


def assignments_complete(*, article: Article, reviewer) -> int:
    """The reviewer gave the board's decision (approved or requested changes): their work is done.

    Called by the workflow services in their transaction; how many assignments it closed.
    """
    return ReviewAssignment.objects.filter(
        article=article, reviewer=reviewer, status=ReviewAssignment.Status.OPEN
    ).update(status=ReviewAssignment.Status.DONE, completed_at=timezone.now())


def assignments_cancel_open(*, article: Article, by=None, reason: str = "") -> int:
    """The article left review (approved, withdrawn or retracted): the assignments still open
    on it, or waiting for a resubmission, are cancelled, so no reviewer is reminded of, or
    counted as busy with, work that no longer waits for them.

    Called by the workflow services in their transaction; how many it cancelled.
    """
    rows = list(
        ReviewAssignment.objects.select_for_update().filter(article=article, status__in=WAITING)
    )
    now = timezone.now()
    for row in rows:
        row.status, row.completed_at = ReviewAssignment.Status.CANCELLED, now
        assignment_save(row, by=by, reason=reason or "Cancelled: the article left review")
    return len(rows)


def days_allowed(due_on: datetime.date) -> int:
    """The days an editor-in-chief gives for one round: from today to the due date, at least 1."""
    return max(1, (due_on - timezone.localdate()).days)


def person_name(user) -> str:
    return user.get_full_name() or user.username


def day_text(value: datetime.date) -> str:
    return f"{value:%B} {value.day}, {value:%Y}"


def assignment_save(assignment: ReviewAssignment, *, by, reason: str) -> None:
    """Save with who and why for the assignment's history."""
    assignment._history_user = by
    # The history keeps a short reason; the full one is in the article's audit log.
    assignment._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"
    assignment.save()


def reviewer_tell(
    assignment: ReviewAssignment, *, article: Article, by, kind: str, subject: str, body: str
) -> None:
    """Tell the assignment's reviewer (their desk list, and mail as they chose)."""
    notify(
        recipients=[assignment.reviewer],
        kind=kind,
        article=article,
        subject=subject,
        body=body,
        actor=by,
    )


def assignments_return(*, article: Article, by) -> list[ReviewAssignment]:
    """A reviewer requested changes: the round's assignments wait for the resubmission.

    Everyone asked to review this round is asked again for the next: each open
    assignment closes (the requester's as done, since their decision is made and the
    reports count it; the others' as cancelled), and a returned assignment waits for the
    editor for each of those reviewers and each who approved this round. It opens
    again, with a new due date, when the article is resubmitted (``assignments_reopen``).
    Called by ``article_request_changes`` in its transaction; the returned ones.
    """
    now = timezone.now()
    this_round = ReviewAssignment.objects.select_for_update().filter(article=article)
    open_rows = list(this_round.filter(status=ReviewAssignment.Status.OPEN))
    # A reviewer who approved this round and was outvoted is asked again too: their
    # approval counts in this round only.
    approved_rows = list(
        this_round.filter(status=ReviewAssignment.Status.DONE, review_round=article.review_round)
    )
    for row in open_rows:
        mine = row.reviewer_id == by.pk
        row.status = ReviewAssignment.Status.DONE if mine else ReviewAssignment.Status.CANCELLED
        row.completed_at = now
        assignment_save(
            row,
            by=by,
            reason="Changes requested"
            if mine
            else f"Changes requested by {person_name(by)}: carried to the next round",
        )
    carried = {}
    for row in [*open_rows, *approved_rows]:
        if row.reviewer_id in carried:
            continue
        successor = ReviewAssignment(
            article=article,
            reviewer_id=row.reviewer_id,
            assigned_by_id=row.assigned_by_id,
            assigned_at=now,
            due_on=row.due_on,  # set anew when the article is resubmitted
            status=ReviewAssignment.Status.RETURNED,
            review_round=article.review_round + 1,
            days_allowed=row.days_allowed,
        )
        assignment_save(successor, by=by, reason="Waits for the editor's resubmission")
        carried[row.reviewer_id] = successor
    return list(carried.values())


@dataclass(frozen=True)
class Reopening:
    """What a resubmission did to the returned assignments, and what the audit log says of it."""

    reopened: list[ReviewAssignment]
    # One line per reviewer asked again or not; None when no assignment was waiting.
    audit_comment: str | None


def assignments_reopen(*, article: Article, by) -> Reopening:
    """The editor resubmitted: each returned assignment opens again for the same reviewer.

    It is due ``days_allowed`` days from today and starts its reminders afresh. A
    reviewer who may no longer be assigned the article (off the board, every credential
    expired, a declared conflict, or an editor of this revision) has theirs cancelled,
    with the reason. Each reviewer asked again is told, and the article's audit log says
    who was. Called by ``article_submit`` in its transaction, which writes that audit row.
    """
    rows = list(
        ReviewAssignment.objects.select_for_update()
        .filter(article=article, status=ReviewAssignment.Status.RETURNED)
        .select_related("reviewer")
    )
    if not rows:
        return Reopening(reopened=[], audit_comment=None)
    now, today = timezone.now(), timezone.localdate()
    reopened, lines = [], []
    for row in rows:
        name = person_name(row.reviewer)
        if refusal := assignment_refusal(article, row.reviewer):
            row.status, row.completed_at = ReviewAssignment.Status.CANCELLED, now
            assignment_save(row, by=by, reason=f"Not reopened: {refusal}")
            lines.append(f"Not returned to {name}: {refusal}")
            continue
        row.status = ReviewAssignment.Status.OPEN
        row.assigned_at = now
        row.due_on = today + datetime.timedelta(days=row.days_allowed)
        row.review_round = article.review_round
        row.reminded_at = row.escalated_at = None
        assignment_save(
            row,
            by=by,
            reason=f"Reopened for round {row.review_round}, due {row.due_on:%Y-%m-%d}",
        )
        reopened.append(row)
        lines.append(f"Returned to {name} for round {row.review_round}, due {row.due_on:%Y-%m-%d}")
        reviewer_tell(
            row,
            article=article,
            by=by,
            subject=f"Resubmitted for your review: {article.title}",
            body=(
                f'"{article.title}" has been resubmitted after the changes the board '
                f"requested. You are asked to review it again by {day_text(row.due_on)}."
            ),
            kind="assigned",
        )
    return Reopening(reopened=reopened, audit_comment="; ".join(lines) + ".")
