"""Reads for the structured editor: the claims as editable rows, and the citation picker's search.

The picker searches the article's own references first (numbered as readers
see them, by first citation), then the library, so an editor finds what the
article already cites before adding anything new.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from articles.content import ArticleContent
from articles.identifiers import normalise_doi, normalise_pmid
from articles.models import Article, Claim, Reference
from articles.selectors import claims_with_citations, content_from_claims, reference_to_data
from desk import reference_choices

PICKER_LIMIT = 12


@dataclass(frozen=True)
class CitedReference:
    number: int
    reference: Reference | None  # None: a number with no reference behind it yet
    label: str = ""
    on_shelf: bool = False  # put by for the article, not cited yet: numbered after the cited
    passage: str = ""  # quoted from the reference in support of the claim citing it
    locator: str = ""  # where the passage stands in the source


@dataclass
class EditorRow:
    """One claim as the editor shows it."""

    claim: Claim
    number: int
    citations: list[CitedReference] = field(default_factory=list)

    @property
    def citation_numbers(self) -> str:
        return ", ".join(str(c.number) for c in self.citations)

    @property
    def quotable(self) -> list[CitedReference]:
        """The cited references a passage can be quoted from: each resolved one, once."""
        seen: set[int] = set()
        found = []
        for cited in self.citations:
            if cited.reference is not None and cited.reference.pk not in seen:
                seen.add(cited.reference.pk)
                found.append(cited)
        return found

    @property
    def quoted(self) -> int:
        return sum(1 for c in self.quotable if c.passage)


@dataclass
class EditorBody:
    article: Article
    rows: list[EditorRow]
    # The article's references: 1..n by first citation, then its shelf, n+1...
    references: list[CitedReference]
    shelved: int = 0  # how many of them are on the shelf, not cited yet


def content_with_shelf(*, article: Article, content: ArticleContent):
    """The content numbered as the editor types numbers, and the shelf's references.

    One rule everywhere: references are numbered by first citation, as readers
    see them; those on the article's shelf and not cited yet follow, in the
    order they were put there, so a reference has a number as soon as it is
    added and a typed number finds it. Citing one may move it earlier, and the
    numbers everywhere follow (unresolved numbers come after all of them).
    """
    shelf = reference_choices.article_reference_choices(article=article).shelf
    for reference in shelf:
        content, _ = content.with_reference(reference_to_data(reference))
    return content, shelf


def editor_get_body(*, article: Article) -> EditorBody:
    """The claims with their citations numbered as the editor types them (4 queries)."""
    claims = list(claims_with_citations(article))
    content, shelf = content_with_shelf(
        article=article, content=content_from_claims(article, claims)
    )
    numbers: dict[int, int] = {}
    references: list[CitedReference] = []
    for claim in claims:
        for citation in claim.citations.all():
            if citation.reference_id is not None and citation.reference_id not in numbers:
                numbers[citation.reference_id] = len(numbers) + 1
                references.append(CitedReference(len(numbers), citation.reference))
    references += [
        CitedReference(len(numbers) + n, reference, on_shelf=True)
        for n, reference in enumerate(shelf, 1)
    ]
    rows = []
    for index, (claim, data) in enumerate(zip(claims, content.claims, strict=True), start=1):
        cited = [
            CitedReference(
                number, c.reference, c.unresolved_label, False, c.passage, c.passage_locator
            )
            for number, c in zip(data.citations, claim.citations.all(), strict=True)
        ]
        rows.append(EditorRow(claim=claim, number=index, citations=cited))
    return EditorBody(article=article, rows=rows, references=references, shelved=len(shelf))


DELETED_SHOWN = 10


def deleted_claim_list(*, article: Article, limit: int = DELETED_SHOWN) -> list:
    """The article's claims deleted and not back, latest first, as they read when deleted
    (history rows; 2 queries)."""
    present = set(article.claims.values_list("uid", flat=True))
    found, seen = [], set()
    rows = Claim.history.filter(article_id=article.pk, history_type="-").order_by(
        "-history_date", "-history_id"
    )
    for row in rows[: limit * 4].iterator():
        if row.uid in present or row.uid in seen:
            continue
        seen.add(row.uid)
        found.append(row)
        if len(found) == limit:
            break
    return found


def deleted_claim_get(*, article: Article, uid: str):
    """The history row of the claim's last deletion from the article, or None (1 query)."""
    return (
        Claim.history.filter(article_id=article.pk, uid=uid, history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )


@dataclass(frozen=True)
class ReferenceChoice:
    reference: Reference
    number: int | None  # its number in the article, when the article cites it already
    on_shelf: bool = False  # put by for this article, not cited yet


def _matches(reference: Reference, words: list[str], doi: str, pmid: str) -> bool:
    if (doi and reference.doi == doi) or (pmid and reference.pmid == pmid):
        return True
    haystack = f"{reference.title} {reference.source} {reference.authors} {reference.year}"
    haystack = haystack.casefold()
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
    choices = reference_choices.article_reference_choices(article=article, query=query, limit=limit)

    def wanted(reference: Reference) -> bool:
        return not query or _matches(reference, words, doi, pmid)

    found = [
        ReferenceChoice(reference, number)
        for number, reference in enumerate(choices.cited, start=1)
        if wanted(reference)
    ]
    # Shelf entries have their numbers already: after the cited ones (``content_with_shelf``).
    found += [
        ReferenceChoice(r, len(choices.cited) + n, on_shelf=True)
        for n, r in enumerate(choices.shelf, start=1)
        if wanted(r)
    ]
    found += [ReferenceChoice(r, None) for r in choices.library]
    return found[:limit]


__all__ = [
    "EditorBody",
    "EditorRow",
    "ReferenceChoice",
    "content_with_shelf",
    "deleted_claim_get",
    "deleted_claim_list",
    "editor_get_body",
    "reference_search",
]
