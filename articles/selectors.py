"""Reads: what an article contains, what the public may see, what awaits whom."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from articles.content import (
    ArticleContent,
    CitedPassage,
    ClaimData,
    ClaimKind,
    ReferenceData,
    ReferenceKind,
)
from articles.interchange.jsonformat import content_from_document
from articles.models import Article, ArticleVersion, Citation, Claim, EditorialPolicy, Reference
from articles.permissions import IMPORTER_USERNAME
from articles.visibility import Shown, shown_for


def claims_with_citations(article: Article) -> QuerySet[Claim]:
    """The article's claims in order, citations and their references prefetched (2 queries)."""
    return article.claims.prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("reference"))
    )


def reference_to_data(reference: Reference) -> ReferenceData:
    return ReferenceData(
        kind=ReferenceKind(reference.kind),
        title=reference.title,
        source=reference.source,
        year=reference.year,
        authors=reference.authors,
        doi=reference.doi,
        pmid=reference.pmid,
        url=reference.url,
    )


def content_from_claims(article: Article, claims: list[Claim]) -> ArticleContent:
    """Number the references 1..n by first citation; unresolved numbers follow, n+1..."""
    reference_numbers: dict[int, int] = {}
    references: list[ReferenceData] = []
    for claim in claims:
        for citation in claim.citations.all():
            if citation.reference_id is not None and citation.reference_id not in reference_numbers:
                references.append(reference_to_data(citation.reference))
                reference_numbers[citation.reference_id] = len(references)
    unresolved_numbers: dict[str, int] = {}
    claim_data = []
    for claim in claims:
        numbers = []
        passages = []
        for citation in claim.citations.all():
            if citation.reference_id is not None:
                numbers.append(reference_numbers[citation.reference_id])
                if citation.passage:
                    passages.append(
                        CitedPassage(numbers[-1], citation.passage, citation.passage_locator)
                    )
            else:
                label = citation.unresolved_label
                if label not in unresolved_numbers:
                    unresolved_numbers[label] = len(references) + len(unresolved_numbers) + 1
                numbers.append(unresolved_numbers[label])
        claim_data.append(
            ClaimData(
                kind=ClaimKind(claim.kind),
                text=claim.text,
                level=claim.level,
                citations=tuple(numbers),
                needs_no_citation=claim.needs_no_citation,
                plain_text=claim.plain_text,
                uid=str(claim.uid),
                passages=tuple(passages),
                evidence=claim.evidence,
            )
        )
    return ArticleContent(
        title=article.title,
        display_heading=article.display_heading,
        last_updated=article.last_updated,
        claims=tuple(claim_data),
        references=tuple(references),
    )


def article_get_content(*, article: Article) -> ArticleContent:
    """The article's working content as it stands now (3 queries)."""
    return content_from_claims(article, list(claims_with_citations(article)))


def article_list_writers(*, article: Article) -> list[str]:
    """The names of the editors who wrote the revision now in the workflow (1 query).

    The import pipeline's account is a door, not a writer: it is never credited.
    """
    users = article.contributors.exclude(username=IMPORTER_USERNAME).order_by("last_name", "pk")
    return [user.get_full_name() or user.get_username() for user in users]


def policy_get_in_force(*, on=None) -> EditorialPolicy | None:
    """The editorial policy version in force: the latest already effective."""
    day = on or timezone.localdate()
    return EditorialPolicy.objects.filter(effective_date__lte=day).order_by("-version").first()


@dataclass(frozen=True)
class PublicArticle:
    """What a reader is shown of an article, and whether the board approved it."""

    article: Article
    content: ArticleContent
    version: ArticleVersion | None  # the approved version shown, if any

    @property
    def is_approved(self) -> bool:
        return self.version is not None


def article_get_public_content(*, article: Article) -> PublicArticle | None:
    """The content readers may see (``articles.visibility``): the approved snapshot, else the
    pending submission while the site shows those, else None.

    Once a version is approved, readers see exactly that snapshot while any
    later revision is in progress.
    """
    shown = shown_for(article)
    if shown == Shown.APPROVED:
        version = article.published_version
        return PublicArticle(
            article=article, content=content_from_document(version.content), version=version
        )
    if shown == Shown.PENDING:
        return PublicArticle(
            article=article, content=article_get_content(article=article), version=None
        )
    return None
