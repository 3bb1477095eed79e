"""Whole article pages for anonymous readers, answered from the cache in one query.

Most readers are anonymous and ask for the plain page. For them the rendered
page is kept under the same key as its body fragment (``article_page_key``),
which names exactly what the page shows: an approval, a new revision, a
retraction, a new policy in force or a disclaimer edit all change the key, so
a kept page can never outlive its content, on any process or server. The key
is worked out from one query per request; the only visitor-specific part of
the page, the follow-up form's CSRF token, is kept as a placeholder and filled
in per request.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone

from articles.models import Article, EditorialPolicy
from articles.visibility import shown_to_readers
from public import page, selectors
from public.models import SiteText
from screening.models import RetractionFlag

# Stands in for the CSRF token in a kept page; no template text can contain it.
CSRF_PLACEHOLDER = "\x00csrf-token\x00"


def applies_to(request: HttpRequest) -> bool:
    """A plain GET by a visitor with no session and no pending messages."""
    return (
        request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _probe_sql() -> str:
    """One statement for what names a page: the article's state and version, the
    policy in force, the disclaimer's last edit, the last change to its retraction notices.

    Written out rather than built with the ORM: building that queryset costs
    about 0.7 ms, twenty times the query itself, on the path every reader takes.
    """
    article, policy, text = Article._meta, EditorialPolicy._meta, SiteText._meta
    flag = RetractionFlag._meta
    return (
        f"SELECT a.id, a.state, a.published_version_id, a.content_version, a.last_updated, "
        f"(SELECT p.version FROM {policy.db_table} p WHERE p.effective_date <= %s "
        f"ORDER BY p.version DESC LIMIT 1), "
        f"(SELECT t.updated_at FROM {text.db_table} t WHERE t.key = %s), "
        # Retraction screening: the last change to the article's notices.
        f"(SELECT MAX(f.updated_at) FROM {flag.db_table} f WHERE f.article_id = a.id) "
        f"FROM {article.db_table} a WHERE a.slug = %s"
    )


PROBE_SQL = _probe_sql()


def page_key(*, slug: str, audience: str) -> str | None:
    """The key of the page readers get at ``slug`` (1 query), or None when it is no plain page.

    The same key as ``selectors.article_page_key`` gives the full view, and the
    same ETag follows from it. Drafts, retracted articles and hidden pending
    ones are left to the full view.
    """
    with connection.cursor() as cursor:
        cursor.execute(PROBE_SQL, [timezone.localdate().isoformat(), SiteText.DISCLAIMER, slug])
        row = cursor.fetchone()
    if row is None:
        return None
    *head, notices_updated = row
    pk, state, version_pk, content_version, last_updated, policy_version, disclaimer_updated = head
    if shown_to_readers(state=state, has_approved_version=version_pk is not None) is None:
        return None
    return selectors.page_key_from_parts(
        article_pk=pk,
        slug=slug,
        shown=selectors.shown_marker(
            version_pk, content_version=content_version, state=state, last_updated=last_updated
        ),
        audience=audience,
        policy_version=policy_version or 0,
        disclaimer_stamp=selectors.time_stamp(disclaimer_updated),
        # Only an approved version carries notices (as in selectors.article_page_key).
        notice_stamp=selectors.time_stamp(notices_updated if version_pk is not None else None),
    )


def kept_response(request: HttpRequest, *, slug: str) -> HttpResponse | None:
    """The kept page for this request, or a 304, or None when the full view must answer."""
    key = page_key(slug=slug, audience=page.audience_from_request(request))
    if key is None:
        return None
    kept = cache.get(f"whole:{key}")
    if kept is None:
        request.whole_page_key = key  # the full view keeps what it renders
        return None
    token = get_token(request)  # also makes sure the visitor has the CSRF cookie
    etag = page.etag_for(key=key, request=request)
    if etag in page.if_none_match(request):
        response = HttpResponseNotModified()
    else:
        page_html = kept.replace(CSRF_PLACEHOLDER, token)
        response = HttpResponse(page_html, content_type="text/html; charset=utf-8")
    page.set_caching(response, etag=etag)
    return response


def render_and_keep(
    request: HttpRequest, *, key: str, context: dict, **page_context
) -> HttpResponse:
    """Render the page for a reader ``kept_response`` sent on, and keep it for the next ones.

    The page is rendered once with the CSRF token left as a placeholder; the
    kept copy holds the placeholder, this reader's copy gets their token.
    """
    token = get_token(request)
    response = page.render_page(
        request, key=key, context={**context, "csrf_token": CSRF_PLACEHOLDER}, **page_context
    )
    html = response.content.decode()
    cache.set(f"whole:{key}", html, page.FRAGMENT_TIMEOUT)
    response.content = html.replace(CSRF_PLACEHOLDER, token)
    return response
