"""CSL-JSON, the list of items Zotero, Mendeley and citation.js export for citation processors.

Read with ``json`` and checked field by field: only the fields used here are
checked (type, title, container-title, publisher, issued, author, DOI, PMID,
URL, genre, abstract), and an item whose field has the wrong shape is refused
with the field named.
"""

from __future__ import annotations

import json

from articles.bibliography.entries import (
    ParsedEntry,
    ReferenceParseError,
    clean,
    entry,
    refused,
    short_name,
)
from articles.bibliography.kinds import CSL_TYPES, reference_kind
from articles.content import ReferenceKind

_TEXT_FIELDS = ("type", "title", "container-title", "publisher", "DOI", "URL", "genre", "abstract")


def looks_like_csl_json(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n")[:1] in ("[", "{")


def _shape(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if value is None:
        return "null"
    return "text"


def _year(issued, problems: list[str]):
    if issued is None:
        return ""
    if not isinstance(issued, dict):
        problems.append(f"“issued” should be an object with “date-parts”, not {_shape(issued)}")
        return ""
    parts = issued.get("date-parts")
    if parts is not None:
        if (
            isinstance(parts, list)
            and parts
            and isinstance(parts[0], list)
            and parts[0]
            and isinstance(parts[0][0], (int, str))
            and not isinstance(parts[0][0], bool)
        ):
            return parts[0][0]
        problems.append("“issued” has “date-parts” that are not a list like [[2021, 3, 5]]")
        return ""
    for key in ("raw", "literal"):
        if isinstance(issued.get(key), str):
            return issued[key]
    return ""


def _authors(value, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"“author” should be a list of names, not {_shape(value)}")
        return []
    names = []
    for index, person in enumerate(value, start=1):
        if not isinstance(person, dict):
            problems.append(f"author {index} should be an object with “family” and “given”")
            continue
        literal, family, given = (person.get(k, "") for k in ("literal", "family", "given"))
        if not all(isinstance(v, str) for v in (literal, family, given)):
            problems.append(f"author {index} has a name that is not text")
            continue
        names.append(clean(literal) or short_name(family, given))
    return names


def _item(number: int, item) -> ParsedEntry:
    if not isinstance(item, dict):
        return refused(number, None, "", f"it should be an object, not {_shape(item)}")
    label = item.get("title") if isinstance(item.get("title"), str) else item.get("id", "")
    label = label if isinstance(label, str) else ""
    problems = [
        f"“{name}” should be text, not {_shape(item[name])}"
        for name in _TEXT_FIELDS
        if name in item and item[name] is not None and not isinstance(item[name], str)
    ]
    pmid = item.get("PMID", "")
    if isinstance(pmid, int) and not isinstance(pmid, bool):
        pmid = str(pmid)
    elif pmid is not None and not isinstance(pmid, str):
        problems.append(f"“PMID” should be text or a number, not {_shape(pmid)}")
        pmid = ""
    year = _year(item.get("issued"), problems)
    authors = _authors(item.get("author"), problems)
    if problems:
        return refused(number, None, label, *problems)
    title = item.get("title") or ""
    source = item.get("container-title") or item.get("publisher") or ""
    return entry(
        number=number,
        line=None,
        label=label,
        kind=reference_kind(
            type_kind=CSL_TYPES.get(clean(item.get("type")), ReferenceKind.OTHER),
            publication_types=[item.get("genre") or ""],
            title=title,
        ),
        title=title,
        source=source,
        year=year,
        authors=authors,
        doi=item.get("DOI") or "",
        pmid=pmid or "",
        urls=[item.get("URL") or ""],
        abstract=item.get("abstract") or "",
    )


def parse_csl_json(text: str) -> list[ParsedEntry]:
    """Every item of a CSL-JSON list, in order (see ``articles.bibliography``)."""
    try:
        items = json.loads(text)
    except (ValueError, RecursionError) as error:
        where = f" (line {error.lineno})" if hasattr(error, "lineno") else ""
        raise ReferenceParseError(f"the text is not valid JSON{where}") from None
    if not isinstance(items, list):
        raise ReferenceParseError(
            f"CSL-JSON is a list of items ([{{…}}, {{…}}]); this is {_shape(items)}"
        )
    return [_item(number, item) for number, item in enumerate(items, start=1)]
