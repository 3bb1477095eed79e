"""Reads of retraction screening: the flagged queue, the runs, and what each page shows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Max, OuterRef, QuerySet, Subquery

from articles.models import Article, Citation
from articles.visibility import approved_visible_q
from screening.models import CitationJustification, RetractionFlag, ScreeningRun
from screening.rules import PaperStatus, notices_about, paper_status

# -- The desk's queue and record ---------------------------------------------------


def article_list_flagged() -> QuerySet[Article]:
    """Published articles whose readers' version has an open flag, the longest-flagged first."""
    first_flag = (
        RetractionFlag.objects.filter(
            article=OuterRef("pk"),
            cleared_at__isnull=True,
            version_id=OuterRef("published_version_id"),
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )
    return (
        Article.objects.select_related("created_by", "assigned_reviewer", "published_version")
        # Flags are few and articles many: only those with an open flag are asked for it.
        .filter(pk__in=RetractionFlag.objects.filter(cleared_at__isnull=True).values("article_id"))
        .annotate(flagged_at=Subquery(first_flag))
        # Only what readers still see: once retracted (by an admin) nothing is left to do.
        .filter(approved_visible_q(), flagged_at__isnull=False)
        .order_by("flagged_at", "pk")
    )


def flag_list_open(*, article: Article) -> list[RetractionFlag]:
    """The open flags on the version readers see of this article, with their notices (1 query)."""
    if article.published_version_id is None:
        return []
    return list(
        RetractionFlag.objects.filter(
            article=article, version_id=article.published_version_id, cleared_at__isnull=True
        )
        .select_related("notice")
        .order_by("reference_number", "pk")
    )


def run_list_recent(*, limit: int = 20) -> list[ScreeningRun]:
    """The latest screening runs, newest first."""
    return list(ScreeningRun.objects.select_related("by").order_by("-started_at", "-pk")[:limit])


def run_get(*, pk: int) -> ScreeningRun | None:
    return ScreeningRun.objects.select_related("by").filter(pk=pk).first()


def flag_list_for_run(*, run: ScreeningRun) -> list[RetractionFlag]:
    """The flags a run raised, with their articles and notices (1 query)."""
    return list(
        RetractionFlag.objects.filter(run=run)
        .select_related("article", "notice")
        .order_by("article__title", "reference_number", "pk")
    )


# -- The public page ---------------------------------------------------------------

# The name under which ``notice_stamp_annotation`` puts the stamp on an article.
STAMP_ATTRIBUTE = "retraction_notice_updated"
_UNKNOWN = object()


def notice_stamp_annotation() -> dict:
    """Annotate an article query with the last change to its retraction flags (or None).

    The public page's cache key includes it, so every change readers could see
    of the notices (a flag raised or cleared, a notice edited) names a new page.
    """
    latest = (
        RetractionFlag.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(latest=Max("updated_at"))
        .values("latest")
    )
    return {STAMP_ATTRIBUTE: Subquery(latest)}


def notice_updated(*, article: Article) -> datetime.datetime | None:
    """The article's last flag change: annotated already, else one query."""
    value = getattr(article, STAMP_ATTRIBUTE, _UNKNOWN)
    if value is _UNKNOWN:
        value = RetractionFlag.objects.filter(article=article).aggregate(latest=Max("updated_at"))[
            "latest"
        ]
        setattr(article, STAMP_ATTRIBUTE, value)
    return value


@dataclass
class PageNotices:
    """What the public page shows of retraction screening."""

    by_number: dict[int, RetractionFlag] = field(default_factory=dict)  # open, on this version
    history: list[RetractionFlag] = field(default_factory=list)  # every flag, oldest first


def page_notices(*, article: Article, version) -> PageNotices:
    """Notices beside the references of the approved ``version``, and the article's flag history.

    No query for an article never flagged (known from the stamp), else 1.
    """
    if version is None or notice_updated(article=article) is None:
        return PageNotices()
    flags = list(
        RetractionFlag.objects.filter(article=article)
        .select_related("notice", "version")
        .order_by("created_at", "pk")
    )
    return PageNotices(
        by_number={
            f.reference_number: f
            for f in flags
            if f.cleared_at is None and f.version_id == version.pk
        },
        history=flags,
    )


# -- The review screen ----------------------------------------------------------------


@dataclass(frozen=True)
class CitationScreening:
    """What the review screen shows beside one citation."""

    status: PaperStatus
    justification: CitationJustification | None

    @property
    def needs_justification(self) -> bool:
        return self.status.retraction is not None and self.justification is None


@dataclass
class ArticleScreening:
    statuses: dict[int, PaperStatus] = field(default_factory=dict)  # by reference id
    justifications: dict[tuple[int, int], CitationJustification] = field(default_factory=dict)

    def for_citation(self, citation) -> CitationScreening | None:
        status = self.statuses.get(citation.reference_id)
        if status is None or (status.retraction is None and not status.warnings):
            return None
        return CitationScreening(
            status=status,
            justification=self.justifications.get((citation.claim_id, citation.reference_id)),
        )


def article_screening(*, article: Article) -> ArticleScreening:
    """Notices about every paper the article cites, and the justifications on the claims as
    they now read (1 query without identifiers, else 2, else 3 with a retraction)."""
    references = list(
        Citation.objects.filter(claim__article=article, reference__isnull=False)
        .exclude(reference__doi="", reference__pmid="")
        .values_list("reference_id", "reference__doi", "reference__pmid")
        .distinct()
    )
    screening = ArticleScreening()
    if not references:
        return screening
    index = notices_about((doi, pmid) for _, doi, pmid in references)
    for reference_id, doi, pmid in references:
        screening.statuses[reference_id] = paper_status(index, doi=doi, pmid=pmid)
    if any(s.retraction for s in screening.statuses.values()):
        current = CitationJustification.objects.filter(
            claim__article=article, claim_version=F("claim__version")
        ).select_related("reviewer")
        for justification in current:
            key = (justification.claim_id, justification.reference_id)
            screening.justifications[key] = justification
    return screening
