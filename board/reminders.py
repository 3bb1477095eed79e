"""The board's daily mail: credentials about to expire, overdue reviews, and escalations.

``board_reminders`` (a management command, run daily from cron) calls
``board_reminders_send``. Each mail is queued in the outbox in the same
transaction as the mark that says it went out, so a failed run sends nothing
twice and a committed one cannot lose its mail:

- a credential is reminded once per expiry date, ``BOARD_CREDENTIAL_REMINDER_DAYS`` (30)
  days or fewer before it expires (``Credential.reminded_at``; a renewed credential is
  reminded again before its new date);
- an overdue assignment is reminded once per day (``ReviewAssignment.reminded_at``);
- an assignment overdue by more than ``BOARD_ESCALATE_AFTER_DAYS`` is escalated to
  the editors-in-chief once (``ReviewAssignment.escalated_at``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.notifications import desk_link, users_with_perm
from articles.policy import PERM_ASSIGN
from articles.states import ArticleState
from board.models import Credential, ReviewAssignment
from outbox.services import email_enqueue


@dataclass
class RemindersSent:
    credentials: int = 0
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


def _overdue():
    return ReviewAssignment.objects.filter(
        status=ReviewAssignment.Status.OPEN,
        due_on__lt=timezone.localdate(),
        article__state__in=[ArticleState.SUBMITTED, ArticleState.UNDER_REVIEW],
    ).select_related("article", "reviewer")


def overdue_reminders_send() -> int:
    """Remind each reviewer of each overdue assignment, at most once a day."""
    today = timezone.localdate()
    due = (
        _overdue()
        .select_for_update(of=("self",))
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=_start_of_today()))
    )
    sent, reminded = 0, []
    for assignment in due:
        days = (today - assignment.due_on).days
        if assignment.reviewer.email:
            email_enqueue(
                subject=f"Overdue review: {assignment.article.title}",
                body=(
                    f'Your review of "{assignment.article.title}" was due on '
                    f"{_day(assignment.due_on)} ({days} day{'s' if days != 1 else ''} ago).\n\n"
                    f"{desk_link(assignment.article_id)}"
                ),
                to=assignment.reviewer.email,
                kind="review_overdue",
            )
            sent += 1
        reminded.append(assignment.pk)
    ReviewAssignment.objects.filter(pk__in=reminded).update(reminded_at=timezone.now())
    return sent


def escalations_send() -> int:
    """Tell the editors-in-chief, once per assignment, of reviews overdue past the grace period."""
    cutoff = timezone.localdate() - datetime.timedelta(days=settings.BOARD_ESCALATE_AFTER_DAYS)
    due = (
        _overdue()
        .select_for_update(of=("self",))
        .filter(escalated_at__isnull=True, due_on__lt=cutoff)
    )
    # The editors-in-chief; a site with none yet tells its superusers instead.
    chiefs = list(
        users_with_perm(PERM_ASSIGN).filter(is_superuser=False).values_list("email", flat=True)
    ) or list(users_with_perm(PERM_ASSIGN).values_list("email", flat=True))
    sent, escalated = 0, []
    for assignment in due:
        name = assignment.reviewer.get_full_name() or assignment.reviewer.username
        for chief in chiefs:
            email_enqueue(
                subject=f"Review overdue past grace period: {assignment.article.title}",
                body=(
                    f'{name}\'s review of "{assignment.article.title}" was due on '
                    f"{_day(assignment.due_on)}, more than {settings.BOARD_ESCALATE_AFTER_DAYS} "
                    "days ago. Reassign it, or ask the reviewer.\n\n"
                    f"{desk_link(assignment.article_id)}"
                ),
                to=chief,
                kind="review_escalated",
            )
            sent += 1
        escalated.append(assignment.pk)
    ReviewAssignment.objects.filter(pk__in=escalated).update(escalated_at=timezone.now())
    return sent


@transaction.atomic
def board_reminders_send() -> RemindersSent:
    """The day's credential reminders, overdue reminders and escalations; how many mails of each."""
    return RemindersSent(
        credentials=credential_reminders_send(),
        overdue=overdue_reminders_send(),
        escalated=escalations_send(),
    )
