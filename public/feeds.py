"""Machine-readable lists: the sitemap of approved articles and the Atom feed of approvals."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import index, sitemap
from django.contrib.syndication.views import Feed
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from public import edge, selectors
from public.page import site_url


class ApprovedArticleSitemap(Sitemap):
    """Only board-approved articles: pending ones are noindex and stay out of search engines."""

    changefreq = "monthly"
    # The protocol allows 50,000 addresses a file; /sitemap.xml names every file, so a
    # smaller page keeps each one quick to draw and light on the origin's memory.
    limit = 10_000

    def items(self):
        return selectors.article_list_approved()

    def get_latest_lastmod(self):
        # For the index: one aggregate, not every item read to find the newest.
        latest = self.items().aggregate(latest=Max("published_version__approved_at"))
        return latest["latest"]

    def lastmod(self, article):
        return article.published_version.approved_at

    def location(self, article):
        return article.get_absolute_url()


class StaticPagesSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return ["public:home", "public:policy", "public:board"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"articles": ApprovedArticleSitemap, "pages": StaticPagesSitemap}


class ApprovalsFeed(Feed):
    """Each board approval as an entry: readers see what was (re)reviewed and what changed."""

    feed_type = Atom1Feed
    title = "Medical Answers: newly reviewed articles"
    subtitle = "Articles approved by our Medical Advisory Board, newest first."
    link = "/"

    def items(self):
        return selectors.version_list_recent_approvals()

    def item_title(self, version):
        return version.shown_title

    def item_description(self, version):
        profile = selectors.reviewer_profile(version.approved_by)
        who = (
            f"{profile.name}, {profile.credentials}"
            if profile
            else version.approved_by.get_full_name()
        )
        summary = version.change_summary or (
            "First publication" if version.revision == 1 else "Re-reviewed"
        )
        return f"{summary}. Reviewed by {who}."

    def item_link(self, version):
        return version.article.get_absolute_url()

    def item_guid(self, version):
        # A stable, absolute id for the entry: one approval, one entry.
        return f"urn:medical-answers:review:{version.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, version):
        return version.approved_at

    def item_updateddate(self, version):
        return version.approved_at


def approvals_feed(request):
    """The Atom feed, kept by the edge until an approval or a reviewer's name changes."""
    response = ApprovalsFeed()(request)
    edge.declare(response, (edge.FEED,), until=None)
    return response


def sitemap_index(request):
    """/sitemap.xml: every sitemap file, each section's pages included, so that no approved
    article is left out however many there are. Kept by the edge until an approval changes."""
    response = index(request, sitemaps=SITEMAPS, sitemap_url_name="public:sitemap-section")
    return _kept_until_approvals_change(response)


def sitemap_section(request, section):
    """One page of one section (``?p=2`` for the second); an unknown one is a 404."""
    response = sitemap(request, sitemaps=SITEMAPS, section=section)
    return _kept_until_approvals_change(response)


def _kept_until_approvals_change(response):
    response.render()
    if response.status_code == 200:
        edge.declare(response, (edge.SITEMAP,), until=None)
    return response


def sitemap_paths() -> list[str]:
    """The addresses of the index and of every page of every section, as the index names them."""
    paths = [reverse("public:sitemap")]
    for section, sitemap_class in SITEMAPS.items():
        first = reverse("public:sitemap-section", kwargs={"section": section})
        pages = sitemap_class().paginator.num_pages
        paths += [first] + [f"{first}?p={page}" for page in range(2, pages + 1)]
    return paths


def robots_txt(request):
    """Where crawlers find the sitemap; every public page may be read (the desk asks for a
    login, and pages pending review carry their own noindex)."""
    sitemap_address = site_url(reverse("public:sitemap"))
    if not sitemap_address.startswith(("http://", "https://")):
        sitemap_address = request.build_absolute_uri(sitemap_address)
    response = HttpResponse(
        f"User-agent: *\nAllow: /\nSitemap: {sitemap_address}\n",
        content_type="text/plain; charset=utf-8",
    )
    edge.declare(response, (), until=None)
    return response
