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
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

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
from articles.interchange import markdown_evidence as evidence
from articles.interchange.text import (
    ISO_DATE,
    LAST_UPDATED,
    MAX_CITATION_DIGITS,
    REFERENCE_KINDS,
    YEAR,
    list_layout,
    split_lines,
)

_INLINE_SPECIALS = frozenset("\\`*_[<~")
_BLOCK_STARTS = frozenset("#>-+=|")
_NO_CITATION = "no-citation"
_PLAIN_PREFIX = "Plain language:"
_FIELDS = {"Authors": "authors", "DOI": "doi", "PMID": "pmid", "URL": "url"}

_ATX_OPENING = re.compile(r" {0,3}(?P<hashes>#{1,6})(?=[ \t]|$)")
_DATE_LINE = re.compile(r"Last updated:\s*(?P<date>.*)")
_QUOTE = re.compile(r"\s*>\s?(?P<text>.*)")
_LIST_ITEM = re.compile(
    r"(?P<indent> *)(?P<marker>[-*+]|[0-9]{1,9}[.)])(?:(?P<gap>[ \t]+)(?P<text>.*))?"
)
_DEFINITION = re.compile(r"\[\^(?P<label>[^\]]*)\]:[ \t]*(?P<body>.*)")
_DEFINITION_FIELD = re.compile(r"\s+(?P<name>[A-Za-z]+):[ \t]*(?P<value>.*)")
_REFERENCE = re.compile(r"(?P<kind>[^.]+)\.\s+\*(?P<title>(?:\\.|[^\\*])+)\*(?:\s+(?P<tail>.*))?")
# Bounded so that a line full of unclosed "[^" or "<!--" is read in linear time.
_TOKEN = re.compile(
    r"\\(?P<escaped>[!-/:-@\[-`{-~])|\[\^(?P<ref>[^\]]{0,40})\]|<!--(?P<comment>.{0,400}?)-->"
)
_SETEXT_TITLE = re.compile(r" {0,3}=+[ \t]*")
# Inline markup a claim may carry from another editor: kept as its text, since claims are plain.
_EMPHASIS = re.compile(
    r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\3(?![\w*])"
)
_LINK = re.compile(r"!?\[(?P<text>[^\]\^][^\]]*)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_AUTOLINK = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>\x00-\x1f\x7f]*")


class _LineError(Exception):
    """A problem with one line, turned into a ContentError by the reader."""


@dataclass
class _Draft:
    """A claim being read; its text may continue on the following lines."""

    kind: ClaimKind
    line: int
    level: int = 0
    parts: list[str] = field(default_factory=list)
    plain_text: str = ""
    passages: list = field(default_factory=list)  # CitedPassage


@dataclass
class _ReferenceDraft:
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class _Inline:
    text: str
    citations: tuple[int, ...] = ()
    needs_no_citation: bool = False
    uid: str = ""
    evidence: str = ""


def parse_markdown(text: str) -> ArticleContent:
    """Read an article from Markdown, raising ContentParseError with every problem found."""
    return _Reader().read(text)


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
            out.append(f"{quote_indent}> {_PLAIN_PREFIX} {_escape(claim.plain_text, block=False)}")
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
        + ([_NO_CITATION] if claim.needs_no_citation else [])
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
    for label, name in _FIELDS.items():
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


def _unescape(text: str) -> str:
    """Undo backslash escapes of ASCII punctuation."""
    return _UNESCAPE.sub(r"\1", text)


class _Reader:
    """Reads Markdown line by line, collecting errors instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []
        self.title: str | None = None
        self.last_updated: datetime.date | None = None
        self.display_heading: str | None = None
        self.drafts: list[_Draft] = []
        self.open: _Draft | None = None  # a paragraph or item that a next line would continue
        self.open_passage: bool = False  # a ">" line now goes on with the passage above
        self.items: list[int] = []  # text columns of the open list items, by level
        self.references: list[_ReferenceDraft] = []
        self.open_reference: _ReferenceDraft | None = None
        self.before_title_reported = False
        # A line that may be a setext title ("Question" over "==="), until the next line says.
        self.setext_candidate: tuple[int, str] | None = None

    def read(self, text: str) -> ArticleContent:
        for number, raw in enumerate(split_lines(text), start=1):
            try:
                self._line(number, raw.rstrip())
            except _LineError as error:
                self.errors.append(ContentError(str(error), number))
        if self.title is None:
            self.errors.append(
                ContentError("the article has no title: begin with '# ' and the question")
            )
            if self.setext_candidate is not None:
                self._not_a_title(self.setext_candidate[0])
        finished = [(draft.line, self._claim(draft)) for draft in self.drafts]
        claims = tuple(claim for _, claim in finished if claim)
        read = [(draft.line, self._reference(draft)) for draft in self.references]
        references = tuple(ref for _, ref in read if ref)
        self.errors += limits.content_errors(
            ArticleContent(title="", claims=claims, references=references),
            claim_lines=[line for line, claim in finished if claim],
            reference_lines=[line for line, ref in read if ref],
        )
        if self.errors:
            raise ContentParseError(sorted(self.errors, key=lambda error: error.line or 0))
        return ArticleContent(
            title=self.title or "",
            claims=claims,
            references=references,
            display_heading=self.display_heading or "",
            last_updated=self.last_updated,
        )

    def _line(self, number: int, line: str) -> None:
        """Dispatch one line to what it starts or continues."""
        if not line.strip():
            self.open = None
            self.open_reference = None
            self.open_passage = False
            if self.title is None and self.setext_candidate is not None:
                self._not_a_title(self.setext_candidate[0])  # an underline must follow at once
                self.setext_candidate = None
        elif self.open_reference is not None and line[0].isspace():
            self._reference_field(line)
        elif self.title is None:
            self._before_title(number, line)
        else:
            self.open_reference = None
            self.open_passage = self.open_passage and _QUOTE.fullmatch(line) is not None
            self._body_line(number, line)

    def _body_line(self, number: int, line: str) -> None:
        """A line after the title: the first pattern it matches decides what it is."""
        if (heading := _atx_heading(line)) is not None:
            self._heading(number, *heading)
        elif (definition := _DEFINITION.fullmatch(line)) is not None:
            self._definition(number, definition["label"], definition["body"])
        elif (date := _DATE_LINE.fullmatch(line)) is not None and not self._body_started():
            self.last_updated = _read_date(date["date"])
        elif (quote := _QUOTE.fullmatch(line)) is not None:
            self._quote(quote["text"])
        elif (item := _LIST_ITEM.fullmatch(line)) is not None:
            self._list_item(number, item)
        elif self.open is not None:
            self.open.parts.append(line.strip())
        else:
            paragraph = _Draft(ClaimKind.PARAGRAPH, number, parts=[line.strip()])
            self._start(paragraph, continues=True)

    def _before_title(self, number: int, line: str) -> None:
        """Accept the title ("# Question", or "Question" over "==="); report anything else once."""
        candidate, self.setext_candidate = self.setext_candidate, None
        if candidate is not None and _SETEXT_TITLE.fullmatch(line):
            self.title = self._plain(candidate[1].strip(), "title")
            return
        if candidate is not None:
            self._not_a_title(candidate[0])
        heading = _atx_heading(line)
        if heading is not None and heading[0] == 1:
            self.title = self._plain(heading[1], "title")
            if not self.title:
                raise _LineError("the title is empty")
        elif heading is None and not line[0].isspace() and not self.before_title_reported:
            self.setext_candidate = (number, line)
        else:
            self._not_a_title(number)

    def _not_a_title(self, number: int) -> None:
        if not self.before_title_reported:
            self.before_title_reported = True
            self.errors.append(
                ContentError("the article must begin with '# ' and its question", number)
            )

    def _body_started(self) -> bool:
        return self.display_heading is not None or bool(self.drafts) or bool(self.references)

    def _heading(self, number: int, depth: int, text: str) -> None:
        """Title, display heading, heading or subheading by the number of hashes."""
        if depth == 1:
            raise _LineError("the article has a second title; use '###' for a heading")
        if depth == 2:
            if self.display_heading is not None:
                raise _LineError(
                    "the article has a second '##' display heading; use '###' for a heading"
                )
            if self._body_started():
                raise _LineError("the '##' display heading must come before the body")
            self.display_heading = self._plain(text, "display heading")
            return
        if depth > 4:
            raise _LineError("use '###' for a heading and '####' for a subheading")
        kind = ClaimKind.HEADING if depth == 3 else ClaimKind.SUBHEADING
        self._start(_Draft(kind, number, parts=[text]), continues=False)

    def _plain(self, text: str, what: str) -> str:
        """Text that may not cite or carry markers, such as the title."""
        inline = _read_inline(text)
        if inline.citations or inline.uid or inline.needs_no_citation or inline.evidence:
            raise _LineError(f"the {what} cannot have citations or markers")
        return inline.text

    def _list_item(self, number: int, item: re.Match[str]) -> None:
        """A list item, its level found from the columns of the items above it."""
        if not item["text"]:
            raise _LineError("the list item has no text")
        indent = len(item["indent"])
        while self.items and indent < self.items[-1]:
            self.items.pop()
        level = len(self.items)
        self.items.append(indent + len(item["marker"]) + len(item["gap"].expandtabs(4)))
        kind = ClaimKind.BULLET if item["marker"] in "-*+" else ClaimKind.NUMBERED
        self._start(_Draft(kind, number, level, [item["text"].strip()]), continues=True)

    def _start(self, draft: _Draft, *, continues: bool) -> None:
        if not draft.kind.is_list_item:
            self.items.clear()
        self.drafts.append(draft)
        self.open = draft if continues else None

    def _quote(self, quoted: str) -> None:
        """A plain-language line, a passage line or a further line of the passage above."""
        self.open = None
        if quoted.startswith(_PLAIN_PREFIX):
            self.open_passage = False
            self._plain_language(quoted)
            return
        passage = evidence.read_passage(quoted, _unescape)
        if passage is None and self.open_passage:
            evidence.continue_passage(self.drafts[-1].passages, _unescape(quoted))
        elif passage is None or not self.drafts:
            raise _LineError(evidence.QUOTE_PLACE)
        else:
            self.drafts[-1].passages.append(passage)
            self.open_passage = True

    def _plain_language(self, quoted: str) -> None:
        """Attach "> Plain language: ..." to the claim above it."""
        if not self.drafts:
            raise _LineError("the plain-language text has no claim above it")
        if self.drafts[-1].plain_text:
            raise _LineError("the claim above already has a plain-language text")
        plain = _unescape(quoted[len(_PLAIN_PREFIX) :].strip())
        if not plain:
            raise _LineError("the plain-language text is empty")
        self.drafts[-1].plain_text = plain

    def _definition(self, number: int, label: str, body: str) -> None:
        """Start a reference, which must be the next number in order."""
        self.open = None
        self.items.clear()
        expected = len(self.references) + 1
        if label != str(expected):
            raise _LineError(
                f"expected the definition of reference [^{expected}], found [^{label}]"
            )
        self.open_reference = _ReferenceDraft(number, {"": body})
        self.references.append(self.open_reference)

    def _reference_field(self, line: str) -> None:
        """An indented "Authors:", "DOI:", "PMID:" or "URL:" line of the reference above."""
        assert self.open_reference is not None
        match = _DEFINITION_FIELD.fullmatch(line)
        name = _FIELDS.get(match["name"]) if match else None
        if match is None or name is None:
            raise _LineError(f"expected one of {', '.join(_FIELDS)} followed by ':' and a value")
        if name in self.open_reference.values:
            raise _LineError(f"the reference already has {match['name']}")
        value = match["value"].strip()
        is_link = name == "url" and value.startswith("<") and value.endswith(">")
        self.open_reference.values[name] = value[1:-1] if is_link else _unescape(value)

    def _claim(self, draft: _Draft) -> ClaimData | None:
        """Finish a draft, recording an error instead if its text is malformed."""
        try:
            inline = _read_inline(" ".join(draft.parts))
            if not inline.text:
                raise _LineError("the claim has no text")
        except _LineError as error:
            self.errors.append(ContentError(str(error), draft.line))
            return None
        claim = ClaimData(
            kind=draft.kind,
            text=inline.text,
            level=draft.level,
            citations=inline.citations,
            needs_no_citation=inline.needs_no_citation,
            plain_text=draft.plain_text,
            uid=inline.uid,
            passages=tuple(draft.passages),
            evidence=inline.evidence,
        )
        problems = evidence.claim_problems(claim)
        self.errors += [ContentError(problem, draft.line) for problem in problems]
        return None if problems else claim

    def _reference(self, draft: _ReferenceDraft) -> ReferenceData | None:
        """Finish a reference, recording an error instead if it is malformed."""
        try:
            kind, title, source, year = _read_reference(draft.values[""])
        except _LineError as error:
            self.errors.append(ContentError(str(error), draft.line))
            return None
        extra = {name: value for name, value in draft.values.items() if name}
        return ReferenceData(kind, title, source, year, **extra)


def _atx_heading(line: str) -> tuple[int, str] | None:
    """The depth and text of a "## Heading ##" line, without its optional closing hashes."""
    opening = _ATX_OPENING.match(line)
    if opening is None:
        return None
    text = line[opening.end() :].strip()
    unclosed = text.rstrip("#")
    if not unclosed or unclosed[-1] in " \t":
        text = unclosed.rstrip()
    return len(opening["hashes"]), text


def _read_inline(source: str) -> _Inline:
    """Split a claim's Markdown into text, trailing footnote references and marker comment."""
    parts: list[str] = []
    citations: list[int] = []
    comment: str | None = None
    position = 0
    for match in _TOKEN.finditer(source):
        _add_text(
            parts,
            source[position : match.start()],
            bool(citations) or comment is not None,
            markup=True,
        )
        position = match.end()
        if match["escaped"] is not None:
            _add_text(parts, match["escaped"], bool(citations) or comment is not None)
        elif match["ref"] is not None:
            if comment is not None:
                raise _LineError("footnote references must come before the marker comment")
            citations.append(_citation_number(match["ref"]))
        elif comment is not None:
            raise _LineError("a claim can have only one marker comment")
        else:
            comment = match["comment"]
    _add_text(parts, source[position:], bool(citations) or comment is not None, markup=True)
    uid, needs_no_citation, level = _read_markers(comment or "")
    return _Inline("".join(parts).strip(), tuple(citations), needs_no_citation, uid, level)


def _add_text(parts: list[str], text: str, after_tail: bool, *, markup: bool = False) -> None:
    if after_tail and text.strip():
        raise _LineError(
            "footnote references and the marker comment must come at the end of the claim"
        )
    parts.append(_plain_inline(text) if markup else text)


def _plain_inline(text: str) -> str:
    """Markdown emphasis and links reduced to their text ("**safe**" -> "safe", "[a](b)" -> "a")."""
    text = _LINK.sub(lambda m: m["text"], text)
    previous = None
    while previous != text:
        previous = text
        text = _EMPHASIS.sub(lambda m: m[2] if m[1] else m[4], text)
    return text


def _citation_number(label: str) -> int:
    """The reference number of a footnote reference such as [^3]."""
    if not label.isascii() or not label.isdigit():
        raise _LineError(f"the footnote [^{label}] must be a reference number")
    if len(label) > MAX_CITATION_DIGITS:
        raise _LineError(f"the footnote number [^{label}] is too large")
    return int(label)


def _read_markers(comment: str) -> tuple[str, bool, str]:
    """The uid, needs-no-citation flag and evidence level of a marker comment."""
    uid, needs_no_citation, level = "", False, ""
    for token in comment.split():
        try:
            read_level = evidence.read_evidence_marker(token)
        except ValueError as error:
            raise _LineError(str(error)) from None
        if token == _NO_CITATION and not needs_no_citation:
            needs_no_citation = True
        elif token.startswith("uid=") and not uid and _UUID.fullmatch(token[4:]):
            uid = token[4:]
        elif read_level and not level:
            level = read_level
        else:
            raise _LineError(
                f"unexpected {token!r} in the marker comment; use 'uid=<uuid>', 'no-citation' "
                "and 'evidence=<level>'"
            )
    return uid, needs_no_citation, level


def _read_reference(body: str) -> tuple[ReferenceKind, str, str, int]:
    """Kind, title, source and year from "Guideline. *Title* Source, 2026."."""
    match = _REFERENCE.fullmatch(body.strip())
    if match is None:
        raise _LineError("a reference must read like: Guideline. *Title* Source, 2026.")
    kind = REFERENCE_KINDS.get(match["kind"].strip().casefold())
    if kind is None:
        expected = ", ".join(k.value for k in ReferenceKind)
        raise _LineError(f"unknown reference type {match['kind']!r}; expected one of: {expected}")
    source, _, year = (match["tail"] or "").removesuffix(".").rpartition(",")
    if not YEAR.fullmatch(year.strip()):
        raise _LineError(
            "the reference must end with its source and a four-digit year: 'Source, 2026.'"
        )
    title = _unescape(match["title"]).strip()
    if not title:
        raise _LineError("the reference has no title")
    return kind, title, _unescape(source).strip(), int(year)


def _read_date(value: str) -> datetime.date:
    """An ISO date such as 2026-02-06."""
    if ISO_DATE.fullmatch(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _LineError(f"cannot read the date {value!r}; write it as 2026-02-06")
