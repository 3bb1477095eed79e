"""Which articles readers may see, and which version of each: the one rule every door reads.

Readers get an article's approved snapshot whenever it has one, whatever
revision is in progress. Without one, they get the pending submission
(submitted or under review, with the caution banner) while the site shows
pending articles (``SHOW_PENDING_ARTICLES``), and nothing otherwise: drafts
never approved are not public, and retracted articles answer "gone". The public
pages, the API, the search entries, the sitemap, the feed and the kept-page
keys all decide through the functions below.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db.models import Q

from articles.states import PENDING_STATES, ArticleState


class Shown(StrEnum):
    APPROVED = "approved"  # the approved snapshot
    PENDING = "pending"  # the working content of a submission awaiting the board


def pending_articles_shown() -> bool:
    return settings.SHOW_PENDING_ARTICLES


def shown_to_readers(
    *, state: str, has_approved_version: bool, pending_shown: bool | None = None
) -> Shown | None:
    """What readers see of an article in ``state``: its approved snapshot, its submission, or nothing."""
    if state == ArticleState.RETRACTED:
        return None
    if has_approved_version:
        return Shown.APPROVED
    if state in PENDING_STATES:
        shown = pending_articles_shown() if pending_shown is None else pending_shown
        return Shown.PENDING if shown else None
    return None


def shown_for(article, *, pending_shown: bool | None = None) -> Shown | None:
    return shown_to_readers(
        state=article.state,
        has_approved_version=article.published_version_id is not None,
        pending_shown=pending_shown,
    )


def visible_q(*, pending_shown: bool | None = None) -> Q:
    """The articles readers may see now, as a filter on Article (the same rule as ``shown_for``)."""
    shown = pending_articles_shown() if pending_shown is None else pending_shown
    visible = Q(published_version__isnull=False)
    if shown:
        visible |= Q(state__in=PENDING_STATES)
    return visible & ~Q(state=ArticleState.RETRACTED)


def approved_visible_q() -> Q:
    """Articles readers see in an approved version (the sitemap and the feed list only these)."""
    return Q(published_version__isnull=False) & ~Q(state=ArticleState.RETRACTED)


def answers_gone(article) -> bool:
    """Whether the article's address answers "gone" (410) with its retraction notice.

    Only an article readers were shown in an approved version: the notice names it by the
    question of that version. One never approved answers "not found" like any draft, so
    its working question and the reason it was withdrawn are never shown.
    """
    return article.state == ArticleState.RETRACTED and article.published_version_id is not None
