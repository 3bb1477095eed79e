"""Reads: what an article contains, what the public may see, what awaits whom."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from articles.content import (
    ArticleContent,
    CitedPassage,
    ClaimData,
    ClaimKind,
    ReferenceData,
    ReferenceKind,
)
from articles.interchange.jsonformat import content_from_document
from articles.models import Article, ArticleVersion, Citation, Claim, EditorialPolicy, Reference
from articles.permissions import IMPORTER_USERNAME
from articles.visibility import Shown, shown_at_address


def claims_with_citations(article: Article) -> QuerySet[Claim]:
    """The article's claims in order, citations and their references prefetched (2 queries)."""
    return article.claims.prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("reference"))
    )


def reference_to_data(reference: Reference) -> ReferenceData:
    return ReferenceData(
        kind=ReferenceKind(reference.kind),
        title=reference.title,
        source=reference.source,
        year=reference.year,
        authors=reference.authors,
        doi=reference.doi,
        pmid=reference.pmid,
        url=reference.url,
    )


def content_from_claims(article: Article, claims: list[Claim]) -> ArticleContent:
    """Number the references 1..n by first citation; unresolved numbers follow, n+1..."""
    reference_numbers: dict[int, int] = {}
    references: list[ReferenceData] = []
    for claim in claims:
        for citation in claim.citations.all():
            if citation.reference_id is not None and citation.reference_id not in reference_numbers:
                references.append(reference_to_data(citation.reference))
                reference_numbers[citation.reference_id] = len(references)
    unresolved_numbers: dict[str, int] = {}
    claim_data = []
    for claim in claims:
        numbers = []
        passages = []
        for citation in claim.citations.all():
            if citation.reference_id is not None:
                numbers.append(reference_numbers[citation.reference_id])
                if citation.passage:
                    passages.append(
                        CitedPassage(numbers[-1], citation.passage, citation.passage_locator)
                    )
            else:
                label = citation.unresolved_label
                if label not in unresolved_numbers:
                    unresolved_numbers[label] = len(references) + len(unresolved_numbers) + 1
                numbers.append(unresolved_numbers[label])
        claim_data.append(
            ClaimData(
                kind=ClaimKind(claim.kind),
                text=claim.text,
                level=claim.level,
                citations=tuple(numbers),
                needs_no_citation=claim.needs_no_citation,
                plain_text=claim.plain_text,
                uid=str(claim.uid),
                passages=tuple(passages),
                evidence=claim.evidence,
            )
        )
    return ArticleContent(
        title=article.title,
        display_heading=article.display_heading,
        last_updated=article.last_updated,
        claims=tuple(claim_data),
        references=tuple(references),
    )


def article_get_content(*, article: Article) -> ArticleContent:
    """The article's working content as it stands now (3 queries)."""
    return content_from_claims(article, list(claims_with_citations(article)))


def article_list_writers(*, article: Article) -> list[str]:
    """The names of the editors who wrote the revision now in the workflow (1 query).

    The import pipeline's account is a door, not a writer: it is never credited.
    """
    users = article.contributors.exclude(username=IMPORTER_USERNAME).order_by("last_name", "pk")
    return [user.get_full_name() or user.get_username() for user in users]


def policy_get_in_force(*, on=None) -> EditorialPolicy | None:
    """The editorial policy version in force: the latest already effective."""
    day = on or timezone.localdate()
    return EditorialPolicy.objects.filter(effective_date__lte=day).order_by("-version").first()


class ReaderArticle:
    """What a visitor is shown of an article, as ``articles.visibility`` decides: the approved
    snapshot, or the working content (a pending submission, or a desk preview).

    The content is read only when first used, so a page whose text is stored or
    kept never loads the claims at all.
    """

    def __init__(self, *, article: Article, shown: Shown):
        self.article, self.shown = article, shown
        # The approved version shown, if any.
        self.version: ArticleVersion | None = (
            article.published_version if shown == Shown.APPROVED else None
        )

    @cached_property
    def content(self) -> ArticleContent:
        if self.version is None:
            return article_get_content(article=self.article)
        return content_from_document(self.version.content)

    @property
    def is_approved(self) -> bool:
        return self.version is not None

    @property
    def is_preview(self) -> bool:
        return self.shown == Shown.PREVIEW


def article_get_for_reader(
    *, article: Article, desk: bool = False, preview: bool = False
) -> ReaderArticle:
    """What this visitor is shown of the article (``articles.visibility.shown_at_address``).

    Raises ``ArticleGone`` for a retracted article readers were shown (410, with its
    notice) and ``ArticleNotShown`` when there is nothing to show (404). Once a
    version is approved, readers see exactly that snapshot while any later
    revision is in progress.
    """
    return ReaderArticle(
        article=article, shown=shown_at_address(article, desk=desk, preview=preview)
    )


def users_with_perm(permission: str):
    """Active users holding ``app_label.codename`` through a group or directly, with an email."""
    return users_holding(permission).exclude(email="")


def users_holding(permission: str):
    """Active users holding ``app_label.codename`` through a group or directly (or superusers)."""
    app_label, codename = permission.split(".")
    through_group = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    direct = Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(through_group | direct | Q(is_superuser=True))
        .distinct()
    )
