"""The plain shape of an article's content, independent of the database.

One structure serves the importers and exporters, the published snapshot of an
approved version, the desk's body editor and the public page: the parser turns
text into an ``ArticleContent``, the models turn an article into one, and the
page renders one.

References are numbered 1..n in list order. A citation number that has no
reference behind it (greater than ``len(references)``) is *unresolved*: it is
kept, shown to editors and blocks approval, never dropped.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from enum import StrEnum


class ClaimKind(StrEnum):
    HEADING = "heading"  # a section heading (h2)
    SUBHEADING = "subheading"  # a sub-section heading (h3)
    PARAGRAPH = "paragraph"
    BULLET = "bullet"  # an item of an unordered list
    NUMBERED = "numbered"  # an item of an ordered list

    @property
    def is_heading(self) -> bool:
        return self in (ClaimKind.HEADING, ClaimKind.SUBHEADING)

    @property
    def is_list_item(self) -> bool:
        return self in (ClaimKind.BULLET, ClaimKind.NUMBERED)


class ReferenceKind(StrEnum):
    GUIDELINE = "Guideline"
    RESEARCH = "Research"
    SYSTEMATIC_REVIEW = "Systematic review"
    DRUG_LABEL = "Drug label"
    REVIEW = "Review"
    OTHER = "Other"


@dataclass(frozen=True)
class ReferenceData:
    kind: ReferenceKind
    title: str
    source: str
    year: int
    authors: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    # Kept in the library for the desk and the board; readers never see it, so it is no
    # part of the reviewed content (``articles.reviewed.REFERENCE_FIELDS``) and two
    # records of one work compare equal whether or not they carry it.
    abstract: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class CitedPassage:
    """The passage of a cited source that supports a claim, quoted, and where it stands."""

    number: int  # the reference number it is quoted from, as the claim cites it
    quote: str
    locator: str = ""  # page, section or table, as the editor names it


@dataclass(frozen=True)
class ClaimData:
    kind: ClaimKind
    text: str
    # Nesting depth of a list item: 0 for a top-level item, 1 for an item under it...
    level: int = 0
    # Reference numbers cited at the end of the claim, in the order written.
    citations: tuple[int, ...] = ()
    # The editor states that this fact needs no citation (headings never need one).
    needs_no_citation: bool = False
    # Optional plain-language version for patients and caregivers.
    plain_text: str = ""
    # Stable identity of the claim across revisions (a UUID string), when known.
    uid: str = ""
    # Quoted passages of the cited sources, one per cited reference number at most.
    passages: tuple[CitedPassage, ...] = ()
    # The GRADE certainty of the evidence behind the claim (``articles.evidence``), or "".
    evidence: str = ""

    def passage_for(self, number: int) -> CitedPassage | None:
        return next((p for p in self.passages if p.number == number), None)

    @property
    def states_fact(self) -> bool:
        return not self.kind.is_heading


@dataclass(frozen=True)
class ArticleContent:
    title: str  # the reader's question
    claims: tuple[ClaimData, ...] = ()
    references: tuple[ReferenceData, ...] = ()
    display_heading: str = ""
    last_updated: datetime.date | None = None

    def unresolved_numbers(self) -> list[int]:
        """Cited numbers with no reference behind them, in order of first citation."""
        seen: dict[int, None] = {}
        for claim in self.claims:
            for number in claim.citations:
                if not 1 <= number <= len(self.references):
                    seen.setdefault(number, None)
        return list(seen)

    def with_reference(self, data: ReferenceData) -> tuple[ArticleContent, int]:
        """The content with ``data`` among its references, and the number it is cited by.

        Unresolved numbers follow the references (n+1...), so a new reference
        moves them up by one to keep them pointing at nothing.
        """
        if data in self.references:
            return self, self.references.index(data) + 1
        shift = {n: n + 1 for n in self.unresolved_numbers()}
        claims = tuple(
            dataclasses.replace(c, citations=tuple(shift.get(n, n) for n in c.citations))
            for c in self.claims
        )
        changed = dataclasses.replace(self, claims=claims, references=(*self.references, data))
        return changed, len(self.references) + 1


@dataclass(frozen=True)
class ContentError:
    """One problem found in an input, located for the person who has to fix it."""

    message: str
    line: int | None = None  # 1-based line in a text or Markdown input
    path: str = ""  # JSON path, such as "$.claims[3].citations[0]"

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else (f"{self.path}: " if self.path else "")
        return f"{where}{self.message}"


class ContentParseError(ValueError):
    """Raised by the parsers, and only by them, for input they cannot accept."""

    def __init__(self, errors: list[ContentError] | ContentError | str):
        if isinstance(errors, str):
            errors = [ContentError(errors)]
        elif isinstance(errors, ContentError):
            errors = [errors]
        self.errors: list[ContentError] = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


__all__ = [
    "ArticleContent",
    "CitedPassage",
    "ClaimData",
    "ClaimKind",
    "ContentError",
    "ContentParseError",
    "ReferenceData",
    "ReferenceKind",
]
