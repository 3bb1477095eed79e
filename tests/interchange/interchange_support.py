"""Seed pages and Hypothesis strategies shared by the interchange tests."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

from hypothesis import strategies as st

from articles.content import ArticleContent, ClaimData, ClaimKind, ReferenceData, ReferenceKind

SEED_DIR = Path(__file__).resolve().parents[2] / "data" / "seeds"
SEED_PATHS = sorted(SEED_DIR.glob("*.txt"))

CHROME_PREFIXES = (
    "Medical Advisory Board",
    "Educational purpose only",
    "Article Review Status",
    "Last updated:",
    "Personalize",
    "Help us tailor your experience",
    "Which best describes you?",
)
STATUS_LINES = {"Submitted", "Under Review", "Approved"}
END_OF_CONTENT = "Professional Medical Disclaimer"


def seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def without_chrome(text: str) -> list[str]:
    """Stripped non-blank lines, minus the title, site chrome and everything from the disclaimer."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if END_OF_CONTENT in lines:
        lines = lines[: lines.index(END_OF_CONTENT)]
    body = lines[1:]
    in_status = False
    kept = []
    for line in body:
        if in_status and line in STATUS_LINES:
            continue
        in_status = line == "Article Review Status"
        if not line.startswith(CHROME_PREFIXES):
            kept.append(line)
    return kept


def carried_by_text(content: ArticleContent) -> ArticleContent:
    """What page-text keeps of an article written with its heuristics in mind."""
    claims: list[ClaimData] = []
    for claim in content.claims:
        kind = claim.kind
        if kind == ClaimKind.HEADING and claims and claims[-1].kind.is_heading:
            kind = ClaimKind.SUBHEADING
        claims.append(ClaimData(kind, claim.text, claim.level, claim.citations))
    references = tuple(ReferenceData(r.kind, r.title, r.source, r.year) for r in content.references)
    return dataclasses.replace(content, claims=tuple(claims), references=references)


# --- Any content the Markdown and JSON formats must carry exactly -------------------------

_LINE_CHARS = st.characters(codec="utf-8", exclude_characters="\n\r")


def text_lines(max_size: int = 30) -> st.SearchStrategy[str]:
    """One stripped, non-empty line of arbitrary text."""
    return st.text(_LINE_CHARS, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def optional_lines() -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), text_lines())


def fix_levels(claims: list[ClaimData]) -> tuple[ClaimData, ...]:
    """Keep levels within the rule: only items nest, at most one level below the item above."""
    fixed: list[ClaimData] = []
    for claim in claims:
        previous = fixed[-1] if fixed else None
        deepest = previous.level + 1 if previous and previous.kind.is_list_item else 0
        level = min(claim.level, deepest) if claim.kind.is_list_item else 0
        fixed.append(dataclasses.replace(claim, level=level))
    return tuple(fixed)


citations = st.lists(st.integers(0, 40), max_size=4).map(tuple)
years = st.integers(1000, 9999)
dates = st.none() | st.dates(min_value=datetime.date(1000, 1, 1))

claims_any = st.builds(
    ClaimData,
    kind=st.sampled_from(ClaimKind),
    text=text_lines(),
    level=st.integers(0, 3),
    citations=citations,
    needs_no_citation=st.booleans(),
    plain_text=optional_lines(),
    uid=st.one_of(st.just(""), st.uuids().map(str)),
)

references_any = st.builds(
    ReferenceData,
    kind=st.sampled_from(ReferenceKind),
    title=text_lines(),
    source=optional_lines(),
    year=years,
    authors=optional_lines(),
    doi=optional_lines(),
    pmid=optional_lines(),
    url=st.one_of(optional_lines(), st.just("https://example.org/a_b?c=1")),
)

contents_any = st.builds(
    ArticleContent,
    title=text_lines(),
    claims=st.lists(claims_any, max_size=8).map(fix_levels),
    references=st.lists(references_any, max_size=4).map(tuple),
    display_heading=optional_lines(),
    last_updated=dates,
)

# --- Content written the way page-text reads it --------------------------------------------

_HEADING_WORDS = [
    "Baclofen",
    "spasticity",
    "Oral",
    "renal",
    "Dosing",
    "GABA-B",
    "Safety",
    "and",
    "of",
]
_SENTENCE_WORDS = _HEADING_WORDS + [
    "30-80 mg/day",
    "10%",
    "only 2 trials",
    "(sedation)",
    "e.g.",
    "—",
]


def _words(vocabulary: list[str], max_size: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(vocabulary), min_size=1, max_size=max_size).map(" ".join)


_headings = _words(_HEADING_WORDS, 6)
_sentences = _words(_SENTENCE_WORDS, 12)

claims_for_text = st.one_of(
    st.builds(ClaimData, kind=st.just(ClaimKind.HEADING), text=_headings),
    st.builds(ClaimData, kind=st.just(ClaimKind.SUBHEADING), text=_headings.map(lambda t: t + ":")),
    st.builds(
        ClaimData,
        kind=st.just(ClaimKind.PARAGRAPH),
        text=_sentences.map(lambda t: t + "."),
        citations=citations,
    ),
    st.builds(
        ClaimData,
        kind=st.sampled_from([ClaimKind.BULLET, ClaimKind.NUMBERED]),
        text=_sentences,
        level=st.integers(0, 2),
        citations=citations,
    ),
)

references_for_text = st.builds(
    ReferenceData,
    kind=st.sampled_from(ReferenceKind),
    title=_sentences,
    source=st.one_of(st.just(""), _sentences, _sentences.map(lambda s: s + ", Europe")),
    year=years,
)

contents_for_text = st.builds(
    ArticleContent,
    title=_sentences.map(lambda t: t + "?"),
    claims=st.lists(claims_for_text, max_size=10).map(fix_levels),
    references=st.lists(references_for_text, max_size=4).map(tuple),
    display_heading=_headings,
    last_updated=dates,
)
