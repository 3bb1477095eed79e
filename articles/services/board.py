"""What running the board changes on an article: its topics, its reviewer released, its audit rows.

The board's services (``board.services``) decide who is assigned and who is
recused; the article itself is changed only here, with who and why for its
history, like every other write to an article.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from articles import policy
from articles.models import Article
from articles.states import ArticleState
from board.models import Specialty


@transaction.atomic
def article_reviewer_release(*, article: Article, reviewer_id: int, by, reason: str) -> list[str]:
    """The reviewer no longer holds the article (assignment withdrawn, conflict declared).

    The article goes back to the board's queue: it is no longer their review in
    progress, and a resubmission waiting for them no longer goes to them. Read
    under the row lock, so what is released, and the history row, are the article
    now. Returns the fields released (none when the reviewer held nothing).
    """
    current = Article.objects.select_for_update().get(pk=article.pk)
    released = ["assigned_reviewer"] if current.assigned_reviewer_id == reviewer_id else []
    if current.state == ArticleState.SUBMITTED and current.changes_requested_by_id == reviewer_id:
        released.append("changes_requested_by")
    if not released:
        return released
    for field in released:
        setattr(current, field, None)
        setattr(article, field, None)
    current._history_user = by
    current._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"
    current.save(update_fields=released)
    return released


@transaction.atomic
def article_topics_set(*, article: Article, by, topic_ids: list) -> Article:
    """An editor sets what the article is about (the board's specialty list); draft only."""
    policy.ensure(by, policy.EDIT, article)
    topics = list(Specialty.objects.filter(pk__in=topic_ids))
    if len(topics) != len(set(topic_ids)):
        raise ValidationError({"topics": "Choose topics from the list."})
    article.topics.set(topics)  # shown on no public page, so the kept pages stay current
    return article
