"""Email to the people a workflow step concerns, queued in the caller's transaction.

The services call these inside the transaction of the change: each message is
stored in the outbox with its delivery task, so it is sent only if the change
commits, and is retried until the mail server takes it (outbox/services.py).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from articles.policy import PERM_REVIEW
from editorial.urls_absolute import absolute_url
from outbox.services import email_enqueue

EVENT_SUBJECTS = {
    "changes_requested": "Changes requested: {title}",
    "approved": "Approved: {title}",
}


def users_with_perm(permission: str):
    """Active users holding ``app_label.codename`` through a group or directly, with an email."""
    return users_holding(permission).exclude(email="")


def users_holding(permission: str):
    """Active users holding ``app_label.codename`` through a group or directly (or superusers)."""
    app_label, codename = permission.split(".")
    through_group = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    direct = Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(through_group | direct | Q(is_superuser=True))
        .distinct()
    )


def desk_link(article_id: int) -> str:
    return absolute_url(reverse("desk:article", args=[article_id]))


def notify_board_of_submission(*, article_id: int) -> int:
    """Tell the board a new article waits for review; how many mails were queued."""
    from articles.models import Article

    article = Article.objects.get(pk=article_id)
    recipients = list(users_with_perm(PERM_REVIEW).values_list("email", flat=True))
    body = f'"{article.title}" was submitted for review.\n\n{article.change_summary}'.strip()
    body += f"\n\n{desk_link(article.pk)}"
    for recipient in recipients:
        email_enqueue(
            subject=f"Submitted for review: {article.title}",
            body=body,
            to=recipient,
            kind="submitted",
        )
    return len(recipients)


def notify_editors(*, article_id: int, event: str) -> int:
    """Tell the article's editors the board's decision; how many mails were queued."""
    from articles.models import Article

    article = Article.objects.get(pk=article_id)
    recipients = list(article.contributors.exclude(email="").values_list("email", flat=True))
    last = article.transitions.order_by("-created_at", "-pk").first()
    body = f'"{article.title}": {event.replace("_", " ")}.'
    if last and last.comment:
        body += f"\n\nComment from the board:\n{last.comment}"
    body += f"\n\n{desk_link(article.pk)}"
    subject = EVENT_SUBJECTS[event].format(title=article.title)
    for recipient in recipients:
        email_enqueue(subject=subject, body=body, to=recipient, kind=event)
    return len(recipients)
