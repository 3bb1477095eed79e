"""Telling the people a workflow step concerns, in the caller's transaction.

The services call these inside the transaction of the change. Each person is
told through ``notifications.services.notify``: a row in their desk list, and
mail as they chose it (queued in the outbox, so it is sent only if the change
commits and is retried until the mail server takes it). Who did the step is
named by its audit row, and is never told of it.
"""

from __future__ import annotations

from django.urls import reverse

from articles.models import Article
from articles.policy import is_editor_of
from articles.roles import PERM_ASSIGN, PERM_REVIEW
from articles.selectors import users_holding
from editorial.urls_absolute import absolute_url
from notifications.kinds import Kind
from notifications.services import notify

EVENT_SUBJECTS = {
    "changes_requested": "Changes requested: {title}",
    "approved": "Approved: {title}",
}


def desk_link(article_id: int) -> str:
    return absolute_url(reverse("desk:article", args=[article_id]))


def _last_step(article):
    """The audit row of the step just taken: who took it, and what they said."""
    return article.transitions.select_related("actor").order_by("-created_at", "-pk").first()


def notify_board_of_submission(*, article_id: int) -> int:
    """Tell the board and the editors-in-chief a new article waits for review; how many."""
    article = Article.objects.get(pk=article_id)
    last = _last_step(article)
    board = {u.pk: u for u in users_holding(PERM_REVIEW)}
    board.update((u.pk, u) for u in users_holding(PERM_ASSIGN))
    body = f'"{article.title}" was submitted for review.\n\n{article.change_summary}'.strip()
    told = notify(
        recipients=[board[pk] for pk in sorted(board)],
        kind=Kind.SUBMITTED,
        article=article,
        subject=f"Submitted for review: {article.title}",
        body=body,
        actor=last.actor if last else None,
    )
    return len(told)


def notify_editors(*, article_id: int, event: str) -> int:
    """Tell the article's editors the board's decision; how many."""
    article = Article.objects.get(pk=article_id)
    last = _last_step(article)
    body = f'"{article.title}": {event.replace("_", " ")}.'
    if last and last.comment:
        body += f"\n\nComment from the board:\n{last.comment}"
    told = notify(
        recipients=article.contributors.order_by("pk"),
        kind=event,
        article=article,
        subject=EVENT_SUBJECTS[event].format(title=article.title),
        body=body,
        actor=last.actor if last else None,
    )
    return len(told)


def _name(user) -> str:
    return user.get_full_name() or user.username


def _quote(text: str, limit: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# What each step of a claim thread tells the other side: kind, verb, subject.
THREAD_STEPS = {
    "reply": (Kind.THREAD_REPLIED, "replied in", "Reply in a claim thread: {title}"),
    "addressed": (Kind.THREAD_ADDRESSED, "marked addressed", "Thread marked addressed: {title}"),
    "reopened": (Kind.THREAD_REOPENED, "reopened", "Thread reopened: {title}"),
}


def notify_thread_step(*, thread, message) -> int:
    """Tell the other side of a claim thread what was just said in it; how many.

    The editors' reply or "addressed" goes to the reviewer who opened the thread;
    a reply from anyone else, or a reopening, goes to the article's editors.
    """
    if message.event not in THREAD_STEPS:
        return 0
    kind, verb, subject = THREAD_STEPS[message.event]
    article, by = thread.article, message.author
    to_reviewer = message.event == "addressed" or (
        message.event == "reply" and is_editor_of(article, by)
    )
    body = f'{_name(by)} {verb} the thread on the claim "{_quote(thread.claim_text)}".'
    if message.body:
        body += f"\n\n{message.body}"
    told = notify(
        recipients=[thread.opened_by] if to_reviewer else article.contributors.order_by("pk"),
        kind=kind,
        article=article,
        subject=subject.format(title=article.title),
        body=body,
        link=reverse("desk:article", args=[article.pk]) + f"#thread-{thread.pk}",
        actor=by,
    )
    return len(told)
