"""The steps every write shares: lock the row, check it is the one the user saw, save with a
reason, write the audit row."""

from __future__ import annotations

from articles.errors import EditConflict, WorkflowConflict
from articles.models import Article, ArticleTransition
from articles.states import ArticleState
from editorial import observability


def lock_article(article: Article, *, expected_version: int | None = None) -> None:
    """Lock the article's row for this transaction and check it is the one the user saw.

    On PostgreSQL this is a row lock; on SQLite the IMMEDIATE transaction mode
    has already serialised writers.
    """
    state, content_version = (
        Article.objects.select_for_update()
        .values_list("state", "content_version")
        .get(pk=article.pk)
    )
    if expected_version is not None and content_version != expected_version:
        raise EditConflict(
            "The article was changed by someone else since you opened it.",
            current_version=content_version,
        )
    if state != article.state:
        raise WorkflowConflict(
            f"The article was moved to {ArticleState(state).label.lower()} "
            "by someone else meanwhile. Reload it to see its current state."
        )


def save_article(article: Article, *, by, reason: str) -> None:
    """Validate and save, recording who and why for the history."""
    article._history_user = by
    # The history keeps a short reason; the full comment is in ArticleTransition.
    article._change_reason = reason if len(reason) <= 100 else reason[:99] + "…"
    article.full_clean(exclude=["published_version", "contributors", "state"])
    article.save()


def audit_record(
    article: Article, *, name: str, by, comment: str = "", source: str | None = None
) -> ArticleTransition:
    """Write the article's audit row for a workflow step, or a board event that moves nothing.

    ``source`` is the state the step left (the state now when nothing moved).
    Called inside the writer's transaction; the event is logged once it commits.
    """
    source = article.state if source is None else source
    row = ArticleTransition.objects.create(
        article=article,
        name=name,
        source=source,
        target=article.state,
        actor=by if by is not None and by.is_authenticated else None,
        comment=comment,
        revision=article.revision,
    )
    observability.workflow_event_record(
        article=article, name=name, source=source, target=article.state, actor=by
    )
    return row
