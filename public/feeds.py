"""Machine-readable lists: the sitemap of approved articles and the Atom feed of approvals."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from public import edge, selectors


class ApprovedArticleSitemap(Sitemap):
    """Only board-approved articles: pending ones are noindex and stay out of search engines."""

    changefreq = "monthly"
    # One file holds up to the protocol's 50,000 addresses. /sitemap.xml is not an index,
    # so a second page (?p=2) would be named nowhere and its articles never found.
    limit = 50_000

    def items(self):
        return selectors.article_list_approved()

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


def sitemap_xml(request):
    """The sitemap, kept by the edge until an article's approval changes."""
    response = sitemap(request, sitemaps=SITEMAPS)
    response.render()
    if response.status_code == 200:
        edge.declare(response, (edge.SITEMAP,), until=None)
    return response
