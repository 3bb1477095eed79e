"""Public pages for readers: articles, the editorial policy, the board, home and search."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from answers import services as answer_services
from answers.views import asked_redirect
from articles import events, evidence
from articles.errors import ArticleGone, ArticleNotShown
from articles.models import Article
from articles.policy import has_desk_access
from articles.selectors import ReaderArticle, article_get_for_reader
from editorial.clientip import client_address
from public import edge, page, selectors, services, sitewide
from public.forms import FollowUpForm
from public.search import article_search

HOME_PAGE_SIZE = 20


def render_article_page(
    request: HttpRequest,
    public_article: ReaderArticle,
    *,
    preview: bool,
    form: FollowUpForm | None = None,
    status: int = 200,
    notice: str = "",
) -> HttpResponse:
    """The public article page for ``public_article``, exactly as readers get it.

    With ``preview=True`` (the desk's "preview" links) the page is marked
    private and noindex. An anonymous reader's plain page is the same for
    everyone: it gets a strong ETag and is kept (see page.finish_shared).
    The site-wide records it shows (policy, disclaimer, the next dated change)
    are kept by their keys (``public.sitewide``); it costs 1 query for the
    review history and 1 for the reviewers credited of an approved version,
    whose stored text comes with the article when read for this audience.
    """
    audience = page.audience_from_request(request)
    context = {"form": form or FollowUpForm(), "notice": notice, "audience": audience}
    records = sitewide.site_records_get(request=request)
    response = page.render_page(
        request,
        public_article=public_article,
        furniture=records.furniture,
        preview=preview,
        context=context,
        status=status,
    )
    if form is None and status == 200 and not preview and request.method in ("GET", "HEAD"):
        return _for_readers(
            request,
            response,
            canonical=set(request.GET) <= {"audience"},
            keys=edge.article_page_keys(public_article.article.pk),
            until=records.valid_until,
        )
    page.set_caching(response, shared=False)
    return response


def _for_readers(
    request: HttpRequest,
    response: HttpResponse,
    *,
    canonical: bool,
    keys: tuple[str, ...],
    until: float | None | object = page.READ_UNTIL,
) -> HttpResponse:
    """Cache headers for a public page showing ``keys`` (``public.edge``); an anonymous
    reader's copy at a canonical URL is kept (no later than ``until``, read if not given)."""
    if request.user.is_authenticated:
        page.set_caching(response, shared=False)
        return response
    return page.finish_shared(request, response, keep=canonical, keys=keys, until=until)


def _from_this_site(request: HttpRequest) -> bool:
    """Whether a browser says this POST comes from a page of this site.

    Browsers send ``Origin`` with every form POST (and ``Sec-Fetch-Site``); a
    request with neither is refused, so a form on another site, or a script
    that does not say where it comes from, cannot post questions.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return request.headers.get("Sec-Fetch-Site") == "same-origin"
    own = f"{request.scheme}://{request.get_host()}"
    return origin in {own, settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS}


def _article_at(slug: str, *, audience: str | None = None) -> Article:
    article = selectors.article_get_by_slug(slug=slug, audience=audience)
    if article is None:
        raise Http404("No such article.")
    return article


def _shown_to_any_reader(slug: str) -> tuple[ReaderArticle, Article]:
    """What any reader sees at ``slug``, whoever asks: 404 when that is nothing, or gone."""
    article = _article_at(slug)
    try:
        return article_get_for_reader(article=article), article
    except (ArticleGone, ArticleNotShown):
        raise Http404("No such article.") from None


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if request.GET.get("audience", page.DEFAULT_AUDIENCE) not in page.AUDIENCES:
        return HttpResponse(
            "Choose one of the listed audiences.", status=400, content_type="text/plain"
        )
    article = _article_at(slug, audience=page.audience_from_request(request))
    desk = has_desk_access(request.user)
    try:
        reader_article = article_get_for_reader(
            article=article, desk=desk, preview=desk and request.GET.get("preview") == "1"
        )
    except ArticleGone:
        return _retracted(request, article)
    except ArticleNotShown:
        raise Http404("No such article.") from None
    return render_article_page(request, reader_article, preview=reader_article.is_preview)


def _retracted(request: HttpRequest, article) -> HttpResponse:
    retraction = selectors.article_get_retraction(article=article)
    response = render(
        request,
        "public/article_retracted.html",
        {
            "article": article,
            # The question readers were last shown, never a revision's working title.
            "title": article.published_version.content["title"],
            "retraction": retraction,
            "noindex": True,
        },
        status=410,
    )
    if not request.user.is_authenticated:
        # The edge keeps the notice until the article's key is purged.
        edge.declare(response, [events.article_key(article.pk)], until=None)
    patch_cache_control(response, public=True, max_age=page.RETRACTION_MAX_AGE)
    return response


# No CSRF token: the article page carries no per-reader state, so a CDN can share it.
# A question acts for no one (it is stored with no user, whoever is signed in) and only
# adds to the editors' inbox, so what CSRF guards is not at stake; the origin check, the
# honeypot field and the per-client rate limit keep other sites and bots out.
@csrf_exempt
@require_POST
def article_follow_up(request: HttpRequest, slug: str) -> HttpResponse:
    if not _from_this_site(request):
        return HttpResponse(
            "Questions can only be sent from this site's article pages.",
            status=403,
            content_type="text/plain",
        )
    # Questions are taken on what readers can see: never on a draft, even from the desk.
    public_article, article = _shown_to_any_reader(slug)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return render_article_page(request, public_article, preview=False, form=form, status=400)
    thanks = redirect("public:follow_up_thanks", slug=article.slug)
    if form.is_spam:
        return thanks  # tell a bot nothing; store nothing
    client = services.client_hash(client_address(request))
    try:
        services.followup_rate_limit_take(client=client)
        # Stored for the editors as before, and answered at once from reviewed claims only.
        followup, _answer = answer_services.followup_ask(
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
    return asked_redirect(followup)


@require_safe
def follow_up_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    public_article, article = _shown_to_any_reader(slug)
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
    response = render(
        request,
        "public/home.html",
        {
            "page_obj": page_obj,
            "articles": page_obj.object_list,
            "canonical_url": page.site_url(
                reverse("public:home") + (f"?page={page_obj.number}" if page_obj.number > 1 else "")
            ),
        },
    )
    # Kept at / and ?page=N as the pager writes them, not at every spelling of a number.
    asked = request.GET.get("page")
    canonical = not request.GET or (
        set(request.GET) == {"page"} and asked == str(page_obj.number) and page_obj.number > 1
    )
    return _for_readers(request, response, canonical=canonical, keys=(edge.LISTING_HOME,))


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    # NUL cannot be stored or searched on PostgreSQL (it raised a 500); it is never meaningful.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    results = article_search(query=query) if query else []
    response = render(
        request, "public/search.html", {"query": query, "results": results, "noindex": True}
    )
    return _for_readers(request, response, canonical=set(request.GET) <= {"q"}, keys=(edge.SEARCH,))


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
    response = render(
        request,
        "public/policy.html",
        {
            "policy": shown,
            "in_force": in_force,
            "is_in_force": shown == in_force,
            "paragraphs": page.paragraphs(shown.body),
            "versions": versions,
            "canonical_url": page.site_url(shown.get_absolute_url()),
            # The evidence scale claims are graded on: versioned apart from the policy text.
            "evidence_scale": evidence.SCALE,
        },
    )
    return _for_readers(request, response, canonical=not request.GET, keys=(events.POLICY,))


@require_safe
def board(request: HttpRequest) -> HttpResponse:
    # A kept copy lapses when a credential it shows as current expires (freshness.valid_until).
    members = list(selectors.board_list_active())
    response = render(request, "public/board.html", {"members": members})
    return _for_readers(request, response, canonical=not request.GET, keys=(events.BOARD,))
