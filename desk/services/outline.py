"""The outline of a body: moving a claim with the items nested under it, and nesting it."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError

from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.models import Article
from desk.services.changes import MAX_LEVEL, change_content, claim_index, replace_claim


def _block_end(claims: list[ClaimData], start: int) -> int:
    """Where the block of ``claims[start]`` ends: the claim and the list items nested under it."""
    level = claims[start].level
    end = start + 1
    while end < len(claims) and claims[end].level > level:
        end += 1
    return end


def claim_move(*, article: Article, by, expected_version: int, uid: str, direction: str) -> Article:
    """Move a claim, with the list items nested under it, above the block before it ("up")
    or below the block after it ("down"); a block is a claim and the items nested under it."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move a claim up or down."})

    def change(content: ArticleContent) -> ArticleContent:
        claims = list(content.claims)
        index = claim_index(content, uid)
        end = _block_end(claims, index)
        if (index == 0) if direction == "up" else (end == len(claims)):
            raise ValidationError(
                {
                    "claim": f"The claim is already at the {'top' if direction == 'up' else 'bottom'}."
                }
            )
        block = claims[index:end]
        if direction == "up":
            # The block above: back to the nearest claim no deeper than this one.
            above = index - 1
            while above > 0 and claims[above].level > claims[index].level:
                above -= 1
            claims = claims[:above] + block + claims[above:index] + claims[end:]
        else:
            below_end = _block_end(claims, end)
            claims = claims[:index] + claims[end:below_end] + block + claims[below_end:]
        return dataclasses.replace(content, claims=tuple(claims))  # levels refitted after

    return change_content(
        article=article,
        by=by,
        expected_version=expected_version,
        change=change,
        reason="Claim moved",
    )


def claim_indent(
    *, article: Article, by, expected_version: int, uid: str, direction: str
) -> Article:
    """Nest a claim one level deeper ("in") or shallower ("out").

    A paragraph indented becomes a bullet; a top-level list item outdented
    becomes a paragraph. Headings do not nest.
    """
    if direction not in ("in", "out"):
        raise ValidationError({"direction": "Indent a claim in or out."})

    def change(content: ArticleContent) -> ArticleContent:
        index = claim_index(content, uid)
        claim = content.claims[index]
        previous = content.claims[index - 1] if index else None
        if claim.kind.is_heading:
            raise ValidationError({"claim": "Headings do not nest; change the kind first."})
        if direction == "in":
            if claim.kind == ClaimKind.PARAGRAPH:
                return replace_claim(
                    content, index, dataclasses.replace(claim, kind=ClaimKind.BULLET, level=0)
                )
            deepest = (
                previous.level + 1 if previous is not None and previous.kind.is_list_item else 0
            )
            if claim.level + 1 > min(deepest, MAX_LEVEL):
                raise ValidationError(
                    {"claim": "A list item nests only one level below the item above it."}
                )
            moved = dataclasses.replace(claim, level=claim.level + 1)
        elif claim.kind.is_list_item and claim.level == 0:
            moved = dataclasses.replace(claim, kind=ClaimKind.PARAGRAPH)
        elif claim.kind.is_list_item:
            moved = dataclasses.replace(claim, level=claim.level - 1)
        else:
            raise ValidationError({"claim": "The claim is not indented."})
        return replace_claim(content, index, moved)

    return change_content(
        article=article,
        by=by,
        expected_version=expected_version,
        change=change,
        reason="Claim indented" if direction == "in" else "Claim outdented",
    )
