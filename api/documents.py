"""Reading article documents sent to the API: the interchange format, then the library's limits.

``parse_json`` checks the format itself. What the database adds (field lengths,
plausible years, valid URLs, text PostgreSQL can store) is checked here too,
before any write, so every problem comes back with its JSON path instead of as
a bare field name from deep inside a service.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint

from articles.content import ArticleContent, ContentError, ContentParseError
from articles.interchange import parse_json
from articles.models import Article, Reference

# Reference model fields under the name the document gives them.
REFERENCE_FIELDS = {
    "kind": "type",
    "title": "title",
    "source": "source",
    "year": "year",
    "authors": "authors",
    "doi": "doi",
    "pmid": "pmid",
    "url": "url",
}
# The claim_level_at_most_5 constraint of articles.Claim.
MAX_LEVEL = 5
CHECK_CONSTRAINTS = [c for c in Reference._meta.constraints if isinstance(c, CheckConstraint)]


def read_document(text: str) -> ArticleContent:
    """The article in ``text``, or ContentParseError listing every problem with its path."""
    content = parse_json(text)
    errors = [*_unstorable_text(content), *_article_errors(content), *_reference_errors(content)]
    if errors:
        raise ContentParseError(errors)
    return content


def _strings(content: ArticleContent) -> Iterator[tuple[str, str]]:
    yield "$.title", content.title
    yield "$.display_heading", content.display_heading
    for i, claim in enumerate(content.claims):
        yield f"$.claims[{i}].text", claim.text
        yield f"$.claims[{i}].plain_text", claim.plain_text
    for i, reference in enumerate(content.references):
        for field, name in REFERENCE_FIELDS.items():
            value = getattr(reference, field)
            if isinstance(value, str):
                yield f"$.references[{i}].{name}", value


def _unstorable_text(content: ArticleContent) -> Iterator[ContentError]:
    # NUL characters and lone surrogates cannot be stored as text (PostgreSQL
    # refuses them), so they are refused here rather than failing at save time.
    for path, value in _strings(content):
        if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
            yield ContentError(
                "contains characters that cannot be stored (NUL or a lone surrogate)", path=path
            )


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _article_errors(content: ArticleContent) -> Iterator[ContentError]:
    for field in ("title", "display_heading"):
        limit = _max_length(Article, field)
        if len(getattr(content, field)) > limit:
            yield ContentError(f"is longer than {limit} characters", path=f"$.{field}")
    for i, claim in enumerate(content.claims):
        if claim.level > MAX_LEVEL:
            yield ContentError(
                f"is nested deeper than {MAX_LEVEL} levels", path=f"$.claims[{i}].level"
            )


def _reference_errors(content: ArticleContent) -> Iterator[ContentError]:
    for i, data in enumerate(content.references):
        reference = Reference(**{field: getattr(data, field) for field in REFERENCE_FIELDS})
        reference.kind = data.kind.value
        try:
            reference.clean_fields(exclude=["dedup_key"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    yield ContentError(
                        message, path=f"$.references[{i}].{REFERENCE_FIELDS.get(field, field)}"
                    )
        for constraint in CHECK_CONSTRAINTS:
            try:
                constraint.validate(Reference, reference)
            except ValidationError as error:
                field = ".year" if "year" in constraint.name else ""
                for message in error.messages:
                    yield ContentError(message, path=f"$.references[{i}]{field}")
