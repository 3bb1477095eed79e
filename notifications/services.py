"""Writes for notifications: telling people, marking read, mail choices and the day's mail.

``notify`` is the one way a workflow step tells people. It runs in the caller's
transaction: the desk rows and the mail queued in the outbox commit or roll back
with the change that caused them.

Mail follows each recipient's choice (``notifications.kinds.delivery_for``):
"mail now" is queued at once; "daily digest" and every reminder wait for the
day's mail (``daily_mail_send``, run daily by ``manage.py notifications_digest``
and by the reviewers' ``remind_reviews``), which sends each user at most one mail a
day; "no mail" leaves the notification in the desk list only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from editorial.urls_absolute import absolute_url
from notifications.kinds import (
    AT_MOST_DAILY,
    EVERY_KIND,
    Delivery,
    Kind,
    delivery_for,
    kind_named,
    mails_daily_list,
)
from notifications.models import DailyMail, Notification, NotificationPreference
from notifications.selectors import preference_choices
from outbox.services import email_enqueue

Mail = Notification.Mail
MAIL_FOR_DELIVERY = {
    Delivery.NOW: Mail.SENT,
    Delivery.DAILY: Mail.PENDING,
    Delivery.NONE: Mail.NONE,
}


def _mail_text(body: str, link: str) -> str:
    return f"{body}\n\n{absolute_url(link)}".strip() if link else body.strip()


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    article=None,
    subject: str,
    body: str,
    link: str | None = None,
    actor=None,
) -> list[Notification]:
    """Tell each recipient except ``actor``: a row in their desk list, and mail as they chose.

    ``kind`` is one of ``notifications.kinds.Kind`` (ValueError otherwise); ``link`` is a
    path on this site, the article's desk page by default. The mail's text is ``body``
    followed by the link.
    """
    kind = kind_named(kind)
    actor_id = getattr(actor, "pk", None)
    people = {}
    for user in recipients:
        # Nobody is told of what they did themselves.
        if user.is_active and user.pk != actor_id:
            people.setdefault(user.pk, user)
    if not people:
        return []
    if link is None:
        link = reverse("desk:article", args=[article.pk]) if article is not None else ""
    choices = preference_choices(user_ids=people)
    now = timezone.now()
    rows = []
    for user in people.values():
        delivery = delivery_for(kind, choices[user.pk]) if user.email else Delivery.NONE
        mail = MAIL_FOR_DELIVERY[delivery]
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                article=article,
                actor=actor if actor_id else None,
                subject=" ".join(subject.split())[:300],
                body=body,
                link=link,
                created_at=now,
                mail=mail,
                mailed_at=now if mail == Mail.SENT else None,
            )
        )
    Notification.objects.bulk_create(rows)
    text = _mail_text(body, link)
    for row in rows:
        if row.mail == Mail.SENT:
            email_enqueue(subject=subject, body=text, to=row.recipient.email, kind=kind)
    return rows


def notification_mark_read(*, notification: Notification) -> Notification:
    """The recipient opened one notification (the caller found it among theirs)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_read(*, user, notifications: Sequence[Notification] | None = None) -> int:
    """Mark ``user``'s unread notifications read: those given, or all; how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notifications is not None:
        ids = [n.pk for n in notifications if n.read_at is None]
        if not ids:
            return 0  # nothing to write: the list page costs no query for it
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def preferences_set(*, user, choices: Mapping[str, str]) -> None:
    """``user`` chooses how they are mailed: kind ("" for every kind) -> delivery.

    A kind given "" follows the choice for every kind; the choice for every kind must be
    one of the deliveries.
    """
    errors = []
    for kind, delivery in choices.items():
        if kind != EVERY_KIND and kind not in Kind.values:
            errors.append(f"There is no kind of notification called {kind!r}.")
        if delivery not in Delivery.values and not (kind != EVERY_KIND and delivery == ""):
            errors.append(
                f"{delivery!r} is not a choice: choose one of "
                f"{', '.join(str(label) for label in Delivery.labels)}."
            )
    if errors:
        raise ValidationError(errors)
    NotificationPreference.objects.filter(user=user, kind__in=list(choices)).delete()
    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=user, kind=kind, delivery=delivery)
        for kind, delivery in choices.items()
        if delivery
    )


# -- The day's mail ----------------------------------------------------------------------


@dataclass(frozen=True)
class MailPart:
    """A caller's addition to one user's mail of the day: a phrase for its subject, its lines."""

    subject: str
    lines: Sequence[str]


def _phrase(rows: list[Notification], many: str) -> str:
    if len(rows) == 1:
        return rows[0].subject
    return f"{len(rows)} {many}"


def _subject(rows: list[Notification], part: MailPart | None) -> str:
    overdue = [n for n in rows if n.kind == Kind.OVERDUE]
    soon = [n for n in rows if n.kind == Kind.DUE_SOON]
    others = [n for n in rows if n.kind not in AT_MOST_DAILY]
    phrases = [
        overdue and _phrase(overdue, "overdue reviews"),
        soon and _phrase(soon, "reviews due soon"),
        part and part.subject,
        others and f"{len(others)} notification{'s' if len(others) != 1 else ''}",
    ]
    return "; ".join(p for p in phrases if p)


def _entries(title: str, rows: list[Notification]) -> list[str]:
    if not rows:
        return []
    lines = [title, ""]
    for n in rows:
        lines.append(f"- {n.subject}")
        lines.extend(f"  {line}".rstrip() for line in n.body.strip().splitlines())
        if n.link:
            lines.append(f"  {absolute_url(n.link)}")
        lines.append("")
    return lines


def _latest_reminders(rows: list[Notification]) -> list[Notification]:
    """The rows without reminders that a newer one about the same article says again.

    An overdue review waiting two days for the mail is said once, as it is today.
    """
    newest: dict[int | None, Notification] = {}
    for n in rows:
        if n.kind in AT_MOST_DAILY:
            newest[n.article_id] = n  # rows come oldest first
    return [n for n in rows if n.kind not in AT_MOST_DAILY or newest[n.article_id] is n]


def _section(lines: Sequence[str]) -> list[str]:
    """The lines, then one blank line (none if there are no lines)."""
    lines = list(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    return [*lines, ""] if lines else []


def _body(rows: list[Notification], part: MailPart | None) -> str:
    reminders = [n for n in rows if n.kind in AT_MOST_DAILY]
    others = [n for n in rows if n.kind not in AT_MOST_DAILY]
    lines = [
        *_entries("Reminders:", reminders),
        *_section(part.lines if part else []),
        *_entries("Since your last mail:", others),
        f"All your notifications: {absolute_url(reverse('desk:notifications'))}",
        f"What is mailed to you: {absolute_url(reverse('desk:notification_settings'))}",
    ]
    return "\n".join(lines)


@transaction.atomic
def daily_mail_send(
    *, parts: Mapping[int, MailPart] | None = None, only_parts: bool = False
) -> int:
    """Each user's one mail of the day; how many were queued.

    It holds the notifications waiting for it (daily digest, reminders) and any
    ``parts`` (by user id) a caller adds, such as the reviewers' queue. A user already
    mailed today gets nothing more: what waits stays for tomorrow. ``only_parts`` mails
    only the users in ``parts``. The notifications are marked mailed, and the day
    recorded, in the transaction that queues the mail, so running twice sends nothing
    twice.
    """
    parts = parts or {}
    today = timezone.localdate()
    pending = Notification.objects.select_for_update(of=("self",)).filter(mail=Mail.PENDING)
    if only_parts:
        pending = pending.filter(recipient_id__in=list(parts))
    waiting: dict[int, list[Notification]] = defaultdict(list)
    for notification in pending.order_by("created_at", "pk"):
        waiting[notification.recipient_id].append(notification)
    user_ids = set(waiting) | set(parts)
    mailed_today = set(
        DailyMail.objects.filter(day=today, user_id__in=user_ids).values_list("user_id", flat=True)
    )
    users = get_user_model().objects.in_bulk(user_ids - mailed_today)
    choices = preference_choices(user_ids=users)
    now = timezone.now()
    sent, unmailed = 0, []
    for user_id in sorted(users):
        user, rows, part = users[user_id], waiting.get(user_id, []), parts.get(user_id)
        if not (user.is_active and user.email):
            unmailed += rows
            continue
        # A kind set to "no mail" after it was noted is not mailed after all.
        wanted = [n for n in rows if delivery_for(n.kind, choices[user_id]) != Delivery.NONE]
        unmailed += [n for n in rows if n not in wanted]
        if part is not None and not mails_daily_list(choices[user_id]):
            part = None
        if not wanted and part is None:
            continue
        listed = _latest_reminders(wanted)
        email = email_enqueue(
            subject=_subject(listed, part), body=_body(listed, part), to=user.email, kind="daily"
        )
        DailyMail.objects.create(user=user, day=today, notifications=len(wanted), email=email)
        Notification.objects.filter(pk__in=[n.pk for n in wanted]).update(
            mail=Mail.SENT, mailed_at=now
        )
        sent += 1
    Notification.objects.filter(pk__in=[n.pk for n in unmailed]).update(mail=Mail.NONE)
    return sent
