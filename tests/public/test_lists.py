"""Home, search, policy, board, sitemap and feed: the same visibility rules everywhere."""

import datetime

import pytest
from django.db import connection

from articles import services
from articles.content import ArticleContent, ClaimData, ClaimKind
from articles.models import EditorialPolicy
from board.models import BoardMember
from public.feeds import ApprovedArticleSitemap
from tests.factories import (
    approved_article,
    draft_article,
    make_reviewer,
    reference_data,
    under_review_article,
)

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "editor", "other_editor", "reviewer", "admin"]


def body(title, text):
    return ArticleContent(
        title=title,
        claims=(ClaimData(kind=ClaimKind.PARAGRAPH, text=text, citations=(1,)),),
        references=(reference_data(1),),
    )


@pytest.fixture
def library(policy, editor, site_admin):
    """One article in each state, with words only it contains."""
    reviewer = make_reviewer("board1")
    approved = approved_article(
        by=editor,
        reviewer=reviewer,
        content=body("Is tizanidine sedating?", "Tizanidine causes drowsiness."),
    )
    revised = approved_article(
        by=editor,
        reviewer=reviewer,
        content=body(
            "Does dantrolene harm the liver?", "Dantrolene hepatotoxicity is dose related."
        ),
    )
    services.article_revise(article=revised, by=editor)
    services.article_replace_content(
        article=revised,
        by=editor,
        content=body("Does dantrolene harm the liver?", "Unapproved zebrafish wording."),
        expected_version=revised.content_version,
    )
    pending = under_review_article(
        by=editor,
        reviewer=reviewer,
        content=body("When is gabapentin used?", "Gabapentin treats neuropathic pain."),
    )
    draft = draft_article(
        by=editor, content=body("Is pregabalin addictive?", "Pregabalin misuse occurs.")
    )
    retracted = approved_article(
        by=editor,
        reviewer=reviewer,
        content=body("Is botulinum toxin safe?", "Botulinum spreads rarely."),
    )
    services.article_retract(article=retracted, by=site_admin, comment="Outdated.")
    return {
        "approved": approved,
        "revised": revised,
        "pending": pending,
        "draft": draft,
        "retracted": retracted,
    }


@pytest.mark.parametrize("role", ROLES)
def test_home_lists_approved_and_labelled_pending_articles_only(client, roles, library, role):
    if role != "anonymous":
        client.force_login(roles[role])
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("approved", "revised", "pending"):
        assert library[name].get_absolute_url() in html
    for name in ("draft", "retracted"):
        assert library[name].get_absolute_url() not in html
    assert html.count("Pending review</span>") == 1
    assert html.count("Reviewed by our board</span>") == 2


def test_home_is_most_recently_updated_first_and_paginated(client, policy, editor):
    from public.views import HOME_PAGE_SIZE

    articles = []
    for n in range(HOME_PAGE_SIZE + 2):
        content = ArticleContent(
            title=f"Question {n}?",
            last_updated=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
            claims=(ClaimData(kind=ClaimKind.PARAGRAPH, text="Fact.", citations=(1,)),),
            references=(reference_data(1),),
        )
        article = services.article_create(by=editor, title=content.title, content=content)
        articles.append(services.article_submit(article=article, by=editor))
    first = client.get("/").content.decode()
    assert first.index("Question 21?") < first.index("Question 20?") < first.index("Question 2?")
    assert "Question 1?" not in first and "Page 1 of 2" in first
    second = client.get("/", {"page": 2}).content.decode()
    assert "Question 1?" in second and "Question 0?" in second
    assert client.get("/", {"page": "junk"}).status_code == 200


def test_home_hides_pending_articles_when_the_setting_says_so(client, library, settings):
    settings.SHOW_PENDING_ARTICLES = False
    html = client.get("/").content.decode()
    assert library["pending"].get_absolute_url() not in html
    assert library["approved"].get_absolute_url() in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tizanidine", ["approved"]),
        ("drowsiness", ["approved"]),
        ("hepatotoxicity", ["revised"]),  # the approved snapshot of a revised article
        ("zebrafish", []),  # a draft revision's unapproved text is never searched
        ("neuropathic", ["pending"]),
        ("pregabalin", []),  # drafts are never public
        ("botulinum", []),  # nor retracted articles
        ("gabapentin neuropathic", ["pending"]),
        ("gabapentin tizanidine", []),
    ],
)
def test_search_finds_only_public_text(client, library, query, expected):
    html = client.get("/search/", {"q": query}).content.decode()
    found = sorted(name for name, article in library.items() if article.get_absolute_url() in html)
    assert found == sorted(expected)


def test_search_ranks_title_matches_first(client, policy, editor):
    for title, text in [
        ("Is it about muscles?", "Spasticity matters."),
        ("What is spasticity?", "Muscles."),
    ]:
        article = services.article_create(by=editor, title=title, content=body(title, text))
        services.article_submit(article=article, by=editor)
    html = client.get("/search/", {"q": "spasticity"}).content.decode()
    assert html.index("What is spasticity?") < html.index("Is it about muscles?")


def test_search_without_a_query_shows_the_form(client, policy):
    response = client.get("/search/")
    assert response.status_code == 200 and 'id="search-q"' in response.content.decode()
    assert "No articles found" in client.get("/search/", {"q": "nothing-matches"}).content.decode()


def test_sitemap_lists_approved_articles_with_lastmod(client, library):
    xml = client.get("/sitemap-articles.xml").content.decode()
    for name in ("approved", "revised"):
        article = library[name]
        article.refresh_from_db()
        assert f"http://testserver{article.get_absolute_url()}</loc>" in xml
        assert f"<lastmod>{article.published_version.approved_at:%Y-%m-%d}" in xml
    for name in ("pending", "draft", "retracted"):
        assert library[name].get_absolute_url() not in xml


def test_the_sitemap_index_names_every_page_so_no_article_is_left_out(
    client, library, monkeypatch, django_assert_num_queries
):
    assert ApprovedArticleSitemap.limit <= 50_000  # the protocol's most per file
    monkeypatch.setattr(ApprovedArticleSitemap, "limit", 1)  # two approved: two pages
    with django_assert_num_queries(2):  # the articles' count and their newest approval
        index = client.get("/sitemap.xml")
    assert index.status_code == 200
    xml = index.content.decode()
    assert xml.count("<sitemap>") == 3
    for page in ("/sitemap-articles.xml<", "/sitemap-articles.xml?p=2<", "/sitemap-pages.xml<"):
        assert f"<loc>http://testserver{page}" in xml
    newest = max(library[n].published_version.approved_at for n in ("approved", "revised"))
    assert f"<lastmod>{newest:%Y-%m-%d}" in xml

    listed = set()
    for page in (1, 2):
        with django_assert_num_queries(2):  # the count, then the page's articles with their dates
            pages = client.get("/sitemap-articles.xml", {"p": page}).content.decode()
        assert pages.count("<url>") == 1
        listed |= {
            library[n].get_absolute_url()
            for n in ("approved", "revised")
            if library[n].get_absolute_url() in pages
        }
    assert len(listed) == 2
    assert "/board/" in client.get("/sitemap-pages.xml").content.decode()
    for missing in ({"p": 3}, {"p": "two"}):
        assert client.get("/sitemap-articles.xml", missing).status_code == 404
    assert client.get("/sitemap-drafts.xml").status_code == 404


def test_robots_txt_names_the_sitemap_index(client, settings):
    settings.SITE_URL = "https://answers.example.org"
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines == [
        "User-agent: *",
        "Allow: /",
        "Sitemap: https://answers.example.org/sitemap.xml",
    ]
    assert response["xkey"] == "site"
    settings.SITE_URL = ""
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_the_feed_has_one_entry_per_approval_of_published_articles(client, library):
    response = client.get("/feeds/approvals.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert xml.count("<entry>") == 2
    assert "Is tizanidine sedating?" in xml and "Does dantrolene harm the liver?" in xml
    assert "Reviewed by Dr. Board1, MD." in xml and "Botulinum" not in xml


def test_policy_pages_show_the_version_in_force_and_earlier_ones(client, policy):
    EditorialPolicy.objects.create(
        version=2, body="Para one.\n\nPara two.", effective_date=datetime.date(2025, 6, 1)
    )
    EditorialPolicy.objects.create(
        version=3, body="Not yet.", effective_date=datetime.date(2099, 1, 1)
    )
    html = client.get("/editorial-policy/").content.decode()
    assert "Version 2, effective <time" in html and "This is the version in force." in html
    assert "<p>Para one.</p>" in html and "<p>Para two.</p>" in html
    assert 'href="/editorial-policy/v1/"' in html and "v3" not in html
    old = client.get("/editorial-policy/v1/").content.decode()
    assert "This version has been replaced." in old and "Policy text v1." in old
    assert client.get("/editorial-policy/v3/").status_code == 404
    assert client.get("/editorial-policy/v9/").status_code == 404


def test_policy_page_is_404_until_a_policy_exists(client, db):
    assert client.get("/editorial-policy/").status_code == 404


def test_board_lists_active_members_with_credentials_and_disclosures(client, db):
    member = make_reviewer("neuro").board_profile
    member.disclosures = "Consulting fees from Acme Pharma."
    member.save()
    gone = make_reviewer("retired").board_profile
    gone.is_active = False
    gone.save()
    html = client.get("/board/").content.decode()
    assert f'id="member-{member.pk}"' in html and "Dr. Neuro, MD" in html
    assert "Consulting fees from Acme Pharma." in html and "Neurology" in html
    assert "Dr. Retired" not in html
    assert BoardMember.objects.count() == 2


def test_home_costs_two_queries_however_many_articles(client, library, django_assert_num_queries):
    # the site generation (no Redis here), the page count, the page of articles with their
    # approved titles and dates (from the search entries), and, as the page is kept, when
    # the next policy version takes effect
    with django_assert_num_queries(4):
        assert client.get("/").status_code == 200
    # kept: the site generation and the page's keys in one query (on SQLite, once: then not
    # even that, see test_article_queries)
    with django_assert_num_queries(1):
        assert client.get("/").status_code == 200
    with django_assert_num_queries(0 if connection.vendor == "sqlite" else 1):
        assert client.get("/").status_code == 200
