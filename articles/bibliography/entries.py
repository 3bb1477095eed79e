"""One entry of an imported reference list, and the checks every format's entries go through."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from articles.content import ContentParseError, ReferenceData, ReferenceKind
from articles.identifiers import normalise_doi, normalise_pmid

# The lengths of the library's columns (``articles.models.Reference``).
MAX_TITLE = 500
MAX_SOURCE = 300
MAX_AUTHORS = 500
MAX_URL = 500
# Longer than any journal's abstract; what is longer is cut at a word and said so.
MAX_ABSTRACT = 10_000
MIN_YEAR, MAX_YEAR = 1800, 2100

_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|2100)(?!\d)")
_SPACES = re.compile(r"\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Tags of JATS (Crossref's abstracts) and of HTML; a bare "<" as in "x<y" is no markup.
_MARKUP = re.compile(
    r"</?(?:jats:|mml:)?(?:p|sec|title|italic|bold|sup|sub|sc|i|b|u|em|strong|br|div|span"
    r"|list|list-item|li|ul|ol|abstract|underline|monospace|inline-formula|math)\b[^<>]*>",
    re.I,
)
_URL = URLValidator(schemes=["http", "https"])


class ReferenceParseError(ContentParseError):
    """Raised by the reference readers, and only by them, for input they cannot read at all."""


@dataclass(frozen=True)
class ParsedEntry:
    """One entry of the input: a reference to add, or why it cannot be one."""

    number: int  # 1-based position among the input's entries
    line: int | None  # where it starts, when the input has lines
    label: str  # how the editor recognises it: its title, or its key or PMID
    data: ReferenceData | None = None
    problems: tuple[str, ...] = ()  # why it is refused (``data`` is None)
    notes: tuple[str, ...] = ()  # what of an accepted entry was left out, and why

    @property
    def ok(self) -> bool:
        return self.data is not None


def refused(number: int, line: int | None, label: str, *problems: str) -> ParsedEntry:
    return ParsedEntry(number=number, line=line, label=label[:200], problems=tuple(problems))


def clean(value) -> str:
    """One line of text, spaces collapsed; "" for anything that is not text."""
    return _SPACES.sub(" ", value).strip() if isinstance(value, str) else ""


def first(*values) -> str:
    """The first value that has text in it."""
    return next((text for value in values if (text := clean(value))), "")


def year_from(value) -> int | None:
    """The first plausible year written in a date ("2019 Mar 5", "2019///", "2019-03")."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    match = _YEAR.search(value) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


def initials(given: str) -> str:
    """ "Jörg Peter" -> "JP", "J.-P." -> "JP": the Vancouver style of given names."""
    return "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given) if part[:1].isalpha())


def short_name(family: str, given: str = "") -> str:
    """ "Müller J": family name and initials, as PubMed writes authors."""
    family, given = clean(family), clean(given)
    return f"{family} {initials(given)}".strip() if family else given


def name_from_text(name: str) -> str:
    """A name written "Family, Given" in Vancouver style; any other spelling kept as written.

    "Smith JA" is Vancouver already and "World Health Organization" is a body,
    not a person: both are kept.
    """
    name = clean(name)
    if "," in name:
        family, _, given = name.partition(",")
        return short_name(family, given)
    return name


def authors_text(names: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    """The author list as one line, shortened with "et al." when it does not fit the library.

    Returns the text and the note saying how many names were shortened away.
    """
    names = [clean(n) for n in names if clean(n)]
    text = ", ".join(names)
    if len(text) <= MAX_AUTHORS:
        return text, ()
    kept: list[str] = []
    for name in names:
        if len(", ".join([*kept, name])) + len(", et al.") > MAX_AUTHORS:
            break
        kept.append(name)
    note = (
        f"the author list is shortened to its first {len(kept)} of {len(names)} names "
        f"(“et al.”): the library keeps {MAX_AUTHORS} characters"
    )
    return ", ".join(kept) + ", et al.", (note,)


def abstract_text(value) -> tuple[str, tuple[str, ...]]:
    """An abstract as plain paragraphs (blank lines between), and a note when it is cut short.

    Markup (JATS from Crossref and CSL-JSON, or stray HTML) is taken down to its text.
    """
    if not isinstance(value, str) or not value.strip():
        return "", ()
    text = markup_text(value) if _MARKUP.search(value) else value
    paragraphs = [clean(p) for p in _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n"))]
    text = "\n\n".join(p for p in paragraphs if p)
    if len(text) <= MAX_ABSTRACT:
        return text, ()
    cut = text[: MAX_ABSTRACT - 1].rsplit(" ", 1)[0].rstrip() + "…"
    return cut, (f"the abstract is shortened: the library keeps {MAX_ABSTRACT:,} characters",)


_BLOCKS = {"p", "title", "sec", "list-item", "li", "div", "br", "abstract", "trans-abstract"}


class _MarkupText(HTMLParser):
    """The text of a JATS or HTML fragment; each paragraph or section title on its own."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []  # (the element that closed it, its text)
        self._text: list[str] = []

    def _close(self, tag: str) -> None:
        text = clean("".join(self._text))
        self._text = []
        if text:
            self.blocks.append((tag, text))

    def handle_starttag(self, tag, attrs):
        if tag.rpartition(":")[2] in _BLOCKS:
            self._close("")

    def handle_endtag(self, tag):
        name = tag.rpartition(":")[2]
        if name in _BLOCKS:
            self._close(name)

    def handle_data(self, data):
        self._text.append(data)


def markup_text(value: str) -> str:
    """Plain paragraphs from JATS or HTML: tags dropped, a section title leads its paragraph.

    ``<jats:sec><jats:title>Methods</jats:title><jats:p>We…</jats:p></jats:sec>`` becomes
    "Methods: We…", as PubMed labels the parts of a structured abstract; a lone
    "Abstract" heading is dropped.
    """
    parser = _MarkupText()
    parser.feed(value)
    parser.close()
    parser._close("")
    paragraphs: list[str] = []
    label = ""
    for tag, text in parser.blocks:
        if tag == "title":
            if label:
                paragraphs.append(label)
            label = "" if text.casefold().rstrip(".:") == "abstract" else text.rstrip(":")
        else:
            paragraphs.append(f"{label}: {text}" if label else text)
            label = ""
    if label:
        paragraphs.append(label)
    return "\n\n".join(paragraphs)


def inline_text(value) -> str:
    """One line of text from a value that may carry markup (a title with <i>…</i>, say)."""
    if not isinstance(value, str):
        return ""
    return clean(markup_text(value).replace("\n\n", " ") if _MARKUP.search(value) else value)


def title_text(value: str) -> str:
    # PubMed and many exports end titles with a full stop that is not part of them.
    title = clean(value)
    return title[:-1].rstrip() if title.endswith(".") and not title.endswith("..") else title


def entry(
    *,
    number: int,
    line: int | None,
    label: str = "",
    kind: ReferenceKind,
    title: str,
    source: str,
    year,
    authors: Sequence[str] = (),
    doi: str = "",
    pmid: str = "",
    urls: Sequence[str] = (),
    abstract: str = "",
    notes: Sequence[str] = (),
) -> ParsedEntry:
    """The checked entry: every problem found at once, or the ``ReferenceData`` to add."""
    title = title_text(title)
    source = clean(source)
    label = clean(label) or title or (f"PMID {pmid}" if clean(pmid) else f"entry {number}")
    problems: list[str] = []
    notes = list(notes)
    if not title:
        problems.append("it has no title")
    elif len(title) > MAX_TITLE:
        problems.append(f"the title is {len(title):,} characters; the library keeps {MAX_TITLE}")
    if not source:
        problems.append("it names no journal, publisher or other source")
    elif len(source) > MAX_SOURCE:
        problems.append(f"the source is {len(source):,} characters; the library keeps {MAX_SOURCE}")
    found_year = year_from(year)
    if found_year is None:
        shown = clean(str(year)) if year not in (None, "") else ""
        problems.append(
            f"“{shown[:40]}” is not a year between {MIN_YEAR} and {MAX_YEAR}"
            if shown
            else "it has no year of publication"
        )
    raw_doi, raw_pmid = clean(doi), clean(pmid)
    normal_doi, normal_pmid = normalise_doi(raw_doi), normalise_pmid(raw_pmid)
    if raw_doi and not normal_doi:
        problems.append(f"“{raw_doi[:80]}” is not a DOI (a DOI looks like 10.1000/xyz123)")
    elif len(normal_doi) > 200:
        problems.append("the DOI is longer than 200 characters")
    if raw_pmid and not normal_pmid:
        problems.append(f"“{raw_pmid[:40]}” is not a PubMed ID (digits only)")
    elif len(normal_pmid) > 8:
        problems.append("a PubMed ID has at most 8 digits")
    url = ""
    for candidate in dict.fromkeys(clean(u) for u in urls if clean(u)):
        if len(candidate) > MAX_URL or not _is_web_address(candidate):
            notes.append(f"the link “{candidate[:80]}” is left out: not a web address")
        elif url:
            notes.append(f"the link “{candidate[:80]}” is left out: the library keeps one")
        else:
            url = candidate
    author_line, author_notes = authors_text(authors)
    abstract, abstract_notes = abstract_text(abstract)
    if problems:
        return refused(number, line, label, *problems)
    return ParsedEntry(
        number=number,
        line=line,
        label=label[:200],
        data=ReferenceData(
            kind=kind,
            title=title,
            source=source,
            year=found_year,
            authors=author_line,
            doi=normal_doi,
            pmid=normal_pmid,
            url=url,
            abstract=abstract,
        ),
        notes=(*notes, *author_notes, *abstract_notes),
    )


def _is_web_address(value: str) -> bool:
    try:
        _URL(value)
    except ValidationError:
        return False
    return True
