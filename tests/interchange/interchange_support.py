"""Seed pages and Hypothesis strategies shared by the interchange tests."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

from hypothesis import strategies as st

from articles.content import (
    ArticleContent,
    CitedPassage,
    ClaimData,
    ClaimKind,
    ReferenceData,
    ReferenceKind,
)
from articles.evidence import EvidenceLevel

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
    in_subsections = False  # a heading followed directly by a heading opened subsections
    for index, claim in enumerate(content.claims):
        kind = claim.kind
        following = content.claims[index + 1] if index + 1 < len(content.claims) else None
        opens_section = following is not None and following.kind.is_heading
        if kind == ClaimKind.HEADING and claims and claims[-1].kind.is_heading:
            kind = ClaimKind.SUBHEADING
        elif kind == ClaimKind.HEADING and in_subsections and not opens_section:
            kind = ClaimKind.SUBHEADING  # a sibling of the sub-headings before it
        if kind == ClaimKind.HEADING:
            in_subsections = opens_section
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


@st.composite
def evidence_of(draw, claim: ClaimData) -> ClaimData:
    """A level and quoted passages, as the formats accept them: a level only on a fact that
    is not marked "needs no reference", a passage only of a cited number, once each."""
    level = draw(st.sampled_from(["", *EvidenceLevel.values]))
    if claim.kind.is_heading or claim.needs_no_citation:
        level = ""
    quoted = (
        draw(st.lists(st.sampled_from(claim.citations), unique=True, max_size=2))
        if [n for n in claim.citations if n > 0]
        else []
    )
    passages = tuple(
        CitedPassage(
            number,
            "\n".join(draw(st.lists(text_lines(), min_size=1, max_size=3))),
            draw(optional_lines()),
        )
        for number in quoted
        if number > 0
    )
    return dataclasses.replace(claim, evidence=level, passages=passages)


claims_any = claims_any.flatmap(evidence_of)

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
