"""The article page: its context, and the HTTP caching rules of public pages.

An anonymous reader's page holds nothing about the reader: no cookie, no
token, no URL from the request's Host. Every such reader gets the same bytes
and the same strong ETag, so browsers and CDNs can store it and revalidate it
with a 304, and ``public.fastpath`` can replay it. The audience a page is
written for is part of its URL (``?audience=patient``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from types import SimpleNamespace

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.template import Context
from django.template.base import render_value_in_context
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from articles import steps
from articles.selectors import ReaderArticle, article_list_writers
from articles.states import ArticleState
from public import edge, fastpath, freshness, rendered, selectors
from public.audiences import AUDIENCES, DEFAULT_AUDIENCE
from public.forms import FollowUpForm
from screening.selectors import page_notices

# A retracted article's notice is final; browsers may keep it this long.
RETRACTION_MAX_AGE = 5 * 60

# The stepper's stages, (state reached, label), from the workflow steps that reach them.
STEPS = steps.stages()


def site_url(path: str) -> str:
    """The absolute URL of ``path`` on the configured site (``SITE_URL``), never the request's Host.

    Without ``SITE_URL`` the path is given root-relative, which browsers and
    crawlers resolve against the page itself.
    """
    return settings.SITE_URL + path


def audience_from_request(request: HttpRequest) -> str:
    """The audience a page is written for: named in the URL (or the follow-up form), else the default."""
    source = request.POST if request.method == "POST" else request.GET
    value = source.get("audience", "")
    return value if value in AUDIENCES else DEFAULT_AUDIENCE


def review_steps(public_article: ReaderArticle) -> list[dict]:
    """The stepper: which steps are done and which is current for the version shown."""
    current = ArticleState.APPROVED if public_article.is_approved else public_article.article.state
    order = [state for state, _ in STEPS]
    index = order.index(current) if current in order else -1
    return [
        {"label": label, "done": i < index, "current": i == index}
        for i, (_, label) in enumerate(STEPS)
    ]


def _ld_json(data: dict) -> str:
    # Escape what could end the <script> element early, as json_script does. Keys sorted:
    # the citations come back from PostgreSQL's jsonb in its own order, and the page must
    # be the same bytes whether its text was just rendered or read back.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def structured_data(*, public_article, body: dict, credits, audience, url, last_updated) -> str:
    """schema.org MedicalWebPage for the page, as JSON-LD text."""
    version = public_article.version
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": body["title"],
        "headline": body["heading"] or body["title"],
        "url": url,
        "dateModified": last_updated.isoformat(),
        "audience": {
            "@type": "MedicalAudience",
            "audienceType": "Patient" if audience == "patient" else "Clinician",
        },
        "citation": body["citations"],
    }
    if version is not None:
        data["lastReviewed"] = version.approved_at.date().isoformat()
        # Every board reviewer who verified or approved this version, the approver first.
        data["reviewedBy"] = [_reviewer_ld(credit) for credit in credits]
        # Each claim's evidence level, quoted passages, and who verified it when
        # (``public.rendered``). Identifiers are relative IRIs, resolved against the page.
        if body.get("claims"):
            data["hasPart"] = body["claims"]
            data["review"] = body["claim_reviews"]
    return _ld_json(data)


def _reviewer_ld(credit) -> dict:
    person = {"@type": "Person"}
    if credit.profile is not None:
        person["@id"] = reverse("public:board") + f"#member-{credit.profile.pk}"
        person["name"] = credit.profile.name
        person["honorificSuffix"] = credit.profile.credentials
        person["url"] = site_url(person["@id"])
    else:
        person["name"] = credit.user.get_full_name() or credit.user.get_username()
    return person


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def article_body(*, public_article, audience: str) -> dict:
    """The rendered text of what the page shows: stored for an approved version, else rendered."""
    if public_article.version is not None:
        article = public_article.article
        # Joined into the article's own query when it was read for this audience.
        stored = (
            (article.stored_body_template, article.stored_body_html, article.stored_body_facts)
            if getattr(article, "stored_body_audience", None) == audience
            else None
        )
        return rendered.body_for_version(
            version=public_article.version, audience=audience, stored=stored
        )
    return rendered.render_content(content=public_article.content, audience=audience)


def article_page_context(
    *,
    public_article: ReaderArticle,
    audience: str,
    furniture: selectors.PageFurniture,
    preview: bool,
    body: dict,
) -> dict:
    """What the page shows around the article's text.

    Queries: the review history and the reviewers credited (approved versions), the
    writers (working content: an approved version names its own), the retraction
    notices (articles ever flagged).
    """
    article, version = public_article.article, public_article.version
    article_url = article.get_absolute_url()
    credits = selectors.version_list_credits(version=version) if version else []
    history = (
        selectors.article_list_review_history(article=article)
        if article.published_version_id
        else []
    )
    last_updated = version.last_updated if version else article.last_updated
    notices = page_notices(article=article, version=version)
    html = rendered.with_retraction_notices(body["html"], notices.by_number)
    return {
        "article": article,
        "article_url": article_url,
        "title": body["title"],
        "content_html": mark_safe(html),  # noqa: S308 - our own autoescaping templates
        "written_by": version.written_by if version else article_list_writers(article=article),
        "has_plain_language": body["has_plain_language"],
        "version": version,
        "is_approved": version is not None,
        "is_draft_preview": preview and version is None and article.state == ArticleState.DRAFT,
        "preview": preview,
        "credits": credits,
        "retraction_notices": notices,
        "steps": review_steps(public_article),
        "last_updated": last_updated,
        "policy": furniture.policy,
        "disclaimer": paragraphs(furniture.disclaimer_for(audience)),
        "history": [
            {"version": v, "reviewer": selectors.reviewer_profile(v.approved_by)} for v in history
        ],
        "audience": audience,
        "audiences": AUDIENCES,
        "structured_data": structured_data(
            public_article=public_article,
            body=body,
            credits=credits,
            audience=audience,
            url=site_url(article_url),
            last_updated=last_updated,
        ),
    }


def strong_etag(content: bytes) -> str:
    """A strong ETag: the same bytes have the same tag on every server."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


# ``until`` not given: read when the next dated change comes (``freshness.valid_until``).
READ_UNTIL = object()


def set_caching(
    response: HttpResponse,
    *,
    shared: bool,
    keys: Iterable[str] | None = None,
    until: float | None | object = READ_UNTIL,
) -> None:
    """Cache headers of a public page.

    A page that names its keys is kept by the edge until a change purges them,
    and briefly by browsers (``public.edge``). One that names none is
    revalidated every time: an approval or a retraction must show at once, and
    the revalidation is a cheap 304. Pages for signed-in users or previews are
    never stored.
    """
    patch_vary_headers(response, ["Cookie"])
    if not shared:
        patch_cache_control(response, private=True, no_store=True)
        return
    if keys is None:
        patch_cache_control(response, public=True, no_cache=True, max_age=0)
        return
    edge.declare(response, keys, until=freshness.valid_until() if until is READ_UNTIL else until)


def finish_shared(
    request: HttpRequest,
    response: HttpResponse,
    *,
    keep: bool,
    keys: Iterable[str] | None = None,
    until: float | None | object = READ_UNTIL,
) -> HttpResponse:
    """An anonymous reader's page: a strong ETag from its bytes, a 304 when the reader has
    them, and kept for the next readers (``public.fastpath``) and by the edge when it names
    the ``keys`` of what it shows (``public.edge``; without them it is never kept)."""
    etag = strong_etag(response.content)
    if etag in fastpath.if_none_match(request):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        set_caching(not_modified, shared=True, keys=keys, until=until)
        return not_modified
    response["ETag"] = etag
    set_caching(response, shared=True, keys=keys, until=until)
    return fastpath.keep(response) if keep else response


def render_page(
    request: HttpRequest,
    *,
    public_article: ReaderArticle,
    furniture: selectors.PageFurniture,
    preview: bool,
    context: dict,
    status: int = 200,
) -> HttpResponse:
    """The whole article page: the article's text inside the site's frame.

    ``context`` holds the parts that depend on the request: the follow-up
    form, a notice, the audience.
    """
    audience = context["audience"]
    body = article_body(public_article=public_article, audience=audience)
    page_context = article_page_context(
        public_article=public_article,
        audience=audience,
        furniture=furniture,
        preview=preview,
        body=body,
    )
    article = public_article.article
    fragment = mark_safe(  # noqa: S308 - our own autoescaping template
        render_to_string("public/_article_body.html", page_context)
    )
    noindex = preview or not public_article.is_approved
    canonical_url = site_url(page_context["article_url"])
    if _frame_is_plain(request, preview=preview, context=context, status=status):
        return HttpResponse(
            _frame(request, noindex=noindex).fill(
                page_title=body["title"],
                description=body["description"],
                canonical_url=canonical_url,
                follow_up_url=reverse("public:follow_up", args=[article.slug]),
                audience=context["audience"],
                fragment=fragment,
            )
        )
    return render(
        request,
        "public/article_detail.html",
        {
            "article": article,
            "fragment": fragment,
            "page_title": body["title"],
            "description": body["description"],
            "noindex": noindex,
            "preview": preview,
            "is_approved": public_article.is_approved,
            "canonical_url": canonical_url,
            **context,
        },
        status=status,
    )


# -- The frame of an anonymous reader's article page -------------------------------


def _frame_is_plain(request: HttpRequest, *, preview: bool, context: dict, status: int) -> bool:
    """Whether the frame around the article is the one every anonymous reader gets.

    No session or messages cookie: no user, no messages to show. No notice, and a
    blank follow-up form.
    """
    form = context.get("form")
    return (
        status == 200
        and not preview
        and not context.get("notice")
        and form is not None
        and not form.is_bound
        and set(context) == {"form", "notice", "audience"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


class Frame:
    """article_detail.html, rendered once with a marker in each place a page's own value
    goes; a page is the literal text between the markers and its values, each escaped
    as the template escapes it."""

    SLOTS = ("page_title", "description", "canonical_url", "follow_up_url", "audience", "fragment")
    # What the template is given for the follow-up form's address, in place of the slug.
    SLUG = "frame-slot-slug"

    def __init__(self, request: HttpRequest, *, noindex: bool) -> None:
        marks = {name: f"\ue000{name}\ue001" for name in self.SLOTS}
        text = render_to_string(
            "public/article_detail.html",
            {
                "article": SimpleNamespace(slug=self.SLUG),
                "fragment": mark_safe(marks["fragment"]),  # noqa: S308 - a marker
                "page_title": marks["page_title"],
                "description": marks["description"],
                "noindex": noindex,
                "preview": False,
                "is_approved": not noindex,
                "canonical_url": marks["canonical_url"],
                "form": FollowUpForm(),
                "notice": "",
                "audience": marks["audience"],
            },
            request,
        )
        follow_up = str(conditional_escape(reverse("public:follow_up", args=[self.SLUG])))
        if text.count(follow_up) != 1:
            raise ValueError("The follow-up form's address is not where the frame expects it.")
        text = text.replace(follow_up, marks["follow_up_url"])
        pieces = re.split("\ue000(\\w+)\ue001", text)
        # Literal text at even places, slot names at odd places.
        self.pieces = tuple(pieces)

    def fill(self, **values) -> str:
        context = Context()
        escaped = {name: render_value_in_context(value, context) for name, value in values.items()}
        return "".join(escaped[piece] if i % 2 else piece for i, piece in enumerate(self.pieces))


_frames: dict[tuple, Frame] = {}


def _frame(request: HttpRequest, *, noindex: bool) -> Frame:
    # The frame's addresses depend on where the site is mounted.
    key = (noindex, get_script_prefix())
    frame = _frames.get(key)
    if frame is None:
        frame = _frames[key] = Frame(request, noindex=noindex)
    return frame


@receiver(setting_changed)
def _forget_frames(**kwargs) -> None:
    """Settings changed (tests): the frame's static and page addresses may have too."""
    _frames.clear()
