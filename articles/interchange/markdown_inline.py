"""What one claim, title or reference of the Markdown format says, read from its text.

The layout is described in ``articles.interchange.markdown``: footnote references and
the marker comment after a claim's text, escapes, emphasis and links kept as their text,
a reference's "Kind. *Title* Source, year." line and the date.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from articles.content import ReferenceKind
from articles.interchange import markdown_evidence as evidence
from articles.interchange.text import ISO_DATE, MAX_CITATION_DIGITS, REFERENCE_KINDS, YEAR

NO_CITATION = "no-citation"
PLAIN_PREFIX = "Plain language:"
FIELDS = {"Authors": "authors", "DOI": "doi", "PMID": "pmid", "URL": "url"}

_REFERENCE = re.compile(r"(?P<kind>[^.]+)\.\s+\*(?P<title>(?:\\.|[^\\*])+)\*(?:\s+(?P<tail>.*))?")
# Bounded so that a line full of unclosed "[^" or "<!--" is read in linear time.
_TOKEN = re.compile(
    r"\\(?P<escaped>[!-/:-@\[-`{-~])|\[\^(?P<ref>[^\]]{0,40})\]|<!--(?P<comment>.{0,400}?)-->"
)
# Inline markup a claim may carry from another editor: kept as its text, since claims are plain.
_EMPHASIS = re.compile(
    r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\3(?![\w*])"
)
_LINK = re.compile(r"!?\[(?P<text>[^\]\^][^\]]*)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


class LineError(Exception):
    """A problem with one line, turned into a ContentError by the reader."""


@dataclass(frozen=True)
class Inline:
    text: str
    citations: tuple[int, ...] = ()
    needs_no_citation: bool = False
    uid: str = ""
    evidence: str = ""


def unescape(text: str) -> str:
    """Undo backslash escapes of ASCII punctuation."""
    return _UNESCAPE.sub(r"\1", text)


def read_inline(source: str) -> Inline:
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
                raise LineError("footnote references must come before the marker comment")
            citations.append(_citation_number(match["ref"]))
        elif comment is not None:
            raise LineError("a claim can have only one marker comment")
        else:
            comment = match["comment"]
    _add_text(parts, source[position:], bool(citations) or comment is not None, markup=True)
    uid, needs_no_citation, level = _read_markers(comment or "")
    return Inline("".join(parts).strip(), tuple(citations), needs_no_citation, uid, level)


def _add_text(parts: list[str], text: str, after_tail: bool, *, markup: bool = False) -> None:
    if after_tail and text.strip():
        raise LineError(
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
        raise LineError(f"the footnote [^{label}] must be a reference number")
    if len(label) > MAX_CITATION_DIGITS:
        raise LineError(f"the footnote number [^{label}] is too large")
    return int(label)


def _read_markers(comment: str) -> tuple[str, bool, str]:
    """The uid, needs-no-citation flag and evidence level of a marker comment."""
    uid, needs_no_citation, level = "", False, ""
    for token in comment.split():
        try:
            read_level = evidence.read_evidence_marker(token)
        except ValueError as error:
            raise LineError(str(error)) from None
        if token == NO_CITATION and not needs_no_citation:
            needs_no_citation = True
        elif token.startswith("uid=") and not uid and _UUID.fullmatch(token[4:]):
            uid = token[4:]
        elif read_level and not level:
            level = read_level
        else:
            raise LineError(
                f"unexpected {token!r} in the marker comment; use 'uid=<uuid>', 'no-citation' "
                "and 'evidence=<level>'"
            )
    return uid, needs_no_citation, level


def read_reference(body: str) -> tuple[ReferenceKind, str, str, int]:
    """Kind, title, source and year from "Guideline. *Title* Source, 2026."."""
    match = _REFERENCE.fullmatch(body.strip())
    if match is None:
        raise LineError("a reference must read like: Guideline. *Title* Source, 2026.")
    kind = REFERENCE_KINDS.get(match["kind"].strip().casefold())
    if kind is None:
        expected = ", ".join(k.value for k in ReferenceKind)
        raise LineError(f"unknown reference type {match['kind']!r}; expected one of: {expected}")
    source, _, year = (match["tail"] or "").removesuffix(".").rpartition(",")
    if not YEAR.fullmatch(year.strip()):
        raise LineError(
            "the reference must end with its source and a four-digit year: 'Source, 2026.'"
        )
    title = unescape(match["title"]).strip()
    if not title:
        raise LineError("the reference has no title")
    return kind, title, unescape(source).strip(), int(year)


def read_date(value: str) -> datetime.date:
    """An ISO date such as 2026-02-06."""
    if ISO_DATE.fullmatch(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise LineError(f"cannot read the date {value!r}; write it as 2026-02-06")
