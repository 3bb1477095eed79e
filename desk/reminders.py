"""The reviewers' reminder mail: what waits for the board, and what is due for re-review.

It is the reviewer's one mail of the day (``notifications.services.daily_mail_send``):
their reviews due soon or overdue, and what they chose to get as a daily digest, come
in it too, so a reviewer is never sent two reminder mails in a day.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from articles.roles import PERM_REVIEW
from articles.selectors import users_with_perm
from desk.selectors import (
    article_list_assigned_to,
    article_list_due_for_rereview,
    article_list_waiting_for_review,
)
from editorial.urls_absolute import absolute_url
from notifications.services import MailPart, daily_mail_send


def _lines(title: str, articles) -> list[str]:
    if not articles:
        return []
    return [
        title,
        *(
            f"  - {a.title} ({absolute_url(reverse('desk:article', args=[a.pk]))})"
            for a in articles
        ),
        "",
    ]


@transaction.atomic
def send_review_reminders() -> int:
    """Each reviewer with something to do gets it in their mail of the day; how many mails."""
    waiting = list(article_list_waiting_for_review())
    due = list(article_list_due_for_rereview())
    queues = {}
    for reviewer in users_with_perm(PERM_REVIEW):
        assigned = list(article_list_assigned_to(reviewer))
        body = [
            *_lines("Assigned to you (in progress, or resubmitted after your changes):", assigned),
            *_lines("Waiting for review (oldest first):", waiting),
            *_lines(
                f"Approved more than {settings.REREVIEW_AFTER_DAYS} days ago, due for re-review:",
                due,
            ),
        ]
        if not body:
            continue
        count = len(assigned) + len(waiting) + len(due)
        subject = f"{count} article{'s' if count != 1 else ''} for the board to review"
        queues[reviewer.pk] = MailPart(subject=subject, lines=body)
    return daily_mail_send(parts=queues, only_parts=True)
