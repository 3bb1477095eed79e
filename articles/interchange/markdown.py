"""Markdown with footnote citations, readable by people and by CommonMark/GFM renderers.

Layout::

    # What is baclofen used for?                     the title (the reader's question; or the
                                                     question over a line of "=")

    Last updated: 2026-02-06                         optional, before the display heading

    ## What is Baclofen Used For?                    the display heading (optional)

    ### Primary FDA-Approved Indications            HEADING

    #### High-Risk Populations Requiring Caution:   SUBHEADING

    Baclofen tablets are indicated ...[^1]           PARAGRAPH citing reference 1

    - Multiple sclerosis ...[^1][^2]                 BULLET, level 0
      - Nested item <!-- no-citation -->             level 1, needs no citation
        > Plain language: Simple words.              the plain-language version
    1. First-line ...[^2] <!-- uid=6f1c...-1d2e evidence=moderate -->
       > Passage [^2] (Table 2): Oral baclofen ...  NUMBERED, with its uid, its evidence
                                                     level and the passage it quotes of [^2]

    [^1]: Guideline. *Baclofen Use in Pain Management* Praxis Medical Insights, 2026.
        Authors: Smith J, Doe A
        DOI: 10.1000/xyz
        PMID: 12345678
        URL: <https://example.org/baclofen>

Claims:
  * Claims are plain text: emphasis (``**safe**``) and links (``[label](url)``) written in
    a claim are kept as their text; escape the characters to keep them literally.
  * Citations are footnote references at the end of a claim, in the order written.
    A number with no definition is an unresolved citation and is kept.
  * An optional trailing comment holds ``no-citation``, ``uid=<uuid>`` and
    ``evidence=<level>``, the GRADE certainty (high, moderate, low, very_low).
  * ``> Plain language: ...`` gives the plain-language version of the claim above it.
  * ``> Passage [^n] (where): ...`` quotes the passage of cited reference n that supports
    the claim above it; "(where)" (page, section or table) is optional, and a quote of
    several lines goes on in ``>`` lines under it. Spaces ending a line are not kept
    (``articles.interchange.markdown_evidence``).
  * Nested items are indented to the text of their parent item (two spaces under
    "- ", three under "1. "), as in CommonMark. Item numbers are not kept.
  * Lines following a paragraph or item without a blank line continue it.

References are footnote definitions ``[^n]`` numbered 1..n in order: type, title
in ``*...*``, then "source, year"; authors, DOI, PMID and URL follow on indented
lines when known.

Text is escaped with a backslash so that it reads back exactly: backslashes,
backticks, asterisks, underscores, "[", "<" and "~" everywhere; and a character
that would otherwise start a block ("#", ">", "-", "+", "=", "|", or the "." or
")" after leading digits), a trailing "#" and the colon of a leading
"Last updated:". A backslash before any ASCII punctuation is read as an escape.

This module writes the format; ``markdown_reader`` reads it, with what one claim or
reference says read by ``markdown_inline`` and its evidence by ``markdown_evidence``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from articles.content import ArticleContent, ClaimData, ClaimKind, ReferenceData
from articles.interchange import markdown_evidence as evidence
from articles.interchange.markdown_inline import FIELDS, NO_CITATION, PLAIN_PREFIX
from articles.interchange.markdown_reader import MarkdownReader
from articles.interchange.text import LAST_UPDATED, list_layout

_INLINE_SPECIALS = frozenset("\\`*_[<~")
_BLOCK_STARTS = frozenset("#>-+=|")
_AUTOLINK = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>\x00-\x1f\x7f]*")


def parse_markdown(text: str) -> ArticleContent:
    """Read an article from Markdown, raising ContentParseError with every problem found."""
    return MarkdownReader().read(text)


def render_markdown(content: ArticleContent) -> str:
    """Write an article as Markdown that ``parse_markdown`` reads back unchanged."""
    out = [f"# {_escape(content.title)}", ""]
    if content.last_updated:
        out += [f"{LAST_UPDATED} {content.last_updated.isoformat()}", ""]
    if content.display_heading:
        out += [f"## {_escape(content.display_heading)}", ""]
    out += _render_claims(content.claims)
    for number, reference in enumerate(content.references, start=1):
        out += _render_reference(number, reference)
    return "\n".join(out).rstrip("\n") + "\n"


def _render_claims(claims: Sequence[ClaimData]) -> list[str]:
    """Claim blocks separated by blank lines; items of one list stay together."""
    out: list[str] = []
    columns = [0]  # where an item at each level starts: the text column of its parent
    previous: ClaimData | None = None
    for claim, (level, number) in zip(claims, list_layout(claims), strict=True):
        if previous is not None and not (claim.kind.is_list_item and previous.kind.is_list_item):
            out.append("")
        body = _escape(claim.text) + _claim_tail(claim)
        if claim.kind.is_list_item:
            marker = f"{number}. " if claim.kind == ClaimKind.NUMBERED else "- "
            indent = columns[level]
            del columns[level + 1 :]
            columns.append(indent + len(marker))
            out.append(" " * indent + marker + body)
            quote_indent = " " * columns[-1]
        else:
            columns[1:] = []
            prefix = {ClaimKind.HEADING: "### ", ClaimKind.SUBHEADING: "#### "}.get(claim.kind, "")
            out.append(prefix + body)
            quote_indent = ""
        if claim.plain_text:
            out.append(f"{quote_indent}> {PLAIN_PREFIX} {_escape(claim.plain_text, block=False)}")
        out += evidence.passage_lines(claim.passages, quote_indent, _inline_escape)
        previous = claim
    if out:
        out.append("")
    return out


def _claim_tail(claim: ClaimData) -> str:
    """Footnote references and the marker comment written after a claim's text."""
    tail = "".join(f"[^{number}]" for number in claim.citations)
    markers = (
        ([f"uid={claim.uid}"] if claim.uid else [])
        + ([NO_CITATION] if claim.needs_no_citation else [])
        + evidence.evidence_marker(claim.evidence)
    )
    if markers:
        tail += f" <!-- {' '.join(markers)} -->"
    return tail


def _render_reference(number: int, reference: ReferenceData) -> list[str]:
    """A footnote definition, with its optional fields on indented lines."""
    source = f"{_escape(reference.source, block=False)}, " if reference.source else ""
    title = _escape(reference.title, block=False)
    lines = [f"[^{number}]: {reference.kind.value}. *{title}* {source}{reference.year}."]
    for label, name in FIELDS.items():
        value = getattr(reference, name)
        if value:
            shown = f"<{value}>" if name == "url" and _AUTOLINK.fullmatch(value) else None
            lines.append(f"    {label}: {shown or _escape(value, block=False)}")
    return lines


def _escape(text: str, *, block: bool = True) -> str:
    """Backslash-escape what Markdown, or this reader, would otherwise take for syntax."""
    positions = {index for index, char in enumerate(text) if char in _INLINE_SPECIALS}
    if block and text:
        if text[0] in _BLOCK_STARTS:
            positions.add(0)
        if text.endswith("#"):
            positions.add(len(text) - 1)
        if match := re.match(r"[0-9]+[.)]", text):
            positions.add(match.end() - 1)
        if text.startswith(LAST_UPDATED):
            positions.add(len(LAST_UPDATED) - 1)
    return "".join("\\" + char if index in positions else char for index, char in enumerate(text))


def _inline_escape(text: str) -> str:
    return _escape(text, block=False)
