"""RIS, as EndNote, Zotero, Mendeley and most publishers' sites export it.

The file is cut into entries here (``TY`` to ``ER``, keeping each one's line)
and each entry is read by ``rispy``: one entry cut short or unreadable is
refused on its own, and the others are still read. ``rispy`` on the whole
text would drop an entry without ``ER`` silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import rispy

from articles.bibliography.entries import ParsedEntry, clean, entry, first, name_from_text, refused
from articles.bibliography.kinds import RIS_TYPES, reference_kind
from articles.content import ReferenceKind

_BOOK_TYPES = {"BOOK", "EBOOK", "EDBOOK", "CHAP", "ECHAP"}
_PMID_NOTE = re.compile(r"\bPMID\s*:?\s*(\d{1,8})\b", re.I)


@dataclass
class _Chunk:
    line: int
    lines: list[str] = field(default_factory=list)
    ended: bool = False


def _tag(line: str) -> str | None:
    # rispy's own rule for a tag line: two capitals (or a capital and a digit), two spaces, "-".
    if line[2:5] == "  -" and line[:1].isalpha() and line[:2].isupper():
        return line[:2]
    return None


def looks_like_ris(text: str) -> bool:
    return re.search(r"^TY  -", text, re.M) is not None


def _chunks(text: str) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    current: _Chunk | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        tag = _tag(raw.lstrip("\ufeff"))
        if tag == "TY":
            current = _Chunk(line=number, lines=[raw.lstrip("\ufeff")])
            chunks.append(current)
        elif current is not None and not current.ended:
            current.lines.append(raw)
            current.ended = tag == "ER"
        # Lines outside TY..ER (export headers such as "Provider: ...") are no reference.
    return chunks


def _list(record: dict, key: str) -> list[str]:
    value = record.get(key) or []
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


def _pmid(record: dict) -> str:
    database = " ".join(_list(record, "name_of_database") + _list(record, "database_provider"))
    if re.search(r"pubmed|medline|\bnlm\b", database, re.I) and clean(
        record.get("accession_number")
    ):
        return clean(record.get("accession_number"))
    for note in _list(record, "notes") + _list(record, "note") + _list(record, "custom2"):
        match = _PMID_NOTE.search(note)
        if match:
            return match.group(1)
    return ""


def _abstract(record: dict) -> str:
    # AB, else N2 (EndNote's abstract), as written: its paragraphs are kept.
    for key in ("abstract", "notes_abstract"):
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _entry(number: int, chunk: _Chunk) -> ParsedEntry:
    text = "\n".join(chunk.lines)
    try:
        records = rispy.loads(text)
    except Exception as error:  # noqa: BLE001 - a library failure refuses this entry only
        return refused(number, chunk.line, "", f"it cannot be read as RIS ({error})")
    if len(records) != 1 or not isinstance(records[0], dict):
        return refused(number, chunk.line, "", "it cannot be read as RIS")
    record = records[0]
    type_code = clean(record.get("type_of_reference")).upper()
    title = first(record.get("title"), record.get("primary_title"), record.get("short_title"))
    if type_code in _BOOK_TYPES:
        source = first(record.get("publisher"), record.get("secondary_title"))
    else:
        source = first(
            record.get("alternate_title3"),
            record.get("secondary_title"),
            record.get("journal_name"),
            record.get("alternate_title2"),
            record.get("alternate_title1"),
            record.get("publisher"),
        )
    authors = [name_from_text(n) for n in _list(record, "authors") + _list(record, "first_authors")]
    return entry(
        number=number,
        line=chunk.line,
        kind=reference_kind(
            type_kind=RIS_TYPES.get(type_code, ReferenceKind.OTHER),
            publication_types=_list(record, "type_of_work"),
            title=title,
        ),
        title=title,
        source=source,
        year=first(record.get("year"), record.get("publication_year"), record.get("date")),
        authors=list(dict.fromkeys(authors)),
        doi=first(record.get("doi")),
        pmid=_pmid(record),
        urls=_list(record, "urls"),
        abstract=_abstract(record),
    )


def parse_ris(text: str) -> list[ParsedEntry]:
    """Every TY..ER entry of an RIS text, in order (see ``articles.bibliography``)."""
    entries = []
    for number, chunk in enumerate(_chunks(text), start=1):
        if not chunk.ended:
            label = next(
                (line[6:].strip() for line in chunk.lines if _tag(line) in ("TI", "T1")), ""
            )
            entries.append(
                refused(
                    number,
                    chunk.line,
                    label,
                    "it has no “ER  -” line closing it (the file may be cut short, "
                    "or the next entry began too soon)",
                )
            )
            continue
        entries.append(_entry(number, chunk))
    return entries
