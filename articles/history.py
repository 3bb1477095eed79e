"""Reads over django-simple-history: past content, and the saves since a version."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from articles.content import ArticleContent
from articles.models import Article, Citation, Claim, Reference
from articles.selectors import content_from_claims


def article_content_as_of(*, article: Article, when: datetime.datetime) -> ArticleContent | None:
    """The article's content exactly as it stood at ``when``, rebuilt from the history tables."""
    try:
        past_article = article.history.as_of(when)
    except Article.DoesNotExist:
        return None
    claims = list(
        Claim.history.as_of(when).filter(article_id=article.pk).order_by("position", "pk")
    )
    citations = list(
        Citation.history.as_of(when)
        .filter(claim_id__in=[c.pk for c in claims])
        .order_by("position", "pk")
    )
    references = {
        r.pk: r
        # By the reference's own id: on the history table "pk" is the history row's id.
        for r in Reference.history.as_of(when).filter(
            id__in={c.reference_id for c in citations if c.reference_id}
        )
    }
    by_claim: dict[int, list[Citation]] = {}
    for citation in citations:
        if citation.reference_id:
            citation.reference = references[citation.reference_id]
        by_claim.setdefault(citation.claim_id, []).append(citation)
    for claim in claims:
        claim._prefetched_objects_cache = {"citations": _PrefetchedList(by_claim.get(claim.pk, []))}
    return content_from_claims(past_article, claims)


class _PrefetchedList(list):
    """Stands in for a prefetched related manager's ``all()``."""

    def all(self):
        return self


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    who: str
    what: str
    detail: str = ""


def _name(user) -> str:
    if user is None:
        return "system"
    return user.get_full_name() or user.get_username()


def article_list_changes_since(*, article: Article, version: int) -> list[TimelineEntry]:
    """The saves that moved the article past content ``version``, oldest first, with who and when.

    An edit refused as a conflict shows these, so the editor knows what
    happened between the version they started from and now.
    """
    records = (
        article.history.filter(content_version__gt=version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    return [
        TimelineEntry(
            when=record.history_date,
            who=_name(record.history_user),
            what=record.history_change_reason or "Changed",
            detail=f"version {record.content_version}",
        )
        for record in records[:50]
    ]
