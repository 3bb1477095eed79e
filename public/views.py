"""Public pages for readers: articles, the editorial policy, the board, home and search."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from articles.models import Article
from articles.policy import has_desk_access
from articles.selectors import PublicArticle
from articles.states import ArticleState
from editorial.clientip import client_address
from public import page, selectors, services, wholepage
from public.forms import FollowUpForm

HOME_PAGE_SIZE = 20


def render_article_page(
    request: HttpRequest,
    public_article: PublicArticle | selectors.ReaderArticle,
    *,
    preview: bool,
    form: FollowUpForm | None = None,
    status: int = 200,
    notice: str = "",
) -> HttpResponse:
    """The public article page for ``public_article``, exactly as readers get it.

    With ``preview=True`` (the desk's "preview" links) nothing is cached and the
    page is marked private and noindex. Costs 2 queries for the policy and the
    disclaimer, plus the body fragment's on a cache miss (see page.py).
    """
    audience = page.audience_from_request(request)
    furniture = selectors.page_furniture()
    key = None
    if not preview:
        key = selectors.article_page_key(
            public_article=public_article, audience=audience, furniture=furniture
        )
    # Only a plain anonymous GET of a public page may be answered from the browser's copy.
    shared = (
        key is not None and not request.user.is_authenticated and form is None and status == 200
    )
    etag = page.etag_for(key=key, request=request) if shared else None
    if etag and request.method in ("GET", "HEAD") and etag in page.if_none_match(request):
        response = HttpResponseNotModified()
    else:
        context = {"form": form or FollowUpForm(), "notice": notice, "audience": audience}
        page_context = dict(public_article=public_article, furniture=furniture, preview=preview)
        if shared and getattr(request, "whole_page_key", None) == key:
            response = wholepage.render_and_keep(request, key=key, context=context, **page_context)
        else:
            response = page.render_page(
                request, key=key, context=context, status=status, **page_context
            )
        if etag:
            etag = page.etag_for(key=key, request=request)  # a first visit has just got its cookie
    page.set_caching(response, etag=etag)
    return response


def _reader_article(
    request: HttpRequest, slug: str, *, as_reader: bool = False
) -> tuple[selectors.ReaderArticle | None, Article]:
    """The article at ``slug`` and what this visitor (or any reader) may see of it."""
    article = selectors.article_get_by_slug(slug=slug)
    if article is None:
        raise Http404("No such article.")
    desk = has_desk_access(request.user) and not as_reader
    preview = desk and request.GET.get("preview") == "1"
    return selectors.article_get_for_reader(article=article, desk=desk, preview=preview), article


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if "audience" in request.GET:
        return _choose_audience(request)
    if wholepage.applies_to(request):
        kept = wholepage.kept_response(request, slug=slug)
        if kept is not None:
            return kept
    public_article, article = _reader_article(request, slug)
    if article.state == ArticleState.RETRACTED:
        return _retracted(request, article)
    if public_article is None:
        raise Http404("No such article.")
    # A desk user looking at anything not yet approved sees it as a preview.
    preview = (
        has_desk_access(request.user)
        and public_article.version is None
        and (request.GET.get("preview") == "1" or article.state == ArticleState.DRAFT)
    )
    return render_article_page(request, public_article, preview=preview)


def _choose_audience(request: HttpRequest) -> HttpResponse:
    """The no-JavaScript path of "Personalize": remember the choice, back to the clean URL."""
    choice = request.GET.get("audience", "")
    if choice not in page.AUDIENCES:
        return HttpResponse(
            "Choose one of the listed audiences.", status=400, content_type="text/plain"
        )
    preview = "?preview=1" if request.GET.get("preview") == "1" else ""
    response = redirect(f"{request.path}{preview}#personalize")
    response.status_code = 303
    response.set_cookie(page.AUDIENCE_COOKIE, choice, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def _retracted(request: HttpRequest, article) -> HttpResponse:
    retraction = selectors.article_get_retraction(article=article)
    response = render(
        request,
        "public/article_retracted.html",
        {
            "article": article,
            "retraction": retraction,
            "noindex": True,
        },
        status=410,
    )
    patch_cache_control(response, public=True, max_age=page.RETRACTION_MAX_AGE)
    return response


@require_POST
def article_follow_up(request: HttpRequest, slug: str) -> HttpResponse:
    # Questions are taken on what readers can see: never on a draft, even from the desk.
    public_article, article = _reader_article(request, slug, as_reader=True)
    if public_article is None or article.state == ArticleState.RETRACTED:
        raise Http404("No such article.")
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return render_article_page(request, public_article, preview=False, form=form, status=400)
    thanks = redirect("public:follow_up_thanks", slug=article.slug)
    if form.is_spam:
        return thanks  # tell a bot nothing; store nothing
    client = services.client_hash(client_address(request))
    try:
        services.followup_rate_limit_take(client=client)
        services.followup_question_create(
            article=article,
            question=form.cleaned_data["question"],
            client=client,
            audience=page.audience_from_request(request),
        )
    except services.RateLimited:
        notice = "You have sent several questions in the last few minutes. Please try again later."
        response = render_article_page(
            request, public_article, preview=False, form=form, status=429, notice=notice
        )
        response["Retry-After"] = str(services.RATE_LIMIT_WINDOW_SECONDS)
        return response
    except ValidationError as exc:
        form.add_error("question", exc.message_dict.get("question", exc.messages))
        return render_article_page(request, public_article, preview=False, form=form, status=400)
    return thanks


@require_safe
def follow_up_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    public_article, article = _reader_article(request, slug, as_reader=True)
    if public_article is None or article.state == ArticleState.RETRACTED:
        raise Http404("No such article.")
    return render(
        request,
        "public/follow_up_thanks.html",
        {
            "article": article,
            "title": public_article.content.title,
            "noindex": True,
        },
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.article_list_public(), HOME_PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request, "public/home.html", {"page_obj": page_obj, "articles": page_obj.object_list}
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    # NUL cannot be stored or searched on PostgreSQL (it raised a 500); it is never meaningful.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    results = selectors.article_search(query=query) if query else []
    return render(
        request, "public/search.html", {"query": query, "results": results, "noindex": True}
    )


@require_safe
def policy(request: HttpRequest) -> HttpResponse:
    versions = selectors.policy_list_effective()
    if not versions:
        raise Http404("No editorial policy has been published yet.")
    return _render_policy(request, versions[0], versions)


@require_safe
def policy_version(request: HttpRequest, version: int) -> HttpResponse:
    shown = selectors.policy_get_effective(version=version)
    if shown is None:
        raise Http404("No such policy version.")
    return _render_policy(request, shown, selectors.policy_list_effective())


def _render_policy(request, shown, versions) -> HttpResponse:
    in_force = versions[0] if versions else None
    return render(
        request,
        "public/policy.html",
        {
            "policy": shown,
            "in_force": in_force,
            "is_in_force": shown == in_force,
            "paragraphs": page.paragraphs(shown.body),
            "versions": versions,
            "canonical_url": request.build_absolute_uri(shown.get_absolute_url()),
        },
    )


@require_safe
def board(request: HttpRequest) -> HttpResponse:
    members = list(selectors.board_list_active())
    return render(request, "public/board.html", {"members": members})
