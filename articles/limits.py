"""The size limits of an article, in one place.

Every way content comes in reads these numbers: the JSON Schema of the
interchange format (``articles/interchange/article.schema.json`` carries the
same numbers, and a test keeps them equal), the page-text and Markdown parsers,
the desk's forms and the article services, which refuse anything beyond them
whoever calls. They bound the work one request can cause: the desk's diff, the
public page and the writes of one save all grow with these sizes.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError

from articles.content import ArticleContent, ContentError

# Chosen so that an article at every limit still fits the 1 MB input limit and every desk
# page of it answers in well under a second (bench/largest_article.py).
MAX_CLAIMS = 250
MAX_REFERENCES = 150
MAX_CITATIONS_PER_CLAIM = 10
MAX_CLAIM_CHARS = 2000
# One import of a reference list (PubMed, RIS, BibTeX, CSL-JSON): each entry is looked up and
# checked, so the number bounds one request's work as the article limits do.
MAX_REFERENCES_PER_IMPORT = 300


def claims_message() -> str:
    return f"an article has at most {MAX_CLAIMS:,} claims (the limit per article)"


def references_message() -> str:
    return f"an article has at most {MAX_REFERENCES:,} references (the limit per article)"


def import_entries_message(count: int) -> str:
    return (
        f"the list has {count:,} entries; one import takes at most "
        f"{MAX_REFERENCES_PER_IMPORT:,} (split the file)"
    )


def citations_message() -> str:
    return f"a claim cites at most {MAX_CITATIONS_PER_CLAIM} references (the limit per claim)"


def characters_message(length: int) -> str:
    return (
        f"the claim is {length:,} characters long; the limit is {MAX_CLAIM_CHARS:,} "
        "characters per claim"
    )


def content_errors(
    content: ArticleContent,
    *,
    claim_lines: Sequence[int | None] = (),
    reference_lines: Sequence[int | None] = (),
) -> list[ContentError]:
    """Every limit ``content`` goes beyond, each at the line (or JSON path) where it starts.

    ``claim_lines`` and ``reference_lines`` give the input line of each claim and
    reference when the input has lines (page text, Markdown); without them the
    errors name JSON paths.
    """

    def where(lines: Sequence[int | None], index: int, path: str) -> dict:
        line = lines[index] if index < len(lines) else None
        return {"line": line} if line else {"path": path}

    errors: list[ContentError] = []
    if len(content.claims) > MAX_CLAIMS:
        errors.append(
            ContentError(
                claims_message(), **where(claim_lines, MAX_CLAIMS, f"$.claims[{MAX_CLAIMS}]")
            )
        )
    if len(content.references) > MAX_REFERENCES:
        path = f"$.references[{MAX_REFERENCES}]"
        errors.append(
            ContentError(references_message(), **where(reference_lines, MAX_REFERENCES, path))
        )
    for index, claim in enumerate(content.claims[: MAX_CLAIMS + 1]):
        if len(claim.text) > MAX_CLAIM_CHARS:
            errors.append(
                ContentError(
                    characters_message(len(claim.text)),
                    **where(claim_lines, index, f"$.claims[{index}].text"),
                )
            )
        if len(claim.plain_text) > MAX_CLAIM_CHARS:
            errors.append(
                ContentError(
                    "the plain-language version is "
                    + characters_message(len(claim.plain_text)).removeprefix("the claim is "),
                    **where(claim_lines, index, f"$.claims[{index}].plain_text"),
                )
            )
        if len(claim.citations) > MAX_CITATIONS_PER_CLAIM:
            errors.append(
                ContentError(
                    citations_message(),
                    **where(claim_lines, index, f"$.claims[{index}].citations"),
                )
            )
    return errors


def ensure_within(content: ArticleContent) -> None:
    """Raise ValidationError naming the first limit ``content`` goes beyond (the services' guard)."""
    errors = content_errors(content)
    if errors:
        raise ValidationError({"body": [str(error) for error in errors[:5]]})


def as_dict() -> dict[str, int]:
    """The limits by name, as the README and the API document them."""
    return {
        "claims_per_article": MAX_CLAIMS,
        "references_per_article": MAX_REFERENCES,
        "citations_per_claim": MAX_CITATIONS_PER_CLAIM,
        "characters_per_claim": MAX_CLAIM_CHARS,
    }
