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
    on_shelf: bool = False  # put by for this article, not cited yet


def _matches(reference: Reference, words: list[str], doi: str, pmid: str) -> bool:
    if (doi and reference.doi == doi) or (pmid and reference.pmid == pmid):
        return True
    haystack = f"{reference.title} {reference.source} {reference.authors}".casefold()
    return all(word.casefold() in haystack for word in words)


def reference_search(
    *, article: Article, query: str, limit: int = PICKER_LIMIT
) -> list[ReferenceChoice]:
    """What the picker offers: the article's references matching ``query`` (all of them when it
    is empty), then its shelf, then library matches by title words, DOI or PMID; at most
    ``limit`` (2 queries, 3 with a query)."""
    query = query.strip()
    doi, pmid = normalise_doi(query), normalise_pmid(query)
    words = query.split()
    choices = selectors.article_reference_choices(article=article, query=query, limit=limit)

    def wanted(reference: Reference) -> bool:
        return not query or _matches(reference, words, doi, pmid)

    found = [
        ReferenceChoice(reference, number)
        for number, reference in enumerate(choices.cited, start=1)
        if wanted(reference)
    ]
    found += [ReferenceChoice(r, None, on_shelf=True) for r in choices.shelf if wanted(r)]
    found += [ReferenceChoice(r, None) for r in choices.library]
    return found[:limit]


__all__ = ["EditorBody", "EditorRow", "ReferenceChoice", "editor_get_body", "reference_search"]
