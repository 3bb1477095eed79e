"""Saving a draft's body from the desk's text area, claims keeping their identity."""

from __future__ import annotations

import dataclasses

from django.db import transaction

from articles import policy, services
from articles.content import ReferenceData
from articles.matching import carry_uids
from articles.models import Article
from articles.selectors import article_get_content
from articles.services import lock_article
from desk.body import parse_body


def _same_work(parsed: ReferenceData, known: ReferenceData) -> bool:
    return (parsed.kind, parsed.title, parsed.source, parsed.year) == (
        known.kind,
        known.title,
        known.source,
        known.year,
    )


def _keep_reference_details(
    parsed: tuple[ReferenceData, ...], current: tuple[ReferenceData, ...]
) -> tuple[ReferenceData, ...]:
    """Page text has no authors, DOI, PMID or URL: a reference it names keeps its own."""
    kept = []
    for reference in parsed:
        known = next((c for c in current if _same_work(reference, c)), None)
        missing = known is not None and not any(
            (reference.authors, reference.doi, reference.pmid, reference.url)
        )
        kept.append(known if missing else reference)
    return tuple(kept)


@transaction.atomic
def article_save_body(
    *, article: Article, by, expected_version: int, text: str, fmt: str = "markdown"
) -> Article:
    """Replace a draft's body with the text area's content, claims keeping their identity.

    The text carries no uids: claims are matched to the ones they continue. A
    text that says what the article already says saves nothing.
    """
    parsed = parse_body(text, fmt)
    policy.ensure(by, policy.EDIT, article)
    lock_article(article, expected_version=expected_version)
    article.forget_cached_content()
    current = article_get_content(article=article)
    references = (
        _keep_reference_details(parsed.references, current.references)
        if fmt == "text"
        else parsed.references
    )
    content = dataclasses.replace(
        parsed,
        title=parsed.title or article.title,
        display_heading=parsed.display_heading or current.display_heading,
        last_updated=current.last_updated,
        references=references,
        claims=carry_uids(current.claims, parsed.claims, keep_unwritten=fmt == "text"),
    )
    if content == current:
        return article
    return services.article_replace_content(
        article=article, by=by, expected_version=expected_version, content=content
    )
