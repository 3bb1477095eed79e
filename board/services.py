"""Writes for running the board: declarations and the editor-in-chief's assignments.

Each service takes keyword-only arguments, runs in one transaction, asks
``articles.policy``, records who and why, and queues its mail in the outbox in
the same transaction. What they change on the article itself (its reviewer, its
audit log) goes through ``articles.services``; the assignments the workflow moves
are in ``board.assignments``.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import policy
from articles.errors import WorkflowConflict
from articles.models import Article
from articles.services import article_reviewer_release, audit_record
from board.assignments import (
    assignment_save,
    day_text,
    days_allowed,
    person_name,
    reviewer_tell,
)
from board.models import ConflictDeclaration, ReviewAssignment
from board.rules import assignment_refusal
from notifications.services import notify


def _lock(article: Article) -> None:
    """Serialise board writes on one article, so a double click records one row, not an error."""
    Article.objects.select_for_update().filter(pk=article.pk).values_list("pk").first()


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
        # Someone else takes the review over; the article stays under review.
        article_reviewer_release(
            article=article, reviewer_id=by.pk, by=by, reason="Recused: conflict of interest"
        )
        audit_record(
            article, name="recuse", by=by, comment=f"Declared a conflict of interest: {note}"
        )
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
            days_allowed=days_allowed(due_on),
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
    audit_record(
        article, name="assign", by=by, comment=f"Assigned to {names}, due {due_on:%Y-%m-%d}"
    )
    return created


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
    name = person_name(current.reviewer)
    when = (
        f" on {day_text(timezone.localdate(current.completed_at))}" if current.completed_at else ""
    )
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
        raise ValidationError({"due_on": f"It is already due on {day_text(due_on)}."})
    was = assignment.due_on
    assignment.due_on = due_on
    # A new date starts the overdue reminders and the escalation afresh.
    assignment.reminded_at = assignment.escalated_at = None
    why = f": {reason}" if reason else ""
    assignment_save(assignment, by=by, reason=f"Due date {was:%Y-%m-%d} -> {due_on:%Y-%m-%d}{why}")
    name = person_name(assignment.reviewer)
    audit_record(
        article,
        name="due_change",
        by=by,
        comment=f"{name}'s review now due {due_on:%Y-%m-%d} (was {was:%Y-%m-%d}){why}",
    )
    reviewer_tell(
        assignment,
        article=article,
        by=by,
        subject=f"New due date for your review: {article.title}",
        body=(
            f'Your review of "{article.title}" is now due by {day_text(due_on)} '
            f"(it was due by {day_text(was)})." + (f"\n\nWhy: {reason}" if reason else "")
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
    assignment_save(assignment, by=by, reason=f"Withdrawn: {reason}")
    name = person_name(assignment.reviewer)
    article_reviewer_release(
        article=article,
        reviewer_id=assignment.reviewer_id,
        by=by,
        reason=f"Assignment of {name} withdrawn",
    )
    audit_record(article, name="unassign", by=by, comment=f"Withdrew {name}'s assignment: {reason}")
    reviewer_tell(
        assignment,
        article=article,
        by=by,
        subject=f"Assignment withdrawn: {article.title}",
        body=(
            f'Your assignment to review "{article.title}" has been withdrawn by '
            f"{person_name(by)}.\n\nWhy: {reason}"
        ),
        kind="withdrawn",
    )
    return assignment
