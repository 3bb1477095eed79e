"""Email to the people a workflow step concerns; called after the transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q

from articles.policy import PERM_REVIEW

EVENT_SUBJECTS = {
    "changes_requested": "Changes requested: {title}",
    "approved": "Approved: {title}",
}


def users_with_perm(permission: str):
    """Active users holding ``app_label.codename`` through a group or directly, with an email."""
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
        .exclude(email="")
        .distinct()
    )


def notify_board_of_submission(*, article_id: int) -> int:
    """Tell the board a new article waits for review."""
    from articles.models import Article

    article = Article.objects.get(pk=article_id)
    recipients = list(users_with_perm(PERM_REVIEW).values_list("email", flat=True))
    if not recipients:
        return 0
    body = f'"{article.title}" was submitted for review.\n\n{article.change_summary}'.strip()
    messages = [
        (f"Submitted for review: {article.title}", body, settings.DEFAULT_FROM_EMAIL, [r])
        for r in recipients
    ]
    return send_mass_mail(messages, fail_silently=True)


def notify_editors(*, article_id: int, event: str) -> int:
    """Tell the article's editors the board's decision."""
    from articles.models import Article

    article = Article.objects.get(pk=article_id)
    recipients = list(article.contributors.exclude(email="").values_list("email", flat=True))
    if not recipients:
        return 0
    last = article.transitions.order_by("-created_at", "-pk").first()
    body = f'"{article.title}": {event.replace("_", " ")}.'
    if last and last.comment:
        body += f"\n\nComment from the board:\n{last.comment}"
    subject = EVENT_SUBJECTS[event].format(title=article.title)
    return send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [r]) for r in recipients], fail_silently=True
    )
