"""Screening the library and the approved versions against the retraction notices in force.

One transaction per screening, so flags and their notifications appear together
or not at all, in a fixed number of queries whatever the size of the library.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction
from django.db.models import F
from django.db.models.fields.json import KeyTransform
from django.utils import timezone

from articles import events
from articles.identifiers import normalise_doi, normalise_pmid
from articles.models import Article, Reference
from articles.visibility import approved_visible_q
from screening import notifications
from screening.models import CitationJustification, RetractionFlag, RetractionNotice, ScreeningRun
from screening.rules import NoticeIndex, retraction_in_force


@transaction.atomic
def library_screen(*, run: ScreeningRun) -> ScreeningRun:
    """Screen every library reference and every approved version against the notices in force.

    Flags the approved versions newly found citing a retracted paper (unless a
    reviewer justified that citation), clears flags whose notice no longer
    counts, and notifies the editors and the board of each newly flagged
    article. A fixed number of queries, whatever the size of the library.
    """
    notices = [
        NoticeKey(*values)
        for values in RetractionNotice.objects.filter(withdrawn_at__isnull=True)
        .exclude(original_doi="", original_pmid="")
        .values_list("pk", "nature", "retraction_date", "original_doi", "original_pmid")
    ]
    index = NoticeIndex(notices)
    run.notices_in_force = len(notices)

    screened = matched = retracted = 0
    references = Reference.objects.exclude(doi="", pmid="").values_list("doi", "pmid")
    for doi, pmid in references.iterator(chunk_size=5000):
        screened += 1
        notices = index.about(doi=normalise_doi(doi), pmid=normalise_pmid(pmid))
        if notices:
            matched += 1
            retracted += retraction_in_force(notices) is not None
    run.references_screened, run.references_matched = screened, matched
    run.references_retracted = retracted

    found = _retracted_citations_in_approved_versions(index)
    justified = _justified_papers()
    wanted = {key: finding for key, finding in found.items() if not finding.justified(justified)}
    now = timezone.now()
    open_flags = {
        (version_id, notice_id, number): (pk, article_id)
        for pk, version_id, notice_id, number, article_id in RetractionFlag.objects.filter(
            cleared_at__isnull=True, version_id=F("article__published_version_id")
        ).values_list("pk", "version_id", "notice_id", "reference_number", "article_id")
    }
    to_clear = [pk for key, (pk, _) in open_flags.items() if key not in wanted]
    new_flags = [
        RetractionFlag(
            article_id=finding.article_id,
            version_id=version_id,
            notice_id=notice_id,
            reference_number=number,
            reference_title=finding.title,
            run=run,
            created_at=now,
            updated_at=now,
        )
        for (version_id, notice_id, number), finding in wanted.items()
        if (version_id, notice_id, number) not in open_flags
    ]
    if new_flags:
        RetractionFlag.objects.bulk_create(new_flags)
    if to_clear:
        run.flags_cleared = RetractionFlag.objects.filter(pk__in=to_clear).update(
            cleared_at=now, cleared_run=run, updated_at=now
        )
    flagged = sorted({flag.article_id for flag in new_flags})
    cleared = {article_id for key, (_, article_id) in open_flags.items() if key not in wanted}
    # The public pages of these articles show their notices.
    events.announce(*(events.article_key(pk) for pk in {*flagged, *cleared}))
    run.articles_flagged = len(flagged)
    if run.kind == ScreeningRun.Kind.RESCREEN:
        run.finished_at = timezone.now()
        run.status = ScreeningRun.Status.FINISHED
    run.save()
    for article_id in flagged:
        # Queued in this transaction (the outbox): sent once it commits, never lost.
        notifications.notify_article_flagged(article_id=article_id, run_id=run.pk)
    return run


class NoticeKey(NamedTuple):
    """What matching needs of a notice: light enough to hold all of them at once."""

    pk: int
    nature: str
    retraction_date: datetime.date | None
    original_doi: str
    original_pmid: str


@dataclass(frozen=True)
class Finding:
    """An approved version citing a retracted paper."""

    article_id: int
    approved_at: datetime.datetime
    title: str
    paper_keys: frozenset[str]  # "doi:…", "pmid:…"

    def justified(self, justified: dict[tuple[int, str], datetime.datetime]) -> bool:
        """A reviewer justified citing this paper in this article before the version was approved.

        A justification given later, on a revision still in review, does not end the
        notice readers see: the new approval does.
        """
        for key in self.paper_keys:
            when = justified.get((self.article_id, key))
            if when is not None and when <= self.approved_at:
                return True
        return False


def _paper_keys(doi: str, pmid: str) -> frozenset[str]:
    return frozenset(k for k in (doi and f"doi:{doi}", pmid and f"pmid:{pmid}") if k)


def _retracted_citations_in_approved_versions(index: NoticeIndex) -> dict:
    """(version, notice, reference number) -> Finding, for every retracted paper the readers'
    version of a live article cites (1 query)."""
    found = {}
    versions = Article.objects.filter(approved_visible_q()).values_list(
        "pk",
        "published_version_id",
        "published_version__approved_at",
        KeyTransform("references", "published_version__content"),
    )
    for article_id, version_id, approved_at, references in versions.iterator(chunk_size=500):
        for number, reference in enumerate(references or [], start=1):
            doi = normalise_doi(reference.get("doi"))
            pmid = normalise_pmid(reference.get("pmid"))
            if not doi and not pmid:
                continue
            notice = retraction_in_force(index.about(doi=doi, pmid=pmid))
            if notice is not None:
                found[(version_id, notice.pk, number)] = Finding(
                    article_id=article_id,
                    approved_at=approved_at,
                    title=reference.get("title", ""),
                    paper_keys=_paper_keys(doi, pmid),
                )
    return found


def _justified_papers() -> dict[tuple[int, str], datetime.datetime]:
    """(article, paper key) -> when a reviewer first justified citing it there (1 query)."""
    justified: dict[tuple[int, str], datetime.datetime] = {}
    rows = CitationJustification.objects.values_list(
        "claim__article_id", "reference__doi", "reference__pmid", "created_at"
    )
    for article_id, doi, pmid, created_at in rows:
        for key in _paper_keys(normalise_doi(doi), normalise_pmid(pmid)):
            earliest = justified.get((article_id, key))
            justified[(article_id, key)] = min(created_at, earliest or created_at)
    return justified


def library_rescreen(*, by=None) -> ScreeningRun:
    """Screen the library against the notices already loaded, and record the run."""
    run = ScreeningRun.objects.create(
        kind=ScreeningRun.Kind.RESCREEN, started_at=timezone.now(), by=by
    )
    return library_screen(run=run)
