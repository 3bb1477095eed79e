"""Writes for running the board: declarations, assignments and article topics.

Each service takes keyword-only arguments, runs in one transaction, asks
``articles.policy``, records who and why, and queues its mail in the outbox in
the same transaction.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import policy
from articles.errors import WorkflowConflict
from articles.models import Article, ArticleTransition
from articles.states import ArticleState
from board.models import ConflictDeclaration, ReviewAssignment, Specialty
from board.rules import assignment_refusal
from editorial import observability
from notifications.services import notify

# Assignments that still ask something of their reviewer: now, or once the editor resubmits.
WAITING = (ReviewAssignment.Status.OPEN, ReviewAssignment.Status.RETURNED)


def _lock(article: Article) -> None:
    """Serialise board writes on one article, so a double click records one row, not an error."""
    Article.objects.select_for_update().filter(pk=article.pk).values_list("pk").first()


def _record(article: Article, *, name: str, by, comment: str) -> None:
    """An audit row for a board event; the article's state does not change."""
    ArticleTransition.objects.create(
        article=article,
        name=name,
        source=article.state,
        target=article.state,
        actor=by,
        comment=comment,
        revision=article.revision,
    )
    observability.workflow_event_record(
        article=article, name=name, source=article.state, target=article.state, actor=by
    )


@transaction.atomic
def conflict_declare(
    *, article: Article, by, has_conflict: bool, note: str = ""
) -> ConflictDeclaration:
    """A board reviewer declares no conflict, or a conflict (and is recused), with one article.

    A declaration is made once per article. "No conflict" may later become a
    conflict (the reviewer recuses themself); a declared conflict is final.
    A conflict cancels the reviewer's open assignment on the article and is
    written to its audit log.
    """
    policy.ensure(by, policy.DECLARE, article)
    _lock(article)
    note = (note or "").strip()
    if has_conflict and not note:
        raise ValidationError({"note": "Say what the conflict of interest is."})
    if len(note) > 2000:
        raise ValidationError({"note": "Keep the note to 2,000 characters."})
    declaration = (
        ConflictDeclaration.objects.select_for_update().filter(article=article, reviewer=by).first()
    )
    if declaration is not None and not declaration.has_conflict and not has_conflict:
        return declaration  # said already: nothing new to record
    if declaration is not None and declaration.has_conflict:
        raise ValidationError(
            "You already declared a conflict of interest with this article on "
            f"{timezone.localtime(declaration.declared_at):%B %d, %Y}."
        )
    if declaration is None:
        declaration = ConflictDeclaration(article=article, reviewer=by)
    declaration.has_conflict = has_conflict
    declaration.note = note
    declaration.declared_at = timezone.now()
    declaration._history_user = by
    declaration.full_clean()
    declaration.save()
    policy.forget_board_refusals(article)
    if has_conflict:
        ReviewAssignment.objects.filter(
            article=article, reviewer=by, status=ReviewAssignment.Status.OPEN
        ).update(status=ReviewAssignment.Status.CANCELLED, completed_at=timezone.now())
        if article.assigned_reviewer_id == by.pk:
            # Someone else takes the review over; the article stays under review.
            Article.objects.filter(pk=article.pk).update(assigned_reviewer=None)
            article.assigned_reviewer = None
        _record(article, name="recuse", by=by, comment=f"Declared a conflict of interest: {note}")
    # "No conflict" is kept in the declaration and its history, not in the workflow's log.
    return declaration


def _reviewer_named(user_id) -> object:
    try:
        return get_user_model().objects.get(pk=user_id)
    except (get_user_model().DoesNotExist, ValueError, TypeError):
        raise ValidationError({"reviewers": f"There is no reviewer with id {user_id!r}."}) from None


@transaction.atomic
def assignment_create(
    *, article: Article, reviewer_ids: list, due_on: datetime.date | None, by
) -> list[ReviewAssignment]:
    """An editor-in-chief asks one or more reviewers to review the article by a date.

    Every reviewer is checked before any is assigned: an unknown, expired,
    conflicted or contributing reviewer refuses the whole request with the reason.
    Each assigned reviewer is told at the desk, and by mail as they chose.
    """
    policy.ensure(by, policy.ASSIGN, article)
    _lock(article)
    errors = []
    if due_on is None:
        errors.append("Give a due date.")
    elif due_on < timezone.localdate():
        errors.append("The due date is in the past; choose today or a later day.")
    if not reviewer_ids:
        errors.append("Choose at least one reviewer.")
    reviewers = []
    for reviewer_id in dict.fromkeys(reviewer_ids):
        reviewer = _reviewer_named(reviewer_id)
        if refusal := assignment_refusal(article, reviewer):
            errors.append(refusal)
        elif ReviewAssignment.objects.filter(
            article=article, reviewer=reviewer, status=ReviewAssignment.Status.OPEN
        ).exists():
            name = reviewer.get_full_name() or reviewer.username
            errors.append(f"{name} is already assigned this article.")
        else:
            reviewers.append(reviewer)
    if errors:
        raise ValidationError(errors)
    created = []
    for reviewer in reviewers:
        assignment = ReviewAssignment(
            article=article,
            reviewer=reviewer,
            assigned_by=by,
            due_on=due_on,
            review_round=article.review_round,
            days_allowed=_days_allowed(due_on),
        )
        assignment._history_user = by
        assignment.save()
        created.append(assignment)
    notify(
        recipients=[a.reviewer for a in created],
        kind="assigned",
        article=article,
        subject=f"Assigned to you for review: {article.title}",
        body=(
            f'You have been asked to review "{article.title}" by '
            f"{due_on:%B} {due_on.day}, {due_on:%Y}.\n\n"
            "Declare first whether you have a conflict of interest with it."
        ),
        actor=by,
    )
    names = ", ".join(a.reviewer.get_full_name() or a.reviewer.username for a in created)
    _record(article, name="assign", by=by, comment=f"Assigned to {names}, due {due_on:%Y-%m-%d}")
    return created


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
        _assignment_save(row, by=by, reason=reason or "Cancelled: the article left review")
    return len(rows)


def _days_allowed(due_on: datetime.date) -> int:
    """The days an editor-in-chief gives for one round: from today to the due date, at least 1."""
    return max(1, (due_on - timezone.localdate()).days)


def _person(user) -> str:
    return user.get_full_name() or user.username


def _day(value: datetime.date) -> str:
    return f"{value:%B} {value.day}, {value:%Y}"


def _assignment_save(assignment: ReviewAssignment, *, by, reason: str) -> None:
    """Save with who and why for the assignment's history."""
    assignment._history_user = by
    # The history keeps a short reason; the full one is in the article's audit log.
    assignment._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"
    assignment.save()


def _reviewer_tell(
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
        _assignment_save(
            row,
            by=by,
            reason="Changes requested"
            if mine
            else f"Changes requested by {_person(by)}: carried to the next round",
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
        _assignment_save(successor, by=by, reason="Waits for the editor's resubmission")
        carried[row.reviewer_id] = successor
    return list(carried.values())


def assignments_reopen(*, article: Article, by) -> list[ReviewAssignment]:
    """The editor resubmitted: each returned assignment opens again for the same reviewer.

    It is due ``days_allowed`` days from today and starts its reminders afresh. A
    reviewer who may no longer be assigned the article (off the board, every credential
    expired, a declared conflict, or an editor of this revision) has theirs cancelled,
    with the reason. Each reviewer asked again is told, and the article's audit log says
    who was. Called by ``article_submit`` in its transaction; the reopened ones.
    """
    rows = list(
        ReviewAssignment.objects.select_for_update()
        .filter(article=article, status=ReviewAssignment.Status.RETURNED)
        .select_related("reviewer")
    )
    if not rows:
        return []
    now, today = timezone.now(), timezone.localdate()
    reopened, lines = [], []
    for row in rows:
        name = _person(row.reviewer)
        if refusal := assignment_refusal(article, row.reviewer):
            row.status, row.completed_at = ReviewAssignment.Status.CANCELLED, now
            _assignment_save(row, by=by, reason=f"Not reopened: {refusal}")
            lines.append(f"Not returned to {name}: {refusal}")
            continue
        row.status = ReviewAssignment.Status.OPEN
        row.assigned_at = now
        row.due_on = today + datetime.timedelta(days=row.days_allowed)
        row.review_round = article.review_round
        row.reminded_at = row.escalated_at = None
        _assignment_save(
            row,
            by=by,
            reason=f"Reopened for round {row.review_round}, due {row.due_on:%Y-%m-%d}",
        )
        reopened.append(row)
        lines.append(f"Returned to {name} for round {row.review_round}, due {row.due_on:%Y-%m-%d}")
        _reviewer_tell(
            row,
            article=article,
            by=by,
            subject=f"Resubmitted for your review: {article.title}",
            body=(
                f'"{article.title}" has been resubmitted after the changes the board '
                f"requested. You are asked to review it again by {_day(row.due_on)}."
            ),
            kind="assigned",
        )
    _record(article, name="reassign", by=by, comment="; ".join(lines) + ".")
    return reopened


def _assignment_locked(assignment: ReviewAssignment) -> ReviewAssignment:
    """The assignment as it is now, locked; refused (409) unless it is still open."""
    current = (
        ReviewAssignment.objects.select_for_update()
        .select_related("reviewer")
        .get(pk=assignment.pk)
    )
    Status = ReviewAssignment.Status
    if current.status == Status.OPEN:
        return current
    name = _person(current.reviewer)
    when = f" on {_day(timezone.localdate(current.completed_at))}" if current.completed_at else ""
    raise WorkflowConflict(
        {
            Status.DONE: f"This assignment is closed: {name} gave the board's decision{when}.",
            Status.CANCELLED: f"This assignment is closed: it was cancelled{when}.",
            Status.RETURNED: "This assignment waits for the editor's resubmission; it opens "
            "again, with a new due date, when the article is resubmitted.",
        }[current.status]
    )


def _reason_given(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise ValidationError({"reason": "Keep the reason to 2,000 characters."})
    return reason


@transaction.atomic
def assignment_due_change(
    *, assignment: ReviewAssignment, due_on: datetime.date | None, by, reason: str = ""
) -> ReviewAssignment:
    """An editor-in-chief moves an open assignment's due date; the reviewer is told, and why."""
    article = assignment.article
    policy.ensure(by, policy.ASSIGN, article)
    _lock(article)
    assignment = _assignment_locked(assignment)
    reason = _reason_given(reason)
    if due_on is None:
        raise ValidationError({"due_on": "Give a due date."})
    if due_on < timezone.localdate():
        raise ValidationError(
            {"due_on": "The due date is in the past; choose today or a later day."}
        )
    if due_on == assignment.due_on:
        raise ValidationError({"due_on": f"It is already due on {_day(due_on)}."})
    was = assignment.due_on
    assignment.due_on = due_on
    # A new date starts the overdue reminders and the escalation afresh.
    assignment.reminded_at = assignment.escalated_at = None
    why = f": {reason}" if reason else ""
    _assignment_save(assignment, by=by, reason=f"Due date {was:%Y-%m-%d} -> {due_on:%Y-%m-%d}{why}")
    name = _person(assignment.reviewer)
    _record(
        article,
        name="due_change",
        by=by,
        comment=f"{name}'s review now due {due_on:%Y-%m-%d} (was {was:%Y-%m-%d}){why}",
    )
    _reviewer_tell(
        assignment,
        article=article,
        by=by,
        subject=f"New due date for your review: {article.title}",
        body=(
            f'Your review of "{article.title}" is now due by {_day(due_on)} '
            f"(it was due by {_day(was)})." + (f"\n\nWhy: {reason}" if reason else "")
        ),
        kind="due_changed",
    )
    return assignment


@transaction.atomic
def assignment_withdraw(*, assignment: ReviewAssignment, by, reason: str) -> ReviewAssignment:
    """An editor-in-chief withdraws an open assignment, saying why; the reviewer is told.

    A reviewer who had started the review, or to whom the resubmission was returned,
    no longer holds the article: it goes back to the board's queue.
    """
    article = assignment.article
    policy.ensure(by, policy.ASSIGN, article)
    _lock(article)
    assignment = _assignment_locked(assignment)
    reason = _reason_given(reason)
    if not reason:
        raise ValidationError(
            {"reason": "Say why you withdraw the assignment; the reviewer is told."}
        )
    assignment.status = ReviewAssignment.Status.CANCELLED
    assignment.completed_at = timezone.now()
    _assignment_save(assignment, by=by, reason=f"Withdrawn: {reason}")
    name = _person(assignment.reviewer)
    # Read under the lock, so what is released, and the history row, are the article now.
    current = Article.objects.get(pk=article.pk)
    released = (
        ["assigned_reviewer"] if current.assigned_reviewer_id == assignment.reviewer_id else []
    )
    if (
        current.state == ArticleState.SUBMITTED
        and current.changes_requested_by_id == assignment.reviewer_id
    ):
        released.append("changes_requested_by")  # the resubmission no longer goes to them
    if released:
        for field in released:
            setattr(current, field, None)
            setattr(article, field, None)
        current._history_user = by
        current._change_reason = f"Assignment of {name} withdrawn"[:100]
        current.save(update_fields=released)
    _record(article, name="unassign", by=by, comment=f"Withdrew {name}'s assignment: {reason}")
    _reviewer_tell(
        assignment,
        article=article,
        by=by,
        subject=f"Assignment withdrawn: {article.title}",
        body=(
            f'Your assignment to review "{article.title}" has been withdrawn by '
            f"{_person(by)}.\n\nWhy: {reason}"
        ),
        kind="withdrawn",
    )
    return assignment


@transaction.atomic
def article_topics_set(*, article: Article, by, topic_ids: list) -> Article:
    """An editor sets what the article is about (the board's specialty list); draft only."""
    policy.ensure(by, policy.EDIT, article)
    topics = list(Specialty.objects.filter(pk__in=topic_ids))
    if len(topics) != len(set(topic_ids)):
        raise ValidationError({"topics": "Choose topics from the list."})
    article.topics.set(topics)  # shown on no public page, so the kept pages stay current
    return article
