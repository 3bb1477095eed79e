"""The board's daily reminders: credentials about to expire, reviews due soon or overdue,
and escalations.

``board_reminders`` (a management command, run daily from cron) calls
``board_reminders_send``. Each reminder is written in the same transaction as the
mark that says it went out, so a failed run sends nothing twice and a committed
one cannot lose it:

- a credential is reminded once per expiry date, ``BOARD_CREDENTIAL_REMINDER_DAYS`` (30)
  days or fewer before it expires (``Credential.reminded_at``; a renewed credential is
  reminded again before its new date), by mail;
- an assignment is reminded once ``DUE_SOON_DAYS`` days or fewer before its due date
  (``notifications.Reminder``, per due date: a moved date is reminded again);
- an overdue assignment is reminded once per day (``ReviewAssignment.reminded_at``);
- an assignment overdue by more than ``BOARD_ESCALATE_AFTER_DAYS`` is escalated to
  the editors-in-chief once (``ReviewAssignment.escalated_at``).

Due-soon and overdue reminders are notifications: the reviewer sees them at the desk,
and they are mailed in the reviewer's one mail of the day (``notifications_digest``,
or ``remind_reviews`` with the board's queue), never in a mail of their own.
Escalations are notifications the editors-in-chief get as they chose.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from articles.roles import PERM_ASSIGN
from articles.selectors import users_holding
from articles.states import ArticleState
from board.models import Credential, ReviewAssignment
from notifications.kinds import Kind
from notifications.models import Reminder
from notifications.services import notify
from outbox.services import email_enqueue

# Days before its due date that a reviewer is reminded of an assignment (once per date).
DUE_SOON_DAYS = 2


@dataclass
class RemindersSent:
    credentials: int = 0
    due_soon: int = 0
    overdue: int = 0
    escalated: int = 0


def _day(value: datetime.date) -> str:
    return f"{value:%B} {value.day}, {value:%Y}"


def _start_of_today() -> datetime.datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))


def credential_reminders_send() -> int:
    """Remind each member once of a credential expiring within the reminder window."""
    today = timezone.localdate()
    window = datetime.timedelta(days=settings.BOARD_CREDENTIAL_REMINDER_DAYS)
    expiring = (
        Credential.objects.select_for_update(of=("self",))
        .filter(expires_on__gte=today, expires_on__lte=today + window)
        .select_related("member__user")
    )
    # Once per expiry date: a reminder sent before this date's window opened was about an
    # earlier expiry (the credential has been renewed since).
    due = [
        c
        for c in expiring
        if c.reminded_at is None or timezone.localdate(c.reminded_at) < c.expires_on - window
    ]
    sent, reminded = 0, []
    for credential in due:
        user = credential.member.user
        if user.email:
            email_enqueue(
                subject=f"Your credential expires on {_day(credential.expires_on)}",
                body=(
                    f"{credential.name} ({credential.issued_by}) expires on "
                    f"{_day(credential.expires_on)}.\n\nOnce every credential on your board "
                    "profile has expired you cannot start a review or approve. Send the renewal "
                    "to a site admin so your profile can be updated."
                ),
                to=user.email,
                kind="credential_expiry",
            )
            sent += 1
        reminded.append(credential.pk)
    Credential.objects.filter(pk__in=reminded).update(reminded_at=timezone.now())
    return sent


def _in_review():
    return ReviewAssignment.objects.filter(
        status=ReviewAssignment.Status.OPEN,
        article__state__in=[ArticleState.SUBMITTED, ArticleState.UNDER_REVIEW],
    ).select_related("article", "reviewer")


def _overdue():
    return _in_review().filter(due_on__lt=timezone.localdate())


def due_soon_reminders_send() -> int:
    """Remind each reviewer once, ``DUE_SOON_DAYS`` days or fewer before, that a review is due."""
    today = timezone.localdate()
    reminded = Reminder.objects.filter(
        assignment=OuterRef("pk"), kind=Kind.DUE_SOON, due_on=OuterRef("due_on")
    )
    due = (
        _in_review()
        .select_for_update(of=("self",))
        .filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
        .exclude(Exists(reminded))
    )
    marks = []
    for assignment in due:
        days = (assignment.due_on - today).days
        when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
        notify(
            recipients=[assignment.reviewer],
            kind=Kind.DUE_SOON,
            article=assignment.article,
            subject=f"Review due soon: {assignment.article.title}",
            body=(
                f'Your review of "{assignment.article.title}" is due on '
                f"{_day(assignment.due_on)} ({when})."
            ),
        )
        marks.append(Reminder(assignment=assignment, kind=Kind.DUE_SOON, due_on=assignment.due_on))
    Reminder.objects.bulk_create(marks)
    return len(marks)


def overdue_reminders_send() -> int:
    """Remind each reviewer of each overdue assignment, at most once a day."""
    today = timezone.localdate()
    due = (
        _overdue()
        .select_for_update(of=("self",))
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=_start_of_today()))
    )
    reminded = []
    for assignment in due:
        days = (today - assignment.due_on).days
        notify(
            recipients=[assignment.reviewer],
            kind=Kind.OVERDUE,
            article=assignment.article,
            subject=f"Overdue review: {assignment.article.title}",
            body=(
                f'Your review of "{assignment.article.title}" was due on '
                f"{_day(assignment.due_on)} ({days} day{'s' if days != 1 else ''} ago)."
            ),
        )
        reminded.append(assignment.pk)
    ReviewAssignment.objects.filter(pk__in=reminded).update(reminded_at=timezone.now())
    return len(reminded)


def escalations_send() -> int:
    """Tell the editors-in-chief, once per assignment, of reviews overdue past the grace period."""
    cutoff = timezone.localdate() - datetime.timedelta(days=settings.BOARD_ESCALATE_AFTER_DAYS)
    due = (
        _overdue()
        .select_for_update(of=("self",))
        .filter(escalated_at__isnull=True, due_on__lt=cutoff)
    )
    # The editors-in-chief; a site with none yet tells its superusers instead.
    chiefs = list(users_holding(PERM_ASSIGN).filter(is_superuser=False).order_by("pk")) or list(
        users_holding(PERM_ASSIGN).order_by("pk")
    )
    sent, escalated = 0, []
    for assignment in due:
        name = assignment.reviewer.get_full_name() or assignment.reviewer.username
        told = notify(
            recipients=chiefs,
            kind=Kind.ESCALATED,
            article=assignment.article,
            subject=f"Review overdue past grace period: {assignment.article.title}",
            body=(
                f'{name}\'s review of "{assignment.article.title}" was due on '
                f"{_day(assignment.due_on)}, more than {settings.BOARD_ESCALATE_AFTER_DAYS} "
                "days ago. Reassign it, or ask the reviewer."
            ),
        )
        sent += len(told)
        escalated.append(assignment.pk)
    ReviewAssignment.objects.filter(pk__in=escalated).update(escalated_at=timezone.now())
    return sent


@transaction.atomic
def board_reminders_send() -> RemindersSent:
    """The day's credential, due-soon and overdue reminders and escalations; how many of each."""
    return RemindersSent(
        credentials=credential_reminders_send(),
        due_soon=due_soon_reminders_send(),
        overdue=overdue_reminders_send(),
        escalated=escalations_send(),
    )
