"""Reads for notifications: a user's list, their unread count, and everyone's mail choices."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import Http404

from notifications.models import Notification, NotificationPreference

PAGE_SIZE = 50


@dataclass(frozen=True)
class NotificationPage:
    rows: list[Notification]
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def notification_list_for(*, user, page: int = 1) -> NotificationPage:
    """One page of ``user``'s notifications, newest first (one query)."""
    start = (page - 1) * PAGE_SIZE
    rows = list(
        Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")[
            start : start + PAGE_SIZE + 1
        ]
    )
    return NotificationPage(rows=rows[:PAGE_SIZE], page=page, has_next=len(rows) > PAGE_SIZE)


def notification_count_unread(*, user) -> int:
    """How many of ``user``'s notifications are unread (one query, on the unread index)."""
    if not (user is not None and user.is_authenticated):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for(*, user, pk: int) -> Notification:
    """``user``'s notification ``pk``; someone else's is "not found", as a missing one is."""
    notification = Notification.objects.filter(recipient=user, pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification


def preference_choices(*, user_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Each user's mail choices, kind ("" for every kind) -> delivery; one query for all."""
    choices: dict[int, dict[str, str]] = defaultdict(dict)
    user_ids = list(user_ids)
    for user_id, kind, delivery in NotificationPreference.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "kind", "delivery"):
        choices[user_id][kind] = delivery
    return {user_id: choices[user_id] for user_id in user_ids}
