"""The reader of the Markdown format: CommonMark's blocks (markdown-it-py), each read from
its own lines, every problem collected with its line.

The layout is described in ``articles.interchange.markdown``; what one claim or reference
says is read by ``articles.interchange.markdown_inline``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from articles import limits
from articles.content import (
    ArticleContent,
    ClaimData,
    ClaimKind,
    ContentError,
    ContentParseError,
    ReferenceData,
)
from articles.interchange import markdown_evidence as evidence
from articles.interchange.markdown_inline import (
    FIELDS,
    PLAIN_PREFIX,
    LineError,
    read_date,
    read_inline,
    read_reference,
    unescape,
)
from articles.interchange.text import split_lines

# Only the block structure is CommonMark's: what a block says is read from its own lines,
# so that escapes, footnotes and marker comments reach the inline reader as written. The
# lines are split already; without "normalize" a NUL character is kept as it was written.
_BLOCKS = MarkdownIt("zero").enable(["heading", "lheading", "blockquote", "list"])
_BLOCKS.disable("normalize")
_DATE_LINE = re.compile(r"Last updated:\s*(?P<date>.*)")
_QUOTE = re.compile(r"\s*>\s?(?P<text>.*)")
_LIST_MARKER = re.compile(r"\s*(?:[-*+]|[0-9]{1,9}[.)])[ \t]*")
_DEFINITION = re.compile(r"\[\^(?P<label>[^\]]*)\]:[ \t]*(?P<body>.*)")
_DEFINITION_FIELD = re.compile(r"\s+(?P<name>[A-Za-z]+):[ \t]*(?P<value>.*)")


@dataclass
class _Draft:
    """A claim being read; its text may run over several lines."""

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


class MarkdownReader:
    """Reads Markdown block by block, collecting errors instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []
        self.lines: list[str] = []
        self.title: str | None = None
        self.last_updated: datetime.date | None = None
        self.display_heading: str | None = None
        self.drafts: list[_Draft] = []
        self.open_passage: bool = False  # a ">" line now goes on with the passage above
        self.references: list[_ReferenceDraft] = []
        self.open_reference: _ReferenceDraft | None = None
        self.before_title_reported = False

    def read(self, text: str) -> ArticleContent:
        self.lines = [line.rstrip() for line in split_lines(text)]
        for block in SyntaxTreeNode(_BLOCKS.parse("\n".join(self.lines))).children:
            self._block(block, level=0)
        if self.title is None:
            self.errors.append(
                ContentError("the article has no title: begin with '# ' and the question")
            )
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

    def _at(self, number: int, step, *args) -> None:
        """Run one step of reading line ``number``, recording its LineError there."""
        try:
            step(*args)
        except LineError as error:
            self.errors.append(ContentError(str(error), number))

    def _block(self, block: SyntaxTreeNode, *, level: int) -> None:
        """A heading, paragraph, quote or list: the title first, then the body."""
        first = block.map[0] + 1
        self.open_passage, self.open_reference = False, None  # neither runs on past a block
        if self.title is None:
            if block.type == "heading" and block.tag == "h1":
                self._at(first, self._title, block.children[0].content)
            else:
                self._not_a_title(first)
        elif block.type == "heading":
            depth, text = int(block.tag[1]), block.children[0].content
            self._at(first, self._heading, first, depth, text)
        elif block.type == "paragraph":
            self._paragraph(*block.map)
        elif block.type == "blockquote":
            for number in range(*block.map):
                if not self.lines[number]:
                    continue  # a blank line the list item around the quote ends with
                quote = _QUOTE.fullmatch(self.lines[number])
                text = quote["text"] if quote else self.lines[number].strip()
                self._at(number + 1, self._quote, text)
        else:
            kind = ClaimKind.BULLET if block.type == "bullet_list" else ClaimKind.NUMBERED
            for item in block.children:
                self._list_item(item, kind, level)

    def _title(self, text: str) -> None:
        """The reader's question, from the first heading ("# Question" or over "===")."""
        self.title = self._plain(text, "title")
        if not self.title:
            raise LineError("the title is empty")

    def _paragraph(self, start: int, end: int) -> None:
        """Claim text, the date, or reference definitions with their indented fields."""
        draft = None
        for number in range(start, end):
            line, where = self.lines[number], number + 1
            date = _DATE_LINE.fullmatch(line.strip())
            if self.open_reference is not None and line[:1].isspace():
                self._at(where, self._reference_field, line)
            elif (definition := _DEFINITION.fullmatch(line.strip())) is not None:
                draft = None
                self._at(where, self._definition, where, definition["label"], definition["body"])
            elif draft is None and date is not None and not self._body_started():
                self._at(where, self._date, date["date"])
            elif draft is None:
                self.open_reference = None
                draft = _Draft(ClaimKind.PARAGRAPH, where, parts=[line.strip()])
                self.drafts.append(draft)
            else:
                draft.parts.append(line.strip())

    def _date(self, value: str) -> None:
        """The "Last updated:" line, before the body."""
        self.last_updated = read_date(value)

    def _list_item(self, item: SyntaxTreeNode, kind: ClaimKind, level: int) -> None:
        """A list item's text (its first line after the marker, and the lines that continue
        it), then what is nested in it, a level deeper."""
        start = item.map[0]
        text = self.lines[start][_LIST_MARKER.match(self.lines[start]).end() :].strip()
        if not text:
            self.errors.append(ContentError("the list item has no text", start + 1))
            return
        nested = list(item.children)
        if nested and nested[0].map[0] == start:
            # The block that holds the item's text; a paragraph may run on over more lines.
            opening = nested.pop(0)
            if opening.type == "paragraph":
                rest = [line.strip() for line in self.lines[start + 1 : opening.map[1]]]
                text = " ".join([text, *rest])
        self.drafts.append(_Draft(kind, start + 1, level, [text]))
        for block in nested:
            self._block(block, level=level + 1)

    def _heading(self, number: int, depth: int, text: str) -> None:
        """Title, display heading, heading or subheading by the number of hashes."""
        if depth == 1:
            raise LineError("the article has a second title; use '###' for a heading")
        if depth == 2:
            if self.display_heading is not None:
                raise LineError(
                    "the article has a second '##' display heading; use '###' for a heading"
                )
            if self._body_started():
                raise LineError("the '##' display heading must come before the body")
            self.display_heading = self._plain(text, "display heading")
            return
        if depth > 4:
            raise LineError("use '###' for a heading and '####' for a subheading")
        kind = ClaimKind.HEADING if depth == 3 else ClaimKind.SUBHEADING
        self.drafts.append(_Draft(kind, number, parts=[text]))

    def _quote(self, quoted: str) -> None:
        """A plain-language line, a passage line or a further line of the passage above."""
        if quoted.startswith(PLAIN_PREFIX):
            self.open_passage = False
            self._plain_language(quoted)
            return
        passage = evidence.read_passage(quoted, unescape)
        if passage is None and self.open_passage:
            evidence.continue_passage(self.drafts[-1].passages, unescape(quoted))
        elif passage is None or not self.drafts:
            raise LineError(evidence.QUOTE_PLACE)
        else:
            self.drafts[-1].passages.append(passage)
            self.open_passage = True

    def _definition(self, number: int, label: str, body: str) -> None:
        """Start a reference, which must be the next number in order."""
        expected = len(self.references) + 1
        if label != str(expected):
            raise LineError(f"expected the definition of reference [^{expected}], found [^{label}]")
        self.open_reference = _ReferenceDraft(number, {"": body})
        self.references.append(self.open_reference)

    def _not_a_title(self, number: int) -> None:
        if not self.before_title_reported:
            self.before_title_reported = True
            self.errors.append(
                ContentError("the article must begin with '# ' and its question", number)
            )

    def _body_started(self) -> bool:
        return self.display_heading is not None or bool(self.drafts) or bool(self.references)

    def _plain(self, text: str, what: str) -> str:
        """Text that may not cite or carry markers, such as the title."""
        inline = read_inline(text)
        if inline.citations or inline.uid or inline.needs_no_citation or inline.evidence:
            raise LineError(f"the {what} cannot have citations or markers")
        return inline.text

    def _plain_language(self, quoted: str) -> None:
        """Attach "> Plain language: ..." to the claim above it."""
        if not self.drafts:
            raise LineError("the plain-language text has no claim above it")
        if self.drafts[-1].plain_text:
            raise LineError("the claim above already has a plain-language text")
        plain = unescape(quoted[len(PLAIN_PREFIX) :].strip())
        if not plain:
            raise LineError("the plain-language text is empty")
        self.drafts[-1].plain_text = plain

    def _reference_field(self, line: str) -> None:
        """An indented "Authors:", "DOI:", "PMID:" or "URL:" line of the reference above."""
        assert self.open_reference is not None
        match = _DEFINITION_FIELD.fullmatch(line)
        name = FIELDS.get(match["name"]) if match else None
        if match is None or name is None:
            raise LineError(f"expected one of {', '.join(FIELDS)} followed by ':' and a value")
        if name in self.open_reference.values:
            raise LineError(f"the reference already has {match['name']}")
        value = match["value"].strip()
        is_link = name == "url" and value.startswith("<") and value.endswith(">")
        self.open_reference.values[name] = value[1:-1] if is_link else unescape(value)

    def _claim(self, draft: _Draft) -> ClaimData | None:
        """Finish a draft, recording an error instead if its text is malformed."""
        try:
            inline = read_inline(" ".join(draft.parts))
            if not inline.text:
                raise LineError("the claim has no text")
        except LineError as error:
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
            kind, title, source, year = read_reference(draft.values[""])
        except LineError as error:
            self.errors.append(ContentError(str(error), draft.line))
            return None
        extra = {name: value for name, value in draft.values.items() if name}
        return ReferenceData(kind, title, source, year, **extra)
