"""An approved version's text, rendered once and stored (``RenderedBody``).

What the board approved never changes, so the claims, lists, citations and
references of an approved version are rendered the first time they are
needed (at approval, or on the first view after a release that changed the
templates) and read back from one row afterwards. Pending articles and desk
previews show working content that can still change, so theirs is rendered
on each (uncached) request.

Nothing that can change without a new approval is stored here: the byline,
the review history, the policy link and the disclaimer are rendered around
the stored body on every render of the page. So are the retraction notices a
claim's disclosure shows beside its cited papers: the stored text marks where
they go (``with_retraction_notices``), and the page fills them in from the
flags as they stand.

Each fact-stating claim's disclosure (evidence level, quoted passages, who
verified it and when) is read from the approved version alone: its content
document and the verifications recorded at approval (``Provenance``).
"""

from __future__ import annotations

import functools
import re

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from articles.content import ArticleContent
from articles.interchange.jsonformat import content_from_document
from articles.models import ArticleVersion
from public import selectors
from public.audiences import AUDIENCES
from public.fastpath import source_fingerprint
from public.models import RenderedBody

# The templates of the stored text. Their source is part of ``template_version()``, so a
# release that changes what they print has every stored body rendered again, lazily,
# the next time its page is rendered; raise the number when ``facts`` changes shape.
BODY_TEMPLATES = (
    "public/_article_content.html",
    "public/_blocks.html",
    "public/_cites.html",
    "public/_provenance.html",
)


@functools.cache
def template_version() -> str:
    return "2-" + source_fingerprint(BODY_TEMPLATES)


def _description(content: ArticleContent, audience: str) -> str:
    for claim in content.claims:
        if not claim.kind.is_heading:
            text = claim.plain_text if audience == "patient" and claim.plain_text else claim.text
            return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"
    return content.title


def _citation_ld(ref) -> dict:
    work = {
        "@type": "ScholarlyArticle"
        if ref.kind.value in ("Research", "Systematic review", "Review")
        else "CreativeWork",
        "name": ref.title,
        "publisher": ref.source,
        "datePublished": str(ref.year),
    }
    if ref.authors:
        work["author"] = ref.authors
    same_as = []
    if ref.doi:
        same_as.append(f"https://doi.org/{ref.doi}")
    if ref.pmid:
        same_as.append(f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/")
    if ref.url:
        same_as.append(ref.url)
    if same_as:
        work["sameAs"] = same_as
    return work


def _proofs(blocks) -> list[selectors.ClaimProof]:
    """The disclosures of the body, in page order."""
    found: list[selectors.ClaimProof] = []
    for block in blocks:
        for part in (block, *block.items):
            if part.proof is not None:
                found.append(part.proof)
            found += _proofs(part.children)
    return found


def _claims_ld(proofs: list[selectors.ClaimProof]) -> dict:
    """schema.org for the claims' disclosures, its identifiers relative (``public.page``
    makes them absolute): each a ``Claim``, also a ``MedicalGuideline`` when it has a
    level (the one type with ``evidenceLevel``), citing its passages as ``Quotation``s of
    the cited works; and a ``Review`` per reviewer and day naming the claims verified."""
    claims: list[dict] = []
    reviews: dict[tuple, dict] = {}
    levels_named: set[str] = set()
    for proof in proofs:
        if not (proof.words or proof.passages or proof.verified_by):
            continue
        node: dict = {"@id": f"#claim-{proof.number}", "@type": "Claim"}
        if proof.words:
            node["@type"] = ["Claim", "MedicalGuideline"]
            level = {"@id": f"{reverse('public:policy')}#evidence-{proof.level}"}
            if proof.level not in levels_named:  # named once; later claims point to it
                levels_named.add(proof.level)
                level |= {"@type": "MedicalEvidenceLevel", "name": f"{proof.words.grade} (GRADE)"}
            node["evidenceLevel"] = level
        quoted = {p.number for p in proof.passages}
        citation = [{"@id": f"#ref-{n}"} for n in proof.cited if n not in quoted]
        for p in proof.passages:
            work: dict = {"@id": f"#ref-{p.number}"}
            if p.locator:
                work = {"@type": "CreativeWork", "name": p.locator, "isPartOf": work}
            citation.append({"@type": "Quotation", "text": p.quote, "isPartOf": work})
        if citation:
            node["citation"] = citation
        claims.append(node)
        if proof.verified_by:
            key = (proof.member_id, proof.verified_by, proof.verified_on)
            review = reviews.setdefault(key, _review_ld(proof))
            review["itemReviewed"].append({"@id": node["@id"]})
    return {"claims": claims, "claim_reviews": list(reviews.values())}


def _review_ld(proof: selectors.ClaimProof) -> dict:
    author = (
        {"@id": f"{reverse('public:board')}#member-{proof.member_id}"}
        if proof.member_id
        else {"@type": "Person", "name": proof.verified_by}
    )
    return {
        "@type": "Review",
        "author": author,
        "datePublished": proof.verified_on.isoformat(),
        "itemReviewed": [],
    }


def render_content(
    *, content: ArticleContent, audience: str, provenance: selectors.Provenance | None = None
) -> dict:
    """The content's HTML for one audience, with the facts the page around it needs.

    ``provenance``: an approved version's, whose claims then show their disclosures.
    """
    body = selectors.article_body(content=content, audience=audience, provenance=provenance)
    return {
        "html": render_to_string(
            "public/_article_content.html",
            {"content": content, "body": body, "audience": audience},
        ),
        "title": content.title,
        "heading": content.display_heading,
        "description": _description(content, audience),
        "has_plain_language": body.has_plain_language,
        "citations": [
            {"@id": f"#ref-{n}", **_citation_ld(ref)}
            for n, ref in enumerate(content.references, start=1)
        ],
        **_claims_ld(_proofs(body.blocks)),
    }


def provenance_of(version: ArticleVersion) -> selectors.Provenance:
    return selectors.Provenance(
        verifications=version.claim_verifications, scale_version=version.evidence_scale_version
    )


# Where a disclosure's retraction notices go: "<!--retracted?2,4-->" names its cited papers.
_NOTICE_PLACE = re.compile(r"<!--retracted\?([0-9,]+)-->")


def with_retraction_notices(html: str, by_number: dict) -> str:
    """The stored text with each disclosure's notices filled in: a paper flagged as retracted
    since approval is named in every disclosure of a claim citing it (``screening``)."""
    if not by_number:
        return html

    def notices(match: re.Match) -> str:
        numbers = [int(n) for n in match.group(1).split(",")]
        flags = [(n, by_number[n]) for n in numbers if n in by_number]
        if not flags:
            return ""
        return render_to_string("public/_claim_retractions.html", {"flags": flags})

    return _NOTICE_PLACE.sub(notices, html)


def _store(version: ArticleVersion, audience: str, rendered: dict) -> None:
    facts = {k: v for k, v in rendered.items() if k != "html"}
    fields = {"template_version": template_version(), "html": rendered["html"], "facts": facts}
    try:
        with transaction.atomic():
            if not RenderedBody.objects.filter(version=version, audience=audience).update(**fields):
                RenderedBody.objects.create(version=version, audience=audience, **fields)
    except IntegrityError:  # another process stored the same render first
        pass


def body_for_version(
    *, version: ArticleVersion, audience: str, stored: tuple | None = None
) -> dict:
    """The stored render of an approved version (1 query), rendering and storing it if missing.

    ``stored``: its row as read already, (template version, html, facts), when the
    article's own query joined it in (``selectors.article_get_by_slug``): no query.
    """
    if stored is None:
        row = (
            RenderedBody.objects.filter(version_id=version.pk, audience=audience)
            .values_list("template_version", "html", "facts")
            .first()
        )
    else:
        row = stored if stored[0] is not None else None  # joined in: none stored yet
    if row is not None and row[0] == template_version():
        return {"html": row[1], **row[2]}
    rendered = render_content(
        content=content_from_document(version.content),
        audience=audience,
        provenance=provenance_of(version),
    )
    _store(version, audience, rendered)
    return rendered


def rendered_body_prepare(*, version_id: int) -> None:
    """Render a newly approved version for every audience, so its first reader waits for nothing."""
    version = ArticleVersion.objects.filter(pk=version_id).first()
    if version is None:
        return
    content = content_from_document(version.content)
    provenance = provenance_of(version)
    for audience in AUDIENCES:
        _store(
            version,
            audience,
            render_content(content=content, audience=audience, provenance=provenance),
        )
