"""BibTeX and BibLaTeX, read by ``bibtexparser`` 2.

bibtexparser keeps going past a broken block (an unbalanced brace, a
duplicate key) and reports it with its line, which is what lets the good
entries of a file through. LaTeX accents and braces are decoded with
``pylatexenc``, which bibtexparser depends on.
"""

from __future__ import annotations

import logging
import re

import bibtexparser
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
)
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import get_default_latex_context_db

from articles.bibliography.entries import (
    ParsedEntry,
    ReferenceParseError,
    clean,
    entry,
    first,
    refused,
    short_name,
)
from articles.bibliography.kinds import BIBTEX_TYPES, reference_kind
from articles.content import ReferenceKind

_LATEX = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
# Built once: pylatexenc would build its table of macros again for every field it decodes.
_LATEX_MACROS = get_default_latex_context_db()
_LATEX_MARKUP = re.compile(r"[\\{}$~%&^_]")
_BOOK_TYPES = {"book", "inbook", "incollection", "booklet", "collection", "mvbook"}
_PARTICLES = {"van", "von", "der", "den", "de", "du", "da", "di", "del", "della", "la", "le", "ter"}

# bibtexparser logs every failed block; the editor is told about each one instead.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)


def looks_like_bibtex(text: str) -> bool:
    return re.search(r"^\s*@\s*[A-Za-z]+\s*[{(]", text, re.M) is not None


def _text(value) -> str:
    if not isinstance(value, str):
        return ""
    if not _LATEX_MARKUP.search(value):
        return clean(value)  # most fields: plain text, and decoding is costly (~1 ms a field)
    try:
        return clean(_LATEX.latex_to_text(value, latex_context=_LATEX_MACROS))
    except Exception:  # noqa: BLE001 - undecodable LaTeX is kept as written
        return clean(value.replace("{", "").replace("}", ""))


def _name(raw: str) -> str:
    """One BibTeX name ("Müller, Jörg", "Jörg Müller", "{World Health Organization}")."""
    raw = raw.strip()
    if raw.startswith("{") and raw.endswith("}"):
        return _text(raw)  # a body written in braces is one name, not a person's
    if "," in raw:
        family, _, given = raw.partition(",")
        given = given.split(",")[-1]  # "von Last, Jr, First"
        return short_name(_text(family), _text(given))
    words = _text(raw).split()
    if len(words) < 2:
        return " ".join(words)
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in _PARTICLES:
        start -= 1
    return short_name(" ".join(words[start:]), " ".join(words[:start]))


def _names(value) -> list[str]:
    if not isinstance(value, str):
        return []
    parts, depth, current = [], 0, []
    tokens = re.split(r"(\{|\}|\s+and\s+)", value)
    for token in tokens:
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        if depth == 0 and re.fullmatch(r"\s+and\s+", token or ""):
            parts.append("".join(current))
            current = []
        else:
            current.append(token or "")
    parts.append("".join(current))
    names = [_name(p) for p in parts]
    # "and others" is BibTeX for a list that goes on.
    more = any(name.casefold() == "others" for name in names)
    names = [name for name in names if name and name.casefold() != "others"]
    return [*names, "et al."] if more else names


def _field(fields: dict, *names: str) -> str:
    return first(*(_text(fields[n].value) for n in names if n in fields))


def _pmid(fields: dict) -> str:
    if "pmid" in fields:
        return _text(fields["pmid"].value)
    if "eprint" in fields and _field(fields, "eprinttype", "archiveprefix").casefold() == "pubmed":
        return _text(fields["eprint"].value)
    return ""


def _from_entry(number: int, block: Entry) -> ParsedEntry:
    fields = {key.casefold(): field for key, field in block.fields_dict.items()}
    entry_type = block.entry_type.casefold()
    title = _field(fields, "title")
    if entry_type in _BOOK_TYPES:
        source = _field(fields, "publisher", "booktitle", "series", "organization")
    else:
        source = _field(
            fields,
            "journal",
            "journaltitle",
            "booktitle",
            "publisher",
            "institution",
            "organization",
            "school",
            "howpublished",
        )
    url = _field(fields, "url")
    return entry(
        number=number,
        line=block.start_line + 1,
        label=title or block.key,
        kind=reference_kind(
            type_kind=BIBTEX_TYPES.get(entry_type, ReferenceKind.OTHER),
            publication_types=[_field(fields, "type", "pubtype")],
            title=title,
        ),
        title=title,
        source=source,
        year=_field(fields, "year", "date"),
        authors=_names(fields["author"].value) if "author" in fields else [],
        doi=_field(fields, "doi"),
        pmid=_pmid(fields),
        urls=[url] if url else [],
        abstract=_field(fields, "abstract"),
    )


def _failure(number: int, block: ParsingFailedBlock) -> ParsedEntry:
    line = block.start_line + 1
    label = clean(block.raw)[:80]
    if isinstance(block, DuplicateBlockKeyBlock):
        problem = f"its key “{block.key}” is used by an earlier entry too"
    elif isinstance(block, DuplicateFieldKeyBlock):
        keys = ", ".join(sorted(block.duplicate_keys))
        problem = f"it gives the field {keys} more than once"
    else:
        problem = (
            "it cannot be read as BibTeX: a brace or quote is not closed, or a comma is missing "
            "between fields"
        )
    return refused(number, line, label, problem)


def parse_bibtex(text: str) -> list[ParsedEntry]:
    """Every @entry of a BibTeX text, in order (see ``articles.bibliography``)."""
    try:
        library = bibtexparser.parse_string(text)
    except Exception as error:  # noqa: BLE001 - the library's failure is the input's problem
        raise ReferenceParseError(f"the file cannot be read as BibTeX ({error})") from None
    blocks = [b for b in library.blocks if isinstance(b, (Entry, ParsingFailedBlock))]
    blocks.sort(key=lambda b: b.start_line or 0)
    return [
        _from_entry(number, block) if isinstance(block, Entry) else _failure(number, block)
        for number, block in enumerate(blocks, start=1)
    ]
