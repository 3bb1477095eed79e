"""Fingerprints of reviewed content: what a verdict or an approval vouches for.

The *reviewed content* of a revision is everything a reader can see of it: the
question, the display heading, and for each claim its kind, nesting level,
text, plain-language text, "needs no citation" mark, evidence level and its
citations in order, each with every detail of the cited reference and the passage
quoted from it. A verdict stores the
fingerprint of the claim it verified and an approval the fingerprint of the
whole content, so any later change, through whatever door and even to a
reference shared with another article, leaves them naming something else: the
verdict is stale and the approval no longer counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from articles.content import ArticleContent, ClaimData, ReferenceData

REFERENCE_FIELDS = ("kind", "title", "source", "year", "authors", "doi", "pmid", "url")

# A citation with no reference behind it: it blocks approval whatever its number.
UNRESOLVED: dict = {"unresolved": True}


def reference_details(reference) -> dict:
    """Every detail readers see of a reference (a model instance or ``ReferenceData``)."""
    details = {field: getattr(reference, field) for field in REFERENCE_FIELDS}
    details["kind"] = str(details["kind"])
    details["year"] = int(details["year"])
    return details


def cited_entry(details: dict, quote: str = "", locator: str = "") -> dict:
    """One citation as reviewed: the reference's details, with the quoted passage if any.

    A citation without a passage names only its reference, so fingerprints taken
    before passages existed still name the same content.
    """
    if not quote:
        return details
    return details | {"passage": quote, "locator": locator}


def claim_material(
    *,
    kind: str,
    level: int,
    text: str,
    plain_text: str,
    needs_no_citation: bool,
    cited: Sequence[dict],
    evidence: str = "",
) -> dict:
    material = {
        "kind": str(kind),
        "level": int(level),
        "text": text,
        "plain_text": plain_text,
        "needs_no_citation": bool(needs_no_citation),
        "cited": list(cited),
    }
    # Named only when given, so fingerprints taken before levels existed still match.
    if evidence:
        material["evidence"] = str(evidence)
    return material


def _digest(material) -> str:
    text = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def claim_fingerprint(**material) -> str:
    """The fingerprint of one claim's reviewed content (arguments as ``claim_material``)."""
    return _digest(claim_material(**material))


def cited_details(claim: ClaimData, references: Sequence[ReferenceData]) -> list[dict]:
    cited = []
    for n in claim.citations:
        if not 1 <= n <= len(references):
            cited.append(UNRESOLVED)
            continue
        passage = claim.passage_for(n)
        details = reference_details(references[n - 1])
        cited.append(cited_entry(details, passage.quote, passage.locator) if passage else details)
    return cited


def claim_data_fingerprint(claim: ClaimData, references: Sequence[ReferenceData]) -> str:
    return claim_fingerprint(
        kind=claim.kind,
        level=claim.level,
        text=claim.text,
        plain_text=claim.plain_text,
        needs_no_citation=claim.needs_no_citation,
        cited=cited_details(claim, references),
        evidence=claim.evidence,
    )


def content_fingerprint(content: ArticleContent) -> str:
    """The fingerprint of a whole revision as readers would see it (no ids, no dates)."""
    return _digest(
        {
            "title": content.title,
            "display_heading": content.display_heading,
            "claims": [
                claim_material(
                    kind=c.kind,
                    level=c.level,
                    text=c.text,
                    plain_text=c.plain_text,
                    needs_no_citation=c.needs_no_citation,
                    cited=cited_details(c, content.references),
                    evidence=c.evidence,
                )
                for c in content.claims
            ],
        }
    )


def pairing_digest(text: str, plain_text: str) -> str:
    """A claim's wording with its plain-language version: what "still right" confirms."""
    return _digest([text, plain_text])
