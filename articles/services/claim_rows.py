"""Writing a body's claims and citations rows: the one place a body reaches the database.

Every change of a body (``articles.services.content``, ``articles.services.claims``)
validates its claims and writes their rows here, so each door keeps the same rules
and the same history.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from simple_history.utils import bulk_update_with_history

from articles import evidence, limits, readiness
from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.models import Article, Citation, Claim, Reference
from articles.services.history_rows import bulk_create_recorded
from articles.services.references import references_get_or_create

# What readers see of a claim besides its citations: a change to any of them
# bumps the claim's version (verdicts are bound to the fingerprint anyway).
CLAIM_SHOWN_FIELDS = ("kind", "level", "text", "plain_text", "needs_no_citation", "evidence")


def _citation_rows(
    claim: Claim, data: ClaimData, references: list[Reference], previous: Sequence[Citation] = ()
) -> list[Citation]:
    """The claim's citations as ``data`` numbers them.

    A cited reference keeps the passage quoted from it: the one ``data`` carries,
    else the one the claim had for that reference. Doors that know nothing of
    passages (the text formats, a claim's form) so never drop one; a passage is
    changed or cleared by ``citation_passage_set`` alone.
    """
    kept = {c.reference_id: c for c in previous if c.reference_id is not None and c.passage}
    rows = []
    for position, number in enumerate(data.citations):
        if not 1 <= number <= len(references):
            rows.append(Citation(claim=claim, position=position, unresolved_label=str(number)))
            continue
        reference = references[number - 1]
        row = Citation(claim=claim, position=position, reference=reference)
        if passage := data.passage_for(number):
            row.passage, row.passage_locator = passage.quote, passage.locator
        elif earlier := kept.get(reference.pk):
            row.passage, row.passage_locator = earlier.passage, earlier.passage_locator
        rows.append(row)
    return rows


def _citation_key(citation: Citation) -> tuple:
    return (
        citation.reference_id,
        citation.unresolved_label,
        citation.passage,
        citation.passage_locator,
    )


def validate_claim(data: ClaimData, index: int) -> None:
    """Refuse a claim no door may write (``index`` counts from 0, the message from 1)."""
    if not data.text.strip():
        raise ValidationError({"body": f"Claim {index + 1} is empty."})
    if data.level > 5:
        raise ValidationError({"body": f"Claim {index + 1} is nested deeper than 5 levels."})
    if ClaimKind(data.kind).is_heading and data.citations:
        # Every door writes through here: the desk, the importers, the API.
        raise ValidationError(
            {
                "body": f"Claim {index + 1} is a heading: headings state no fact and cite "
                "nothing, so remove its citations."
            }
        )
    if refusal := evidence.level_refusal(
        level=data.evidence,
        is_heading=ClaimKind(data.kind).is_heading,
        needs_no_citation=data.needs_no_citation,
    ):
        raise ValidationError({"evidence": f"Claim {index + 1}: {refusal}."})


def write_claims(
    article: Article, content: ArticleContent, *, by, reason: str, fresh: bool = False
) -> None:
    """Bring the article's claims and citations in line with ``content``.

    A claim whose uid matches an existing one is updated in place (and its
    version bumped when anything readers see of it changes); the rest are
    created; claims no longer present are deleted. The query count depends on
    the number of changed claims, not on the size of the article. ``fresh`` says
    the article was created in this transaction: it has no claims to read.
    """
    limits.ensure_within(content)
    for index, data in enumerate(content.claims):
        validate_claim(data, index)
    references = references_get_or_create(datas=list(content.references), by=by)
    existing = (
        {} if fresh else {str(c.uid): c for c in article.claims.prefetch_related("citations")}
    )
    keep: set[str] = set()
    new_claims: list[Claim] = []
    new_citations: list[Citation] = []
    stale_citation_claims: list[int] = []
    moved: list[Claim] = []
    for position, data in enumerate(content.claims):
        claim = existing.get(data.uid) if data.uid else None
        if claim is None or data.uid in keep:
            claim = Claim(article=article, position=position, **claim_fields(data))
            if _is_uuid(data.uid) and data.uid not in existing and data.uid not in keep:
                claim.uid = data.uid  # a claim coming back (restored) keeps its identity
                keep.add(data.uid)
            new_claims.append(claim)
            new_citations.extend(_citation_rows(claim, data, references))
            continue
        keep.add(data.uid)
        wanted = _citation_rows(claim, data, references, list(claim.citations.all()))
        citations_changed = [_citation_key(c) for c in claim.citations.all()] != [
            _citation_key(c) for c in wanted
        ]
        fields = claim_fields(data)
        shown_changed = citations_changed or any(
            getattr(claim, f) != fields[f] for f in CLAIM_SHOWN_FIELDS
        )
        if citations_changed:
            stale_citation_claims.append(claim.pk)
            new_citations.extend(wanted)
        if shown_changed:
            for f, v in fields.items():
                setattr(claim, f, v)
            claim.position = position
            claim.version += 1
            claim._history_user = by
            claim._change_reason = reason[:100]
            claim.save()
        elif claim.position != position:
            # Only moved (a claim added or removed above it): one update for all of them.
            claim.position = position
            moved.append(claim)
    if moved:
        bulk_update_with_history(
            moved, Claim, ["position"], default_user=by, default_change_reason=reason[:100]
        )
    removed = [c for uid, c in existing.items() if uid not in keep]
    for claim in removed:
        claim._history_user = by
        claim._change_reason = reason[:100]
        claim.delete()
    if stale_citation_claims:
        for citation in Citation.objects.filter(claim_id__in=stale_citation_claims):
            citation._history_user = by
            citation.delete()
    if new_claims:
        # SQLite (3.35+) and PostgreSQL both return the new primary keys.
        bulk_create_recorded(new_claims, Claim, by=by, reason=reason)
    if new_citations:
        bulk_create_recorded(new_citations, Citation, by=by, reason=reason)
    article.forget_cached_content()
    if not existing:
        # A body written afresh (a new article, an import): every row is in hand.
        readiness.claim_summaries_of_new_claims(article, claims=new_claims, citations=new_citations)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError):
        return False
    return True


def claim_fields(data: ClaimData) -> dict[str, Any]:
    """A claim's row fields as stored: only list items nest, headings need no citation."""
    kind = ClaimKind(data.kind)
    return {
        "kind": kind.value,
        "level": data.level if kind.is_list_item else 0,
        "text": data.text.strip(),
        "plain_text": data.plain_text.strip(),
        "needs_no_citation": data.needs_no_citation and not kind.is_heading,
        "evidence": data.evidence,
    }
