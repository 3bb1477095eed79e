"""The reviewers' reminder mail: what waits for the board, and what is due for re-review."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from articles.notifications import users_with_perm
from articles.policy import PERM_REVIEW
from desk.selectors import (
    article_list_assigned_to,
    article_list_due_for_rereview,
    article_list_waiting_for_review,
)
from editorial.urls_absolute import absolute_url
from outbox.services import email_enqueue


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
    """One mail per reviewer who has something to do, queued in the outbox; how many."""
    waiting = list(article_list_waiting_for_review())
    due = list(article_list_due_for_rereview())
    sent = 0
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
        email_enqueue(subject=subject, body="\n".join(body), to=reviewer.email, kind="reminder")
        sent += 1
    return sent
