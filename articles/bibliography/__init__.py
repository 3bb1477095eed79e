"""Reading reference lists exported from the tools editors use: PubMed, RIS, BibTeX, CSL-JSON.

Each reader turns text into a list of ``ParsedEntry``, one per entry of the
input in order: either the ``ReferenceData`` of a library reference, or the
reasons the entry cannot become one (with its number and line), so that one
bad entry never costs the good ones. Input that cannot be read at all raises
``ReferenceParseError``, and nothing else escapes the readers.
"""

from articles.bibliography.detect import (
    FORMATS,
    detect_format,
    parse_reference_bytes,
    parse_references,
)
from articles.bibliography.entries import ParsedEntry, ReferenceParseError

__all__ = [
    "FORMATS",
    "ParsedEntry",
    "ReferenceParseError",
    "detect_format",
    "parse_reference_bytes",
    "parse_references",
]
