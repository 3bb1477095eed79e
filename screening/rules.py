"""The rules of retraction screening, in one place.

- A paper counts as retracted while a Retraction notice about it is in the
  published data and no later Reinstatement notice restores it.
- Corrections and expressions of concern are warnings: shown, never blocking.
- A claim citing a retracted paper cannot be verified, and its article cannot
  be approved, until a board reviewer records why the citation stands (for
  example, the article discusses the retraction), on the claim as it now reads.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from articles.identifiers import normalise_doi, normalise_pmid
from articles.models import Article, Citation, Claim
from screening.models import CitationJustification, NoticeNature, RetractionNotice

WARNING_NATURES = (NoticeNature.CORRECTION, NoticeNature.EXPRESSION_OF_CONCERN)


def _day(notice: Any, missing: datetime.date) -> datetime.date:
    return notice.retraction_date or missing


def retraction_in_force(notices: Iterable[Any]) -> Any | None:
    """The latest Retraction notice about one paper, unless a Reinstatement dated on or after it
    restores the paper (an undated reinstatement restores it too)."""
    notices = list(notices)
    retractions = [n for n in notices if n.nature == NoticeNature.RETRACTION]
    if not retractions:
        return None
    latest = max(retractions, key=lambda n: (_day(n, datetime.date.min), n.pk))
    for notice in notices:
        if notice.nature == NoticeNature.REINSTATEMENT and _day(notice, datetime.date.max) >= _day(
            latest, datetime.date.min
        ):
            return None
    return latest


def warnings_in_force(notices: Iterable[Any]) -> list[Any]:
    """Corrections and expressions of concern about one paper, oldest first."""
    found = [n for n in notices if n.nature in WARNING_NATURES]
    return sorted(found, key=lambda n: (_day(n, datetime.date.min), n.pk))


class NoticeIndex:
    """Notices grouped under the identifiers of the papers they concern."""

    def __init__(self, notices: Iterable[Any]):
        self.by_doi: dict[str, list[Any]] = {}
        self.by_pmid: dict[str, list[Any]] = {}
        for notice in notices:
            if notice.original_doi:
                self.by_doi.setdefault(notice.original_doi, []).append(notice)
            if notice.original_pmid:
                self.by_pmid.setdefault(notice.original_pmid, []).append(notice)

    def about(self, *, doi: str, pmid: str) -> list[Any]:
        """Every notice about the paper with this DOI or PubMed ID (already normalised)."""
        found = {n.pk: n for n in self.by_doi.get(doi, ())} if doi else {}
        if pmid:
            found.update({n.pk: n for n in self.by_pmid.get(pmid, ())})
        return list(found.values())


def notices_about(identifiers: Iterable[tuple[str, str]]) -> NoticeIndex:
    """The notices in force about papers with these (DOI, PMID) pairs, raw or normalised
    (1 indexed query; none when no pair has an identifier)."""
    dois, pmids = set(), set()
    for doi, pmid in identifiers:
        dois.add(normalise_doi(doi))
        pmids.add(normalise_pmid(pmid))
    dois.discard("")
    pmids.discard("")
    if not dois and not pmids:
        return NoticeIndex([])
    return NoticeIndex(
        RetractionNotice.objects.filter(withdrawn_at__isnull=True).filter(
            Q(original_doi__in=dois) | Q(original_pmid__in=pmids)
        )
    )


@dataclass(frozen=True)
class PaperStatus:
    """What the notices say about one cited paper."""

    retraction: RetractionNotice | None = None
    warnings: list[RetractionNotice] = field(default_factory=list)


def paper_status(index: NoticeIndex, *, doi: str, pmid: str) -> PaperStatus:
    notices = index.about(doi=normalise_doi(doi), pmid=normalise_pmid(pmid))
    return PaperStatus(retraction=retraction_in_force(notices), warnings=warnings_in_force(notices))


@dataclass(frozen=True)
class UnjustifiedCitation:
    """A claim citing a retracted paper with no justification on the claim as it reads."""

    claim_id: int
    reference_id: int
    reference_title: str
    notice: RetractionNotice


def unjustified_retracted_citations(
    article: Article, *, claim: Claim | None = None
) -> list[UnjustifiedCitation]:
    """Citations of retracted papers in the article (or in one claim) that no reviewer justified.

    1 query when no cited reference has a DOI or PMID, else 2, else 3 when one is retracted.
    """
    citations = Citation.objects.filter(reference__isnull=False)
    citations = (
        citations.filter(claim=claim)
        if claim is not None
        else citations.filter(claim__article=article)
    )
    rows = list(
        citations.exclude(reference__doi="", reference__pmid="").values_list(
            "claim_id",
            "claim__version",
            "reference_id",
            "reference__doi",
            "reference__pmid",
            "reference__title",
        )
    )
    if not rows:
        return []
    index = notices_about((doi, pmid) for _, _, _, doi, pmid, _ in rows)
    retracted = []
    for claim_id, version, reference_id, doi, pmid, title in rows:
        notice = paper_status(index, doi=doi, pmid=pmid).retraction
        if notice is not None:
            retracted.append((claim_id, version, reference_id, title, notice))
    if not retracted:
        return []
    justified = set(
        CitationJustification.objects.filter(
            claim_id__in={r[0] for r in retracted}, reference_id__in={r[2] for r in retracted}
        ).values_list("claim_id", "reference_id", "claim_version")
    )
    seen = set()
    found = []
    for claim_id, version, reference_id, title, notice in retracted:
        if (claim_id, reference_id, version) in justified or (claim_id, reference_id) in seen:
            continue
        seen.add((claim_id, reference_id))
        found.append(UnjustifiedCitation(claim_id, reference_id, title, notice))
    return found


def has_no_unjustified_retracted_citation(article: Article) -> bool:
    """The approval condition: every citation of a retracted paper carries a justification."""
    return not unjustified_retracted_citations(article)


def describe_retraction(notice: RetractionNotice) -> str:
    """ "retracted in March 2024" (or without a date when the notice has none)."""
    if notice.retraction_date:
        return f"retracted in {notice.retraction_date:%B %Y}"
    return "retracted"


def verification_blockers(*, claim: Claim) -> list[str]:
    """Why this claim cannot be verified yet: one sentence per unjustified retracted citation."""
    return [
        f"It cites “{found.reference_title}”, {describe_retraction(found.notice)}; record a "
        "justification on that citation before verifying the claim."
        for found in unjustified_retracted_citations(claim.article, claim=claim)
    ]
