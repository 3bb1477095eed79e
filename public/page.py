"""The article page: its context, its cached fragment and its HTTP caching rules.

The body of the page (everything from the title to the review history) depends
only on what the page shows, so it is rendered once per cache key and shared by
every process through Django's cache. The parts that depend on the visitor (the
header, the follow-up form with its CSRF token) are rendered on each request.
"""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe

from articles.selectors import PublicArticle
from articles.states import ArticleState
from public import selectors
from screening.selectors import page_notices

AUDIENCE_COOKIE = "audience"
AUDIENCES = {
    "professional": "Healthcare professional",
    "patient": "Patient or caregiver",
}
DEFAULT_AUDIENCE = "professional"

# A rendered fragment is keyed by the content it shows, so it never goes stale on
# a state change; the timeout only bounds staleness of a board member's name.
FRAGMENT_TIMEOUT = 60 * 60
# A retracted article's notice is final; browsers may keep it this long.
RETRACTION_MAX_AGE = 5 * 60

STEPS = [
    (ArticleState.SUBMITTED, "Submitted"),
    (ArticleState.UNDER_REVIEW, "Under Review"),
    (ArticleState.APPROVED, "Approved"),
]


def audience_from_request(request: HttpRequest) -> str:
    value = request.COOKIES.get(AUDIENCE_COOKIE, "")
    return value if value in AUDIENCES else DEFAULT_AUDIENCE


def review_steps(public_article: PublicArticle) -> list[dict]:
    """The stepper: which steps are done and which is current for the version shown."""
    current = ArticleState.APPROVED if public_article.is_approved else public_article.article.state
    order = [state for state, _ in STEPS]
    index = order.index(current) if current in order else -1
    return [
        {"label": label, "done": i < index, "current": i == index}
        for i, (_, label) in enumerate(STEPS)
    ]


def _ld_json(data: dict) -> str:
    # Escape what could end the <script> element early, as json_script does.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def structured_data(*, request, public_article, content, credits, audience, url) -> str:
    """schema.org MedicalWebPage for the page, as JSON-LD text."""
    version = public_article.version
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": content.title,
        "headline": content.display_heading or content.title,
        "url": url,
        "dateModified": (content.last_updated or public_article.article.last_updated).isoformat(),
        "audience": {
            "@type": "MedicalAudience",
            "audienceType": "Patient" if audience == "patient" else "Clinician",
        },
        "citation": [_citation_ld(ref) for ref in content.references],
    }
    if version is not None:
        data["lastReviewed"] = version.approved_at.date().isoformat()
        board = request.build_absolute_uri(reverse("public:board"))
        data["reviewedBy"] = [_reviewer_ld(credit, board) for credit in credits]
    return _ld_json(data)


def _reviewer_ld(credit, board_url: str) -> dict:
    person = {"@type": "Person"}
    if credit.profile is not None:
        person["name"] = credit.profile.name
        person["honorificSuffix"] = credit.profile.credentials
        person["url"] = f"{board_url}#member-{credit.profile.pk}"
    else:
        person["name"] = credit.user.get_full_name() or credit.user.get_username()
    return person


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


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def article_page_context(
    *,
    request: HttpRequest,
    public_article: PublicArticle,
    audience: str,
    furniture: selectors.PageFurniture,
    preview: bool,
) -> dict:
    """Everything the cached body fragment shows (queries: see render_body_fragment)."""
    article, content, version = (
        public_article.article,
        public_article.content,
        public_article.version,
    )
    credits = selectors.version_list_credits(version=version) if version else []
    url = request.build_absolute_uri(article.get_absolute_url())
    history = (
        selectors.article_list_review_history(article=article)
        if article.published_version_id
        else []
    )
    return {
        "article": article,
        "content": content,
        "version": version,
        "is_approved": version is not None,
        "is_draft_preview": preview and version is None and article.state == ArticleState.DRAFT,
        "preview": preview,
        "credits": credits,
        "steps": review_steps(public_article),
        "last_updated": content.last_updated or article.last_updated,
        "policy": furniture.policy,
        "disclaimer": paragraphs(furniture.disclaimer),
        "body": selectors.article_body(content=content, audience=audience),
        "history": [
            {"version": v, "reviewer": selectors.reviewer_profile(v.approved_by)} for v in history
        ],
        "retraction_notices": page_notices(article=article, version=version),
        "audience": audience,
        "audiences": AUDIENCES,
        "structured_data": structured_data(
            request=request,
            public_article=public_article,
            content=content,
            credits=credits,
            audience=audience,
            url=url,
        ),
    }


def _description(content, audience: str) -> str:
    for claim in content.claims:
        if not claim.kind.is_heading:
            text = claim.plain_text if audience == "patient" and claim.plain_text else claim.text
            return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"
    return content.title


def render_body_fragment(
    *,
    request: HttpRequest,
    public_article: PublicArticle,
    audience: str,
    furniture: selectors.PageFurniture,
    preview: bool,
    key: str | None,
) -> dict:
    """The page body and its description, from the cache when ``key`` names one there.

    A miss costs: pending content 2 queries (claims, citations with references),
    approved snapshot 0; the review history 1 when the article was ever approved.
    """
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    context = article_page_context(
        request=request,
        public_article=public_article,
        audience=audience,
        furniture=furniture,
        preview=preview,
    )
    fragment = {
        "html": render_to_string("public/_article_body.html", context),
        "description": _description(public_article.content, audience),
        "title": public_article.content.title,
    }
    if key is not None:
        cache.set(key, fragment, FRAGMENT_TIMEOUT)
    return fragment


def etag_for(*, key: str, request: HttpRequest) -> str:
    """The page's ETag: its content key plus the visitor's CSRF secret.

    The page embeds a CSRF token that is only valid with that secret, so a
    visitor whose cookie changed must get a fresh page, not a 304. Called after
    rendering, it names the secret the response's cookie carries.
    """
    csrf = request.META.get("CSRF_COOKIE", "")
    return '"' + hashlib.sha256(f"{key}|{csrf}".encode()).hexdigest()[:32] + '"'


def safe_fragment(html: str):
    # The fragment was produced by our own autoescaping template.
    return mark_safe(html)  # noqa: S308


def if_none_match(request: HttpRequest) -> list[str]:
    header = request.headers.get("If-None-Match", "")
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def set_caching(response: HttpResponse, *, etag: str | None) -> None:
    """Cache headers of an article page.

    Readers' copies (browser, CDN) are always revalidated: an approval or a
    retraction must show at once, and the revalidation is a cheap 304. Pages
    for signed-in users or previews are never stored.
    """
    patch_vary_headers(response, ["Cookie"])
    if etag is None:
        patch_cache_control(response, private=True, no_store=True)
        return
    response["ETag"] = etag
    patch_cache_control(response, public=True, no_cache=True, max_age=0)


def render_page(
    request: HttpRequest,
    *,
    public_article: PublicArticle,
    furniture: selectors.PageFurniture,
    preview: bool,
    key: str | None,
    context: dict,
    status: int = 200,
) -> HttpResponse:
    """The whole article page: the (cached) body fragment inside the site's frame.

    ``context`` holds the per-visitor parts: the follow-up form, a notice, the audience.
    """
    fragment = render_body_fragment(
        request=request,
        public_article=public_article,
        audience=context["audience"],
        furniture=furniture,
        preview=preview,
        key=key,
    )
    article = public_article.article
    return render(
        request,
        "public/article_detail.html",
        {
            "article": article,
            "fragment": safe_fragment(fragment["html"]),
            "page_title": fragment["title"],
            "description": fragment["description"],
            "noindex": preview or not public_article.is_approved,
            "preview": preview,
            "is_approved": public_article.is_approved,
            "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
            **context,
        },
        status=status,
    )
