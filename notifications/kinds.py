"""What the desk tells people about, and how each person's choice decides whether it is mailed.

Every kind of notification, with the words the settings page shows for it, is
listed here and nowhere else: a service tells people by passing one of these
strings to ``notifications.services.notify``.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models


class Kind(models.TextChoices):
    ASSIGNED = "assigned", "Assigned to you for review"
    SUBMITTED = "submitted", "An article was submitted for review (board and editors-in-chief)"
    CHANGES_REQUESTED = "changes_requested", "The board requested changes to your article"
    APPROVED = "approved", "The board approved your article"
    THREAD_REPLIED = "thread_replied", "A reply in a claim thread"
    THREAD_ADDRESSED = "thread_addressed", "A thread you opened was marked addressed"
    THREAD_REOPENED = "thread_reopened", "The board reopened a thread on your article"
    DUE_SOON = "due_soon", "A review of yours is due soon"
    OVERDUE = "overdue", "A review of yours is overdue"
    DUE_CHANGED = "due_changed", "The due date of a review of yours changed"
    WITHDRAWN = "withdrawn", "A review assignment of yours was withdrawn"
    ESCALATED = "escalated", "A review is overdue past the grace period (editors-in-chief)"


class Delivery(models.TextChoices):
    NOW = "now", "Mail now"
    DAILY = "daily", "Daily digest"
    NONE = "none", "No mail"


# Reminders come back every day a review stays overdue, so "mail now" for them means
# the day's one mail: a reviewer is never sent more than one reminder mail a day.
AT_MOST_DAILY = frozenset({Kind.DUE_SOON, Kind.OVERDUE})

# What a person who has chosen nothing gets.
DEFAULT_DELIVERY = Delivery.NOW

# The key of the choice that applies to every kind without a choice of its own.
EVERY_KIND = ""


def kind_named(kind: str) -> Kind:
    """The kind called ``kind``; ValueError for a name that is not in the list."""
    return Kind(kind)


def delivery_for(kind: str, choices: Mapping[str, str]) -> Delivery:
    """How one person is mailed about ``kind``, given their choices (kind or "" -> delivery)."""
    chosen = Delivery(choices.get(kind) or choices.get(EVERY_KIND) or DEFAULT_DELIVERY)
    if chosen == Delivery.NOW and kind in AT_MOST_DAILY:
        return Delivery.DAILY
    return chosen


def mails_daily_list(choices: Mapping[str, str]) -> bool:
    """Whether the lists a daily mail carries (the reviewers' queue) go to this person.

    They follow the choice for every kind: only "no mail" stops them.
    """
    return (choices.get(EVERY_KIND) or DEFAULT_DELIVERY) != Delivery.NONE
