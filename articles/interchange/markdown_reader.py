"""The reader of the Markdown format: line by line, every problem collected with its line.

The layout is described in ``articles.interchange.markdown``; what one claim or reference
says is read by ``articles.interchange.markdown_inline``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

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

_ATX_OPENING = re.compile(r" {0,3}(?P<hashes>#{1,6})(?=[ \t]|$)")
_DATE_LINE = re.compile(r"Last updated:\s*(?P<date>.*)")
_QUOTE = re.compile(r"\s*>\s?(?P<text>.*)")
_LIST_ITEM = re.compile(
    r"(?P<indent> *)(?P<marker>[-*+]|[0-9]{1,9}[.)])(?:(?P<gap>[ \t]+)(?P<text>.*))?"
)
_DEFINITION = re.compile(r"\[\^(?P<label>[^\]]*)\]:[ \t]*(?P<body>.*)")
_DEFINITION_FIELD = re.compile(r"\s+(?P<name>[A-Za-z]+):[ \t]*(?P<value>.*)")
_SETEXT_TITLE = re.compile(r" {0,3}=+[ \t]*")


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


class MarkdownReader:
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
            except LineError as error:
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
            self.last_updated = read_date(date["date"])
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
                raise LineError("the title is empty")
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
        self._start(_Draft(kind, number, parts=[text]), continues=False)

    def _plain(self, text: str, what: str) -> str:
        """Text that may not cite or carry markers, such as the title."""
        inline = read_inline(text)
        if inline.citations or inline.uid or inline.needs_no_citation or inline.evidence:
            raise LineError(f"the {what} cannot have citations or markers")
        return inline.text

    def _list_item(self, number: int, item: re.Match[str]) -> None:
        """A list item, its level found from the columns of the items above it."""
        if not item["text"]:
            raise LineError("the list item has no text")
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

    def _definition(self, number: int, label: str, body: str) -> None:
        """Start a reference, which must be the next number in order."""
        self.open = None
        self.items.clear()
        expected = len(self.references) + 1
        if label != str(expected):
            raise LineError(f"expected the definition of reference [^{expected}], found [^{label}]")
        self.open_reference = _ReferenceDraft(number, {"": body})
        self.references.append(self.open_reference)

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
