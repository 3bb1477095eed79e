"""Choosing the reader: by the name the editor picked, or from the text itself."""

from __future__ import annotations

from collections.abc import Callable

from articles import limits
from articles.bibliography.bibtex import looks_like_bibtex, parse_bibtex
from articles.bibliography.csljson import looks_like_csl_json, parse_csl_json
from articles.bibliography.entries import ParsedEntry, ReferenceParseError
from articles.bibliography.medline import looks_like_medline, parse_medline
from articles.bibliography.ris import looks_like_ris, parse_ris
from articles.interchange.detect import MAX_INPUT_BYTES, decode_upload

# (name, what editors call it); "auto" reads the text to tell.
FORMATS = (
    ("auto", "Recognise it"),
    ("medline", "PubMed (MEDLINE / .nbib)"),
    ("ris", "RIS (EndNote, Zotero, Mendeley)"),
    ("bibtex", "BibTeX"),
    ("csl-json", "CSL-JSON"),
)
_READERS: dict[str, Callable[[str], list[ParsedEntry]]] = {
    "medline": parse_medline,
    "ris": parse_ris,
    "bibtex": parse_bibtex,
    "csl-json": parse_csl_json,
}
# Asked in this order: JSON starts with a bracket; MEDLINE's "PMID-" and RIS's "TY  -" lines
# cannot be mistaken for each other; BibTeX's "@type{" comes last as abstracts may hold an "@".
_SNIFFERS = (
    ("csl-json", looks_like_csl_json),
    ("medline", looks_like_medline),
    ("ris", looks_like_ris),
    ("bibtex", looks_like_bibtex),
)


def detect_format(text: str, fmt: str = "auto") -> str:
    """The reader's name: ``fmt`` itself, or the format the text is written in."""
    fmt = (fmt or "auto").strip().lower()
    if fmt in _READERS:
        return fmt
    if fmt != "auto":
        names = ", ".join(_READERS)
        raise ReferenceParseError(f"unknown format “{fmt}”; expected one of: {names}")
    for name, looks_like in _SNIFFERS:
        if looks_like(text):
            return name
    raise ReferenceParseError(
        "cannot tell the format: expected PubMed (lines like “PMID- 123”), RIS (“TY  - JOUR”), "
        "BibTeX (“@article{”) or CSL-JSON (a list in brackets); choose the format if it is one"
    )


def parse_references(text: str, fmt: str = "auto") -> tuple[str, list[ParsedEntry]]:
    """The format read and every entry found, in order; ReferenceParseError if none can be."""
    if not isinstance(text, str) or not text.strip():
        raise ReferenceParseError("there is nothing to import: paste references or choose a file")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_INPUT_BYTES:
        raise ReferenceParseError(
            f"the text is {size:,} bytes; the limit is {MAX_INPUT_BYTES:,} bytes"
        )
    name = detect_format(text, fmt)
    entries = _READERS[name](text.lstrip("\ufeff"))
    if not entries:
        label = dict(FORMATS)[name]
        raise ReferenceParseError(f"no reference found in the text read as {label}")
    if len(entries) > limits.MAX_REFERENCES_PER_IMPORT:
        raise ReferenceParseError(limits.import_entries_message(len(entries)))
    return name, entries


def parse_reference_bytes(data: bytes, fmt: str = "auto") -> tuple[str, list[ParsedEntry]]:
    """An uploaded file: refused when too large, binary or not UTF-8, else read as text."""
    text = decode_upload(data, ReferenceParseError, advice="; export it again as UTF-8")
    return parse_references(text, fmt)
