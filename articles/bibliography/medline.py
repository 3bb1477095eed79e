"""PubMed's MEDLINE format (the ``.nbib`` file of "Send to: Citation manager").

A small reader of our own rather than a package: the one on PyPI (``nbib``)
has had no release since 2021, stops at the first line it does not expect,
losing every entry of the file, and keeps no line numbers to point the editor
at. The format is simple: a tag of up to four capitals padded to four
characters, "- ", the value; continuation lines start with spaces; records are
separated by blank lines, each beginning with ``PMID-``.

Tags read: PMID; TI (or BTI for a book); JT, else TA, else PB (the source);
DP (the date); AU, else FAU, and CN (group authors); LID and AID when marked
``[doi]``; PT (publication types, for the library type); AB (the abstract).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from articles.bibliography.entries import ParsedEntry, clean, entry, name_from_text, refused
from articles.bibliography.kinds import reference_kind
from articles.content import ReferenceKind

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- ?(.*)$")
_DOI_MARK = re.compile(r"^(\S+)\s*\[doi\]$", re.I)


@dataclass
class _Record:
    line: int
    tags: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def values(self, tag: str) -> list[str]:
        return [value for name, value in self.tags if name == tag]

    def one(self, *tags: str) -> str:
        for tag in tags:
            for value in self.values(tag):
                if clean(value):
                    return value
        return ""


def looks_like_medline(text: str) -> bool:
    return re.search(r"^PMID ?- ?\d", text, re.M) is not None


def _records(text: str) -> list[_Record]:
    records: list[_Record] = []
    current: _Record | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            current = None
            continue
        match = _TAG_LINE.match(raw)
        if match:
            tag, value = match.group(1), match.group(2)
            if current is None or (tag == "PMID" and current.values("PMID")):
                current = _Record(line=number)
                records.append(current)
            current.tags.append((tag, value))
        elif raw[:1].isspace() and current is not None and current.tags:
            tag, value = current.tags[-1]
            current.tags[-1] = (tag, f"{value} {raw.strip()}")
        else:
            if current is None:
                current = _Record(line=number)
                records.append(current)
            current.problems.append(
                f"line {number} is neither “TAG - value” nor the continuation of one"
            )
    return records


def _doi(record: _Record) -> str:
    for value in [*record.values("LID"), *record.values("AID")]:
        match = _DOI_MARK.match(clean(value))
        if match:
            return match.group(1)
    return ""


def journal_title(full: str) -> str:
    """NLM's full journal title without the place that tells apart journals of one name.

    "Lancet (London, England)" is "Lancet"; PubMed's XML writes the same titles.
    """
    return re.sub(r"\s*\([^()]*\)$", "", clean(full))


def _journal(record: _Record) -> str:
    return journal_title(record.one("JT")) or record.one("TA", "PB")


def parse_medline(text: str) -> list[ParsedEntry]:
    """Every record of a MEDLINE/nbib text, in order (see ``articles.bibliography``)."""
    entries = []
    for number, record in enumerate(_records(text), start=1):
        pmid = record.one("PMID")
        title = record.one("TI", "BTI")
        label = clean(title) or (f"PMID {clean(pmid)}" if pmid else "")
        if record.problems:
            entries.append(refused(number, record.line, label, *record.problems))
            continue
        authors = record.values("AU") or [name_from_text(n) for n in record.values("FAU")]
        types = record.values("PT")
        is_book = bool(record.values("BTI")) and not record.values("JT")
        entries.append(
            entry(
                number=number,
                line=record.line,
                label=label,
                kind=reference_kind(
                    type_kind=ReferenceKind.OTHER if is_book else ReferenceKind.RESEARCH,
                    publication_types=types,
                    title=title,
                ),
                title=title,
                source=_journal(record),
                year=record.one("DP", "DEP"),
                authors=[*record.values("CN"), *authors],
                doi=_doi(record),
                pmid=pmid,
                abstract=record.one("AB"),
            )
        )
    return entries
