"""Reads for the structured editor: the claims as editable rows, and the citation picker's search.

The picker searches the article's own references first (numbered as readers
see them, by first citation), then the library, so an editor finds what the
article already cites before adding anything new.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from articles.identifiers import normalise_doi, normalise_pmid
from articles.models import Article, Claim, Reference
from articles.selectors import claims_with_citations, content_from_claims
from desk import selectors

PICKER_LIMIT = 12


@dataclass(frozen=True)
class CitedReference:
    number: int
    reference: Reference | None  # None: a number with no reference behind it yet
    label: str = ""


@dataclass
class EditorRow:
    """One claim as the editor shows it."""

    claim: Claim
    number: int
    citations: list[CitedReference] = field(default_factory=list)

    @property
    def citation_numbers(self) -> str:
        return ", ".join(str(c.number) for c in self.citations)


@dataclass
class EditorBody:
    article: Article
    rows: list[EditorRow]
    references: list[CitedReference]  # the article's references, 1..n by first citation


def editor_get_body(*, article: Article) -> EditorBody:
    """The claims with their citations numbered as readers see them (2 queries)."""
    claims = list(claims_with_citations(article))
    content = content_from_claims(article, claims)
    numbers: dict[int, int] = {}
    references: list[CitedReference] = []
    for claim in claims:
        for citation in claim.citations.all():
            if citation.reference_id is not None and citation.reference_id not in numbers:
                numbers[citation.reference_id] = len(numbers) + 1
                references.append(CitedReference(len(numbers), citation.reference))
    rows = []
    for index, (claim, data) in enumerate(zip(claims, content.claims, strict=True), start=1):
        cited = [
            CitedReference(number, c.reference, c.unresolved_label)
            for number, c in zip(data.citations, claim.citations.all(), strict=True)
        ]
        rows.append(EditorRow(claim=claim, number=index, citations=cited))
    return EditorBody(article=article, rows=rows, references=references)


@dataclass(frozen=True)
class ReferenceChoice:
    reference: Reference
    number: int | None  # its number in the article, when the article cites it already


def _matches(reference: Reference, words: list[str], doi: str, pmid: str) -> bool:
    if (doi and reference.doi == doi) or (pmid and reference.pmid == pmid):
        return True
    haystack = f"{reference.title} {reference.source} {reference.authors}".casefold()
    return all(word.casefold() in haystack for word in words)


def reference_search(
    *, article: Article, query: str, limit: int = PICKER_LIMIT
) -> list[ReferenceChoice]:
    """The article's references matching ``query`` (all of them when it is empty), then library
    matches by title words, DOI or PMID; at most ``limit`` (3 queries)."""
    query = query.strip()
    doi, pmid = normalise_doi(query), normalise_pmid(query)
    words = query.split()
    own: list[ReferenceChoice] = []
    seen: set[int] = set()
    citing = (
        Claim.objects.filter(article=article, citations__reference__isnull=False)
        .order_by("position", "citations__position")
        .values_list("citations__reference_id", flat=True)
    )
    order = list(dict.fromkeys(citing))
    seen.update(order)
    by_pk = Reference.objects.in_bulk(order)
    for number, pk in enumerate(order, start=1):
        reference = by_pk[pk]
        if not query or _matches(reference, words, doi, pmid):
            own.append(ReferenceChoice(reference, number))
    found = list(own[:limit])
    if query and len(found) < limit:
        library = selectors.reference_search(query=query, limit=limit + len(seen))
        found += [ReferenceChoice(r, None) for r in library if r.pk not in seen][
            : limit - len(found)
        ]
    return found


__all__ = ["EditorBody", "EditorRow", "ReferenceChoice", "editor_get_body", "reference_search"]
