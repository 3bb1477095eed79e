"""What the serializers render: public articles and drafts as plain objects.

The title readers see comes from the approved snapshot, never from the live
row, so a revision in progress changes nothing in the API until it is approved.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, dataclass
from types import SimpleNamespace

from django.urls import reverse

from articles.content import ArticleContent, ClaimData
from articles.interchange import render_json
from articles.models import Article, ArticleVersion
from articles.selectors import ReaderArticle


@dataclass(frozen=True)
class PublicItem:
    slug: str
    title: str
    display_heading: str
    last_updated: datetime.date | None
    updated_at: datetime.datetime | None
    status: str
    is_approved: bool
    url: str
    web_url: str
    review: ArticleVersion | None
    claims: tuple[SimpleNamespace, ...] = ()  # ClaimData's fields and its ``verification``
    references: tuple[SimpleNamespace, ...] = ()


def _urls(request, article: Article) -> dict[str, str]:
    return {
        "url": request.build_absolute_uri(reverse("api:article-detail", args=[article.slug])),
        "web_url": request.build_absolute_uri(article.get_absolute_url()),
    }


def _status(article: Article, version: ArticleVersion | None) -> str:
    return "approved" if version is not None else article.state


def public_summary(request, article: Article) -> PublicItem:
    """A list entry; needs the review record joined in (see article_list_public)."""
    version = article.published_version
    shown = version.content if version is not None else {}
    last_updated = version.last_updated if version is not None else article.last_updated
    return PublicItem(
        slug=article.slug,
        title=shown.get("title", article.title),
        display_heading=shown.get("display_heading", article.display_heading),
        last_updated=last_updated,
        updated_at=getattr(article, "updated_at", None),
        status=_status(article, version),
        is_approved=version is not None,
        review=version,
        **_urls(request, article),
    )


def public_detail(request, public: ReaderArticle) -> PublicItem:
    article, content = public.article, public.content
    updated_at = public.version.approved_at if public.version is not None else None
    return PublicItem(
        slug=article.slug,
        title=content.title,
        display_heading=content.display_heading,
        last_updated=content.last_updated,
        updated_at=updated_at,
        status=_status(article, public.version),
        is_approved=public.is_approved,
        review=public.version,
        claims=public_claims(content, public.version),
        references=numbered_references(content),
        **_urls(request, article),
    )


def public_claims(
    content: ArticleContent, version: ArticleVersion | None
) -> tuple[SimpleNamespace, ...]:
    """The claims with who verified each and when, as recorded at approval (none while pending:
    the working content is verified by nobody yet)."""
    recorded = version.claim_verifications if version is not None else {}
    claims = []
    for claim in content.claims:
        verified = recorded.get(claim.uid)
        verification = (
            {
                "verified_by": verified["reviewer"],
                "verified_at": datetime.datetime.fromisoformat(verified["at"]),
            }
            if verified
            else None
        )
        fields = {f: getattr(claim, f) for f in ClaimData.__dataclass_fields__}
        claims.append(SimpleNamespace(**fields, verification=verification))
    return tuple(claims)


def numbered_references(content: ArticleContent) -> tuple[SimpleNamespace, ...]:
    return tuple(
        SimpleNamespace(number=number, **asdict(reference))
        for number, reference in enumerate(content.references, start=1)
    )


def public_etag(public: ReaderArticle) -> str:
    """Names exactly what the detail shows: an approved snapshot never changes."""
    article = public.article
    if public.version is not None:
        return f'"a{article.pk}-v{public.version.pk}"'
    return f'"a{article.pk}-c{article.content_version}-{article.state}"'


def draft_etag(article: Article) -> str:
    return f'"{article.content_version}"'


@dataclass(frozen=True)
class DraftItem:
    id: int
    slug: str
    state: str
    revision: int
    content_version: int
    etag: str
    url: str
    unresolved_citations: list[int]
    document: dict


def draft_item(request, article: Article, content: ArticleContent) -> DraftItem:
    return DraftItem(
        id=article.pk,
        slug=article.slug,
        state=article.state,
        revision=article.revision,
        content_version=article.content_version,
        etag=draft_etag(article),
        url=request.build_absolute_uri(reverse("api:draft-detail", args=[article.pk])),
        unresolved_citations=content.unresolved_numbers(),
        document=json.loads(render_json(content)),
    )
