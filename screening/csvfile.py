"""Reading the Retraction Watch CSV as Crossref publishes it, one row at a time.

Columns are found by name in the header row, so their order may change. Each
row becomes a ``NoticeRow``, or a ``RowProblem`` naming its line; reading never
holds more than one row in memory, whatever the size of the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import BinaryIO

from articles.identifiers import normalise_doi, normalise_pmid
from screening.models import NoticeNature

# The columns this import reads (the file has others, such as Subject and Country).
COLUMNS = {
    "record_id": "Record ID",
    "title": "Title",
    "journal": "Journal",
    "publisher": "Publisher",
    "urls": "URLS",
    "retraction_date": "RetractionDate",
    "retraction_doi": "RetractionDOI",
    "retraction_pmid": "RetractionPubMedID",
    "original_date": "OriginalPaperDate",
    "original_doi": "OriginalPaperDOI",
    "original_pmid": "OriginalPaperPubMedID",
    "nature": "RetractionNature",
    "reason": "Reason",
    "notes": "Notes",
}
NATURES = {label.casefold(): value for value, label in NoticeNature.choices}
DATE_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d")
# Blank-like values the data uses where it has no identifier or date.
MISSING = {"", "0", "unavailable", "not available", "n/a", "na", "none"}


class FileProblem(Exception):
    """The file cannot be read as Retraction Watch data at all (nothing is loaded)."""

    def __init__(self, message: str, *, line: int = 1):
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class NoticeRow:
    line: int
    record_id: int
    nature: str
    title: str
    journal: str
    publisher: str
    reason: str
    urls: str
    notes: str
    retraction_date: datetime.date | None
    retraction_doi: str
    retraction_pmid: str
    original_date: datetime.date | None
    original_doi: str
    original_pmid: str

    @property
    def fields(self) -> dict:
        """The values stored on ``RetractionNotice``, with the digest that detects a change."""
        skip = ("line", "record_id")
        values = {
            name: getattr(self, name) for name in self.__dataclass_fields__ if name not in skip
        }
        return {**values, "row_hash": self.digest()}

    def digest(self) -> str:
        # Every field but the line number (``dataclasses.astuple`` deep-copies: too slow here).
        values = tuple(getattr(self, name) for name in _DIGESTED)
        return hashlib.sha1(repr(values).encode(), usedforsecurity=False).hexdigest()


_DIGESTED = [f.name for f in dataclass_fields(NoticeRow) if f.name != "line"]


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str
    record_id: int | None = None  # when readable: the record is still in the file

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _date(value: str, column: str) -> datetime.date | None:
    value = value.strip()
    if value.casefold() in MISSING:
        return None
    # The published form, month/day/year hour:minute, read without strptime's cost.
    day_part, _, time_part = value.partition(" ")
    parts = day_part.split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        if not time_part or time_part.replace(":", "").isdigit():
            try:
                return datetime.date(int(parts[2]), int(parts[0]), int(parts[1]))
            except ValueError:
                pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{column} {value!r} is not a date like 1/20/2023 0:00")


def _identifier(value: str, normalise, column: str) -> str:
    value = (value or "").strip()
    if value.casefold() in MISSING:
        return ""
    normalised = normalise(value)
    if not normalised:
        raise ValueError(f"{column} {value!r} is neither blank nor a valid identifier")
    return normalised


class _Lines:
    """The file's lines as text, counting physical lines and noting those not in the encoding.

    A line that fails to decode is decoded with replacement characters so the
    CSV parser can carry on; the row it belongs to is then reported and skipped.
    """

    def __init__(self, binary: BinaryIO, encoding: str):
        self.binary = binary
        self.decoder = codecs.getincrementaldecoder(encoding)
        self.encoding = encoding
        self.number = 0
        self.bad_lines: dict[int, str] = {}
        self.bytes_read = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.binary:
            self.number += 1
            self.bytes_read += len(raw)
            if self.number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield raw.decode(self.encoding)
            except UnicodeDecodeError as error:
                self.bad_lines[self.number] = (
                    f"byte 0x{raw[error.start]:02x} at column {error.start + 1} is not "
                    f"{self.encoding} (save the file as UTF-8, or name its encoding with "
                    "--encoding)"
                )
                yield raw.decode(self.encoding, errors="replace")


class NoticeReader:
    """Iterate over a Retraction Watch CSV file: ``NoticeRow`` or ``RowProblem`` per row."""

    def __init__(self, binary: BinaryIO, *, encoding: str = "utf-8"):
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise FileProblem(f"unknown encoding {encoding!r} (try utf-8 or cp1252)") from None
        head = binary.peek(4)[:4] if hasattr(binary, "peek") else b""
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileProblem("the file is UTF-16 text; save it as UTF-8 and import it again")
        self.lines = _Lines(binary, encoding)
        self.reader = csv.reader(iter(self.lines), strict=True)
        self.columns = self._read_header()
        # Set when a broken row stopped the reading before the end of the file.
        self.stopped_early = False

    @property
    def bytes_read(self) -> int:
        return self.lines.bytes_read

    def _read_header(self) -> dict[str, int]:
        try:
            header = next(self.reader)
        except StopIteration:
            raise FileProblem("the file is empty") from None
        except csv.Error as error:
            raise FileProblem(f"the header row is not CSV ({error})") from None
        if 1 in self.lines.bad_lines:
            raise FileProblem(f"the header row is not readable: {self.lines.bad_lines[1]}")
        names = [name.strip() for name in header]
        missing = [column for column in COLUMNS.values() if column not in names]
        if missing:
            raise FileProblem(
                "this is not the Retraction Watch layout: the header lacks "
                + ", ".join(missing)
                + " (expected columns such as Record ID, Title, RetractionNature, "
                "OriginalPaperDOI, OriginalPaperPubMedID)"
            )
        return {field: names.index(column) for field, column in COLUMNS.items()}

    def __iter__(self) -> Iterator[NoticeRow | RowProblem]:
        width = max(self.columns.values()) + 1
        while True:
            first_line = self.lines.number + 1
            try:
                values = next(self.reader)
            except StopIteration:
                return
            except csv.Error as error:
                # The parser cannot resynchronise after a broken quote: stop here.
                self.stopped_early = True
                yield RowProblem(
                    first_line, f"not valid CSV ({error}); the rest of the file was not read"
                )
                return
            if not values or not any(v.strip() for v in values):
                continue
            yield self._row(values, first_line, width)

    def _row(self, values: list[str], line: int, width: int) -> NoticeRow | RowProblem:
        def get(field: str) -> str:
            return values[self.columns[field]]

        record_id = None
        raw_id = get("record_id").strip() if len(values) > self.columns["record_id"] else ""
        if raw_id.isdigit() and int(raw_id) > 0:
            record_id = int(raw_id)
        bad = [n for n in range(line, self.lines.number + 1) if n in self.lines.bad_lines]
        # Undecodable bytes matter only in a column we keep: the published file has
        # some in author names, which this import does not read.
        if bad and any("\ufffd" in values[i] for i in self.columns.values() if i < len(values)):
            return RowProblem(bad[0], self.lines.bad_lines[bad[0]], record_id)
        if len(values) < width:
            return RowProblem(
                line, f"{len(values)} fields where the header has at least {width}", record_id
            )
        if record_id is None:
            return RowProblem(line, f"Record ID {raw_id!r} is not a positive whole number")
        nature = NATURES.get(_clean(get("nature")).casefold())
        if nature is None:
            return RowProblem(
                line,
                f"RetractionNature {get('nature')!r} is not one of "
                + ", ".join(label for _, label in NoticeNature.choices),
                record_id,
            )
        try:
            return NoticeRow(
                line=line,
                record_id=record_id,
                nature=nature,
                title=_clean(get("title")),
                journal=_clean(get("journal")),
                publisher=_clean(get("publisher")),
                reason=_clean(get("reason")),
                urls=_clean(get("urls")),
                notes=(get("notes") or "").strip(),
                retraction_date=_date(get("retraction_date"), "RetractionDate"),
                retraction_doi=_identifier(get("retraction_doi"), normalise_doi, "RetractionDOI"),
                retraction_pmid=_identifier(
                    get("retraction_pmid"), normalise_pmid, "RetractionPubMedID"
                ),
                original_date=_date(get("original_date"), "OriginalPaperDate"),
                original_doi=_identifier(get("original_doi"), normalise_doi, "OriginalPaperDOI"),
                original_pmid=_identifier(
                    get("original_pmid"), normalise_pmid, "OriginalPaperPubMedID"
                ),
            )
        except ValueError as error:
            return RowProblem(line, str(error), record_id)
