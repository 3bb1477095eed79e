"""Which articles readers may see, and which version of each: the one rule every door reads.

Readers get an article's approved snapshot whenever it has one, whatever
revision is in progress. Without one, they get the pending submission
(submitted or under review, with the caution banner) while the site shows
pending articles (``SHOW_PENDING_ARTICLES``), and nothing otherwise: drafts
never approved are not public, and retracted articles answer "gone". The public
pages, the API, the search entries, the sitemap, the feed, screening and the
kept-page keys all decide through the functions below; no door compares an
article's state itself. Desk users may also preview the working content of
anything not retracted.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db.models import Q

from articles.errors import ArticleGone, ArticleNotShown
from articles.states import PENDING_STATES, ArticleState


class Shown(StrEnum):
    APPROVED = "approved"  # the approved snapshot
    PENDING = "pending"  # the working content of a submission awaiting the board
    PREVIEW = "preview"  # desk users only: the working content as it stands, marked a preview


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


def _prefixed(prefix: str, **lookups) -> Q:
    return Q(**{prefix + name: value for name, value in lookups.items()})


def visible_q(*, pending_shown: bool | None = None, prefix: str = "") -> Q:
    """The articles readers may see now, as a filter on Article (the same rule as ``shown_for``).

    ``prefix`` names the article from another model, e.g. ``"article__"`` on ArticleVersion.
    """
    shown = pending_articles_shown() if pending_shown is None else pending_shown
    visible = _prefixed(prefix, published_version__isnull=False)
    if shown:
        visible |= _prefixed(prefix, state__in=PENDING_STATES)
    return visible & ~_prefixed(prefix, state=ArticleState.RETRACTED)


def approved_visible_q(*, prefix: str = "") -> Q:
    """Articles readers see in an approved version (the sitemap, the feed and screening)."""
    return _prefixed(prefix, published_version__isnull=False) & ~_prefixed(
        prefix, state=ArticleState.RETRACTED
    )


def gone_q() -> Q:
    """Articles whose address answers "gone" (the same rule as ``shown_at_address``)."""
    return Q(state=ArticleState.RETRACTED, published_version__isnull=False)


def answers_gone(article) -> bool:
    """Whether the article's address answers "gone" (410) with its retraction notice.

    Only an article readers were shown in an approved version: the notice names it by the
    question of that version. One never approved answers "not found" like any draft, so
    its working question and the reason it was withdrawn are never shown.
    """
    return article.state == ArticleState.RETRACTED and article.published_version_id is not None


def shown_at_address(article, *, desk: bool = False, preview: bool = False) -> Shown:
    """What the article's address shows this visitor, or the refusal it answers with.

    Readers get what ``shown_for`` allows. Desk users asking for a preview, or
    looking at an article readers cannot see, get the working content as a
    preview. Nobody gets a retracted article's content: its address raises
    ``ArticleGone`` (410, with the retraction notice) once readers were shown it,
    else ``ArticleNotShown`` (404), as for any address readers cannot see.
    """
    if article.state == ArticleState.RETRACTED:
        raise ArticleGone(article=article) if answers_gone(article) else ArticleNotShown()
    if desk and preview:
        return Shown.PREVIEW
    shown = shown_for(article, pending_shown=True if desk else None)
    if shown is not None:
        return shown
    if desk:
        return Shown.PREVIEW
    raise ArticleNotShown()
