"""Page-text: the plain text of an article page, as copied from the site or exported.

Layout (blank lines are insignificant)::

    What is baclofen used for?                 the title (the reader's question)
    Last updated: February 6, 2026             optional
    What is Baclofen Used For?                 the display heading
    Primary FDA-Approved Indications           a heading
    Baclofen tablets are indicated ...: 1      a paragraph citing reference 1
      • Multiple sclerosis ... 1               a bullet, level 0 (two-space indent)
        • Nested item                          level 1: two more spaces per level
      1. First-line ... 2, 4                   a numbered item citing 2 and 4
    References
    Guideline                                  type: a ReferenceKind, any case
    Baclofen Use in Pain Management            title
    Praxis Medical Insights, 2026              "source, year"

A page copied from the site also carries chrome, which is recognised and skipped:
between the title and the display heading the "Medical Advisory Board..." and
"Educational purpose only..." banners, the "Article Review Status" block with its
"Submitted", "Under Review" and "Approved" lines, "Last updated: <date>View
editorial policy" (the date is kept) and the "Personalize" prompt; and everything
from "Professional Medical Disclaimer" (or "Have a follow-up question?") to the end.

The display heading is the first body line, unless that line is a list item or
cites a reference, in which case the article has none.

Citations are the final run of `` <int>(, <int>)*`` on a line with text before it:
"... disease. 2, 4" cites 2 and 4, while "30-80 mg/day" or "only 2 trials" in the
middle of a sentence are text. A run with an empty item ("2,,3", "2, , 3", "2,")
is an error, and so is a number of more than six digits; "1,000" is a number.

The text cannot say whether a plain line is a heading, so it is read this way:
a line with no citations, no sentence ending (".", "!" or "?" at the end or
before a space) and at most 80 characters is a heading; the rest are paragraphs.
A heading ending in ":" or directly following another heading is a SUBHEADING.
Its siblings are read the same way: once a heading has been followed directly by
a sub-heading, the headings after them are sub-headings of it too, until one is
followed directly by a heading of its own (it opens the next section). Any other
heading is a HEADING.

What page-text cannot carry: plain-language text, the needs-no-citation flag,
claim uids, and reference authors, DOI, PMID and URL. It also cannot tell apart
a paragraph that reads like a heading, a heading that reads like a paragraph, a
text that ends in a number but cites nothing, a text that starts with "• " or
"1. ", a body line "References", or a display heading that is missing or that
looks like chrome. ``render_text`` writes such content anyway; reading it back
gives the reading described above.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from articles import limits
from articles.content import (
    ArticleContent,
    ClaimData,
    ClaimKind,
    ContentError,
    ContentParseError,
    ReferenceData,
    ReferenceKind,
)

HEADING_MAX_LENGTH = 80
MAX_CITATION_DIGITS = 6
BULLET = "•"
REFERENCES = "References"

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_CHROME_PREFIXES = (
    "Medical Advisory Board",
    "Educational purpose only",
    "Which best describes you?",
)
_CHROME_LINES = frozenset({"Personalize", "Help us tailor your experience"})
_STATUS_HEADER = "Article Review Status"
_STATUS_LINES = frozenset({"Submitted", "Under Review", "Approved"})
_END_OF_CONTENT = frozenset({"Professional Medical Disclaimer", "Have a follow-up question?"})

LAST_UPDATED = "Last updated:"
_EDITORIAL_POLICY_LINK = "View editorial policy"
_LONG_DATE = re.compile(r"(?P<month>[A-Za-z]+)\.?\s+(?P<day>[0-9]{1,2}),?\s+(?P<year>[0-9]{4})")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LIST_ITEM = re.compile(r"(?P<indent>\s*)(?P<marker>•|[0-9]{1,9}\.)(?:\s+(?P<text>.*))?")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_NUMBER_BREAK = re.compile(r"(?<=[0-9]) +(?=[0-9])")
_CITATION_LIST = re.compile(r"[0-9]+(?:\s*,\s*[0-9]+)*")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
YEAR = re.compile(r"[1-9][0-9]{3}")
REFERENCE_KINDS = {kind.value.casefold(): kind for kind in ReferenceKind}


class _LineError(Exception):
    """A problem with one line, turned into a ContentError by the caller."""


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based, in the input as given
    raw: str

    @property
    def text(self) -> str:
        return self.raw.strip()


@dataclass(frozen=True)
class _BodyLine:
    line: int
    kind: ClaimKind | None  # BULLET or NUMBERED; None for a heading or paragraph
    text: str
    level: int
    citations: tuple[int, ...]


def parse_text(text: str) -> ArticleContent:
    """Read an article from page-text, raising ContentParseError with every problem found."""
    lines = _content_lines(text)
    if not lines:
        raise ContentParseError("the article has no title: its first line must be the question")
    errors: list[ContentError] = []
    last_updated, body_start = _read_preamble(lines[1:], errors)
    body, references = _split_references(lines[1 + body_start :])
    body_lines = [parsed for line in body if (parsed := _read_body_line(line, errors))]
    display_heading = ""
    if body_lines and body_lines[0].kind is None and not body_lines[0].citations:
        display_heading = body_lines.pop(0).text
    claims = _claims(body_lines, errors)
    parsed_references = _read_references(references, errors)
    errors += limits.content_errors(
        ArticleContent(title="", claims=claims, references=parsed_references),
        claim_lines=[line.line for line in body_lines],
        reference_lines=[references[start].number for start in range(0, len(references), 3)],
    )
    if errors:
        raise ContentParseError(errors)
    return ArticleContent(
        title=lines[0].text,
        claims=claims,
        references=parsed_references,
        display_heading=display_heading,
        last_updated=last_updated,
    )


def render_text(content: ArticleContent) -> str:
    """Write an article as page-text without site chrome."""
    out = [content.title, ""]
    if content.last_updated:
        out += [f"{LAST_UPDATED} {format_long_date(content.last_updated)}", ""]
    if content.display_heading:
        out += [content.display_heading, ""]
    out += _render_claims(content.claims)
    if content.references:
        out += [REFERENCES, ""]
        for reference in content.references:
            out += [reference.kind.value, "", reference.title, "", _source_year(reference), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def split_lines(text: str) -> list[str]:
    """Split on line feeds only, after normalising CR and CRLF endings."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def list_layout(claims: Sequence[ClaimData]) -> list[tuple[int, int]]:
    """Each claim's nesting level and, for a numbered item, its number within its list."""
    layout: list[tuple[int, int]] = []
    path: list[tuple[ClaimKind, int]] = []  # kind and count of the latest item at each level
    for claim in claims:
        if not claim.kind.is_list_item:
            path.clear()
            layout.append((0, 0))
            continue
        # An item can sit at most one level below the item before it.
        level = max(0, min(claim.level, len(path)))
        same_list = level < len(path) and path[level][0] == claim.kind
        count = path[level][1] + 1 if same_list else 1
        del path[level:]
        path.append((claim.kind, count))
        layout.append((level, count if claim.kind == ClaimKind.NUMBERED else 0))
    return layout


def format_long_date(date: datetime.date) -> str:
    """A date as the site writes it, such as "February 6, 2026"."""
    return f"{MONTHS[date.month - 1]} {date.day}, {date.year:04d}"


def _content_lines(text: str) -> list[_Line]:
    """The non-blank lines before the disclaimer, numbered as in the input."""
    lines: list[_Line] = []
    for number, raw in enumerate(split_lines(text), start=1):
        line = _Line(number, raw.rstrip())
        if line.text in _END_OF_CONTENT:
            break
        if line.text:
            lines.append(line)
    return lines


def _read_preamble(
    lines: Sequence[_Line], errors: list[ContentError]
) -> tuple[datetime.date | None, int]:
    """Skip the chrome after the title; return the date found and where the body starts."""
    last_updated: datetime.date | None = None
    in_status_block = False
    for index, line in enumerate(lines):
        if in_status_block and line.text in _STATUS_LINES:
            continue
        in_status_block = line.text == _STATUS_HEADER
        if in_status_block or line.text in _CHROME_LINES or line.text.startswith(_CHROME_PREFIXES):
            continue
        if not line.text.startswith(LAST_UPDATED):
            return last_updated, index
        date = line.text.removeprefix(LAST_UPDATED).removesuffix(_EDITORIAL_POLICY_LINK)
        try:
            last_updated = read_date(date.strip())
        except _LineError as error:
            errors.append(ContentError(str(error), line.number))
    return last_updated, len(lines)


def read_date(value: str) -> datetime.date:
    """Read "February 6, 2026" or "2026-02-06"."""
    try:
        if ISO_DATE.fullmatch(value):
            return datetime.date.fromisoformat(value)
        match = _LONG_DATE.fullmatch(value)
        if match:
            month = _month_number(match["month"])
            return datetime.date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        pass
    raise _LineError(f"cannot read the date {value!r}; write it as 'February 6, 2026'")


def _month_number(name: str) -> int:
    """1-12 for a month's full or three-letter name, in English whatever the locale."""
    for number, month in enumerate(MONTHS, start=1):
        if name.casefold() in (month.casefold(), month[:3].casefold()):
            return number
    raise ValueError(name)


def _split_references(lines: Sequence[_Line]) -> tuple[Sequence[_Line], Sequence[_Line]]:
    """The body lines and the reference lines, divided by the "References" line."""
    for index, line in enumerate(lines):
        if line.text == REFERENCES:
            return lines[:index], lines[index + 1 :]
    return lines, ()


def _read_body_line(line: _Line, errors: list[ContentError]) -> _BodyLine | None:
    """One body line with its citations split off, or None (and an error) if it is malformed."""
    try:
        item = _LIST_ITEM.fullmatch(line.raw)
        if item:
            if not item["text"]:
                raise _LineError("the list item has no text")
            kind = ClaimKind.BULLET if item["marker"] == BULLET else ClaimKind.NUMBERED
            text, citations = split_citations(item["text"].strip())
            indent = len(item["indent"].expandtabs(4))
            return _BodyLine(line.number, kind, text, max(0, indent // 2 - 1), citations)
        text, citations = split_citations(line.text)
        return _BodyLine(line.number, None, text, 0, citations)
    except _LineError as error:
        errors.append(ContentError(str(error), line.number))
        return None


def split_citations(text: str) -> tuple[str, tuple[int, ...]]:
    """Split the trailing citation list off a stripped line of text."""
    run = text[len(text.rstrip("0123456789, ")) :]
    # Of "Take 5 2, 3" only "2, 3" can cite: a plain space between two numbers ends the text.
    candidate = _NUMBER_BREAK.split(run)[-1].lstrip(" ,")
    start = len(text) - len(candidate)
    if not candidate or start == 0 or not text[start - 1].isspace():
        return text, ()
    if _THOUSANDS.fullmatch(candidate):
        return text, ()
    if not _CITATION_LIST.fullmatch(candidate):
        raise _LineError(f"malformed citation list {candidate!r}; write the numbers as '2, 3'")
    numbers = [number.strip() for number in candidate.split(",")]
    if any(len(number) > MAX_CITATION_DIGITS for number in numbers):
        raise _LineError(f"citation number too large in {candidate!r}")
    return text[:start].rstrip(), tuple(int(number) for number in numbers)


def reads_as_heading(text: str, citations: Sequence[int]) -> bool:
    """Whether a plain line is taken for a heading: short, uncited and not a sentence."""
    return not citations and len(text) <= HEADING_MAX_LENGTH and not _SENTENCE_END.search(text)


def _claims(lines: Iterable[_BodyLine], errors: list[ContentError]) -> tuple[ClaimData, ...]:
    """Turn body lines into claims, classifying headings and checking list nesting."""
    lines = list(lines)
    is_heading = [
        line.kind is None and reads_as_heading(line.text, line.citations) for line in lines
    ]
    claims: list[ClaimData] = []
    in_subsections = False  # the last HEADING was followed directly by a sub-heading
    for index, line in enumerate(lines):
        previous = claims[-1] if claims else None
        if line.kind is not None:
            deepest = previous.level + 1 if previous and previous.kind.is_list_item else 0
            if line.level > deepest:
                errors.append(
                    ContentError(
                        "the list item is nested deeper than the item above it allows", line.line
                    )
                )
            claims.append(ClaimData(line.kind, line.text, line.level, line.citations))
        elif is_heading[index]:
            follows_heading = previous is not None and previous.kind.is_heading
            opens_section = index + 1 < len(lines) and is_heading[index + 1]
            sibling = in_subsections and not opens_section
            sub = line.text.endswith(":") or follows_heading or sibling
            if not sub:
                in_subsections = opens_section
            claims.append(ClaimData(ClaimKind.SUBHEADING if sub else ClaimKind.HEADING, line.text))
        else:
            claims.append(ClaimData(ClaimKind.PARAGRAPH, line.text, citations=line.citations))
    return tuple(claims)


def _read_references(
    lines: Sequence[_Line], errors: list[ContentError]
) -> tuple[ReferenceData, ...]:
    """Read blocks of type, title and "source, year" lines."""
    references: list[ReferenceData] = []
    for start in range(0, len(lines), 3):
        block = lines[start : start + 3]
        if len(block) < 3:
            message = (
                "the reference is incomplete: it needs a type, a title and a 'source, year' line"
            )
            errors.append(ContentError(message, block[0].number))
            break
        kind_line, title_line, source_line = block
        kind = REFERENCE_KINDS.get(kind_line.text.casefold())
        if kind is None:
            expected = ", ".join(k.value for k in ReferenceKind)
            message = f"unknown reference type {kind_line.text!r}; expected one of: {expected}"
            errors.append(ContentError(message, kind_line.number))
        try:
            source, year = _read_source_year(source_line.text)
        except _LineError as error:
            errors.append(ContentError(str(error), source_line.number))
            continue
        if kind is not None:
            references.append(ReferenceData(kind, title_line.text, source, year))
    return tuple(references)


def _read_source_year(text: str) -> tuple[str, int]:
    """Split "Source, 2026" at its last comma; the year alone is also accepted."""
    source, _, year = text.rpartition(",")
    if not YEAR.fullmatch(year.strip()):
        raise _LineError(f"expected 'source, year' with a four-digit year, found {text!r}")
    return source.strip(), int(year)


def _source_year(reference: ReferenceData) -> str:
    """The "source, year" line of a reference."""
    return f"{reference.source}, {reference.year}" if reference.source else str(reference.year)


def _render_claims(claims: Sequence[ClaimData]) -> list[str]:
    """Claim lines with a blank line between blocks; items of one list stay together."""
    out: list[str] = []
    previous: ClaimData | None = None
    for claim, (level, number) in zip(claims, list_layout(claims), strict=True):
        if previous is not None and not (claim.kind.is_list_item and previous.kind.is_list_item):
            out.append("")
        line = claim.text
        if claim.citations:
            line += " " + ", ".join(str(number) for number in claim.citations)
        if claim.kind.is_list_item:
            marker = f"{number}." if claim.kind == ClaimKind.NUMBERED else BULLET
            line = f"{'  ' * (level + 1)}{marker} {line}"
        out.append(line)
        previous = claim
    if out:
        out.append("")
    return out
