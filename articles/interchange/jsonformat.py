"""JSON: the complete article, for machines and for lossless exchange.

The shape is defined by ``article.schema.json`` (JSON Schema draft 2020-12)::

    {
      "format": "editorial-article/1",
      "title": "What is baclofen used for?",
      "display_heading": "What is Baclofen Used For?",
      "last_updated": "2026-02-06",
      "claims": [
        {"uid": "6f1c2a9e-3b1d-4c55-9a2e-0d6b1f3e1d2e", "kind": "bullet",
         "text": "Stroke (efficacy not established)", "level": 0, "citations": [1],
         "needs_no_citation": false, "plain_text": "", "evidence": "moderate",
         "passages": [{"number": 1, "quote": "Not indicated ...", "locator": "p. 2"}]}
      ],
      "references": [
        {"number": 1, "type": "Guideline", "title": "Baclofen Use in Pain Management",
         "source": "Praxis Medical Insights", "year": 2026,
         "authors": "", "doi": "", "pmid": "", "url": ""}
      ]
    }

Only "format" and "title" are required at the top, "kind" and "text" in a claim,
and "number", "type", "title" and "year" in a reference; the rest default to
empty. Beyond the schema, references must be numbered 1..n in order, dates must
exist, only list items may be nested, an item may be at most one level deeper
than the item before it, a passage quotes a reference the claim cites, and
only a fact that cites (not a heading, nor a claim that needs no reference) has
an evidence level. "passages" and "evidence" are written only when set, so
documents written before they existed read the same. Every error names its
JSON path.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from articles.content import (
    ArticleContent,
    CitedPassage,
    ClaimData,
    ClaimKind,
    ContentError,
    ContentParseError,
    ReferenceData,
    ReferenceKind,
)
from articles.evidence import level_refusal

FORMAT = "editorial-article/1"
SCHEMA_FILE = "article.schema.json"
_OWN_MESSAGE_VALIDATORS = frozenset(
    {"pattern", "not", "minLength", "maxLength", "maxItems", "enum"}
)


class _DuplicateKey(ValueError):
    pass


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of the format."""
    text = resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def parse_json(text: str) -> ArticleContent:
    """Read an article from JSON, raising ContentParseError with every problem found."""
    data = _load(text)
    found = sorted(_validator().iter_errors(data), key=_error_order)
    # A value can break two rules that share one message, such as "one line of text".
    errors = list(dict.fromkeys(_schema_error(error) for error in found))
    if not errors:
        errors = list(_semantic_errors(data))
    if errors:
        raise ContentParseError(errors)
    return _content(data)


def render_json(content: ArticleContent) -> str:
    """Write an article as JSON that ``parse_json`` reads back unchanged."""
    return json.dumps(document_from_content(content), ensure_ascii=False, indent=2) + "\n"


def document_from_content(content: ArticleContent) -> dict[str, Any]:
    """The article as a document of the format (a JSON-ready dict; published snapshots keep it)."""
    return {
        "format": FORMAT,
        "title": content.title,
        "display_heading": content.display_heading,
        "last_updated": content.last_updated.isoformat() if content.last_updated else None,
        "claims": [_claim_data(claim) for claim in content.claims],
        "references": [
            _reference_data(number, reference)
            for number, reference in enumerate(content.references, start=1)
        ],
    }


def content_from_document(data: dict[str, Any]) -> ArticleContent:
    """The content of a document this application wrote itself (not validated again)."""
    return _content(data)


def _load(text: str) -> Any:
    """Decode JSON strictly: no NaN or Infinity, no duplicate keys."""
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ContentParseError(
            ContentError(f"not valid JSON: {error.msg} (column {error.colno})", line=error.lineno)
        ) from None
    except _DuplicateKey as error:
        raise ContentParseError(f"not valid JSON: {error}") from None
    except (ValueError, RecursionError) as error:
        # Integers beyond Python's digit limit, NaN, or nesting too deep to decode.
        raise ContentParseError(f"not valid JSON: {error}") from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _error_order(error: ValidationError) -> list[tuple[bool, Any]]:
    """Order errors by where they are, with array indexes compared as numbers."""
    return [(isinstance(part, str), part) for part in error.absolute_path]


def _schema_error(error: ValidationError) -> ContentError:
    """A schema violation, worded by the schema where it gives its own message."""
    own = error.schema.get("errorMessage") if isinstance(error.schema, dict) else None
    use_own = own and error.validator in _OWN_MESSAGE_VALIDATORS
    return ContentError(own if use_own else error.message, path=error.json_path)


def _semantic_errors(data: dict[str, Any]) -> Iterator[ContentError]:
    """What the schema cannot say: real dates, reference order, list nesting, and passages
    quoted from references the claim cites."""
    if data.get("last_updated") is not None:
        try:
            datetime.date.fromisoformat(data["last_updated"])
        except ValueError:
            yield ContentError("is not a date that exists", path="$.last_updated")
    for index, reference in enumerate(data.get("references", [])):
        if reference["number"] != index + 1:
            message = f"expected {index + 1}: references are numbered 1..n in list order"
            yield ContentError(message, path=f"$.references[{index}].number")
    deepest = 0
    for index, claim in enumerate(data.get("claims", [])):
        level = int(claim.get("level", 0))
        is_item = ClaimKind(claim["kind"]).is_list_item
        if level > (deepest if is_item else 0):
            message = (
                "is deeper than the item before it allows"
                if is_item
                else "only list items can be nested; use 0"
            )
            yield ContentError(message, path=f"$.claims[{index}].level")
        deepest = level + 1 if is_item else 0
        quoted: set[int] = set()
        for n, passage in enumerate(claim.get("passages", [])):
            number, path = passage["number"], f"$.claims[{index}].passages[{n}].number"
            if number not in claim.get("citations", []):
                yield ContentError("the claim does not cite this reference number", path=path)
            elif number in quoted:
                yield ContentError("one passage per cited reference", path=path)
            quoted.add(number)
        if refusal := level_refusal(
            level=claim.get("evidence", ""),
            is_heading=ClaimKind(claim["kind"]).is_heading,
            needs_no_citation=claim.get("needs_no_citation", False),
        ):
            yield ContentError(refusal, path=f"$.claims[{index}].evidence")


def _content(data: dict[str, Any]) -> ArticleContent:
    last_updated = data.get("last_updated")
    return ArticleContent(
        title=data["title"],
        claims=tuple(_claim(claim) for claim in data.get("claims", [])),
        references=tuple(_reference(reference) for reference in data.get("references", [])),
        display_heading=data.get("display_heading", ""),
        last_updated=datetime.date.fromisoformat(last_updated) if last_updated else None,
    )


def _claim(data: dict[str, Any]) -> ClaimData:
    return ClaimData(
        kind=ClaimKind(data["kind"]),
        text=data["text"],
        level=int(data.get("level", 0)),
        citations=tuple(int(number) for number in data.get("citations", [])),
        needs_no_citation=data.get("needs_no_citation", False),
        plain_text=data.get("plain_text", ""),
        uid=data.get("uid", ""),
        passages=tuple(
            CitedPassage(int(p["number"]), p["quote"], p.get("locator", ""))
            for p in data.get("passages", [])
        ),
        evidence=data.get("evidence", ""),
    )


def _reference(data: dict[str, Any]) -> ReferenceData:
    return ReferenceData(
        kind=ReferenceKind(data["type"]),
        title=data["title"],
        source=data.get("source", ""),
        year=int(data["year"]),
        authors=data.get("authors", ""),
        doi=data.get("doi", ""),
        pmid=data.get("pmid", ""),
        url=data.get("url", ""),
    )


def _claim_data(claim: ClaimData) -> dict[str, Any]:
    data: dict[str, Any] = {"uid": claim.uid} if claim.uid else {}
    data |= {
        "kind": claim.kind.value,
        "text": claim.text,
        "level": claim.level,
        "citations": list(claim.citations),
        "needs_no_citation": claim.needs_no_citation,
        "plain_text": claim.plain_text,
    }
    if claim.passages:  # written only when quoted, so documents without any read as before
        data["passages"] = [
            {"number": p.number, "quote": p.quote, "locator": p.locator} for p in claim.passages
        ]
    if claim.evidence:  # likewise written only when given
        data["evidence"] = claim.evidence
    return data


def _reference_data(number: int, reference: ReferenceData) -> dict[str, Any]:
    return {
        "number": number,
        "type": reference.kind.value,
        "title": reference.title,
        "source": reference.source,
        "year": reference.year,
        "authors": reference.authors,
        "doi": reference.doi,
        "pmid": reference.pmid,
        "url": reference.url,
    }
