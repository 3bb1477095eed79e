"""Which library type an imported entry is, from what its format says of it.

Publication types (PubMed's PT, or a type of work or genre) say most and are
asked first; then a title that names itself a guideline or a systematic review;
then the format's entry type (RIS TY, BibTeX @type, CSL type), which only tells
a journal article from a book or a web page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from articles.content import ReferenceKind

# Most specific first: a "Systematic Review" is also tagged "Review" in PubMed.
_PUBLICATION_TYPES: tuple[tuple[ReferenceKind, tuple[str, ...]], ...] = (
    (ReferenceKind.GUIDELINE, ("practice guideline", "guideline", "consensus development")),
    (ReferenceKind.SYSTEMATIC_REVIEW, ("systematic review", "meta-analysis", "meta analysis")),
    (ReferenceKind.DRUG_LABEL, ("drug label", "prescribing information", "package insert")),
    (ReferenceKind.REVIEW, ("review",)),
    (
        ReferenceKind.RESEARCH,
        (
            "clinical trial",
            "randomized controlled trial",
            "observational study",
            "comparative study",
            "multicenter study",
            "cohort",
            "case reports",
            "validation study",
            "evaluation study",
            "twin study",
        ),
    ),
)

_TITLE_WORDS: tuple[tuple[ReferenceKind, re.Pattern], ...] = (
    (ReferenceKind.GUIDELINE, re.compile(r"\bguidelines?\b|\bconsensus statement\b", re.I)),
    (
        ReferenceKind.SYSTEMATIC_REVIEW,
        re.compile(r"\bsystematic review\b|\bmeta-?analys[ie]s\b", re.I),
    ),
)

RIS_TYPES = {
    **dict.fromkeys(
        ("JOUR", "JFULL", "EJOUR", "INPR", "ABST", "CONF", "CPAPER", "THES", "DATA", "CLINICAL"),
        ReferenceKind.RESEARCH,
    ),
    "STAND": ReferenceKind.GUIDELINE,
}

BIBTEX_TYPES = dict.fromkeys(
    (
        "article",
        "inproceedings",
        "conference",
        "proceedings",
        "phdthesis",
        "mastersthesis",
        "thesis",
        "dataset",
    ),
    ReferenceKind.RESEARCH,
)

CSL_TYPES = {
    **dict.fromkeys(
        ("article-journal", "paper-conference", "thesis", "dataset", "article"),
        ReferenceKind.RESEARCH,
    ),
    "standard": ReferenceKind.GUIDELINE,
}


def kind_from_publication_types(types: Iterable[str]) -> ReferenceKind | None:
    names = [t.strip().casefold() for t in types if isinstance(t, str) and t.strip()]
    for kind, words in _PUBLICATION_TYPES:
        if any(word in name for name in names for word in words):
            return kind
    return None


def reference_kind(
    *, type_kind: ReferenceKind | None, publication_types: Iterable[str] = (), title: str = ""
) -> ReferenceKind:
    """The library type: publication types, then the title's own words, then the entry type."""
    found = kind_from_publication_types(publication_types)
    if found is not None:
        return found
    for kind, pattern in _TITLE_WORDS:
        if pattern.search(title or ""):
            return kind
    return type_kind or ReferenceKind.OTHER
