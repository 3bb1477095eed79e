"""Keyed invalidation: each public page names what it shows, and a write makes stale only
the pages naming what it changed; through a database outage, no copy older than a change
this process has seen is served."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import events, services
from articles.models import EditorialPolicy, Reference
from board.models import BoardMember
from public import edge, fastpath, freshness, receivers
from public.models import SiteText
from tests.factories import (
    approved_article,
    make_editor,
    make_reviewer,
    submitted_article,
    under_review_article,
    verify_all_claims,
)
from tests.outage import database_unreachable

pytestmark = pytest.mark.django_db


def rendered(url: str) -> bool:
    """Whether the full stack answered ``url`` (rather than a kept copy). A kept copy costs
    at most the one query that reads the generation and the page's keys."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code in (200, 410), (url, response.status_code)
    return len(queries) > 1


def keys_of(url: str) -> set[str]:
    return set(Client().get(url)["xkey"].split())


@pytest.fixture
def site(policy):
    editor, reviewer = make_editor("keys-editor"), make_reviewer("keys-reviewer")
    other_reviewer = make_reviewer("keys-other-reviewer")
    kept = approved_article(by=editor, reviewer=reviewer, title="Is this page kept?")
    other = approved_article(by=editor, reviewer=other_reviewer, title="Is another one kept?")
    waiting = under_review_article(by=editor, reviewer=reviewer, title="Is one waiting?")
    verify_all_claims(waiting, reviewer)
    return {
        "reviewer": reviewer,
        "other_reviewer": other_reviewer,
        "kept": kept,
        "other": other,
        "waiting": waiting,
    }


def test_every_public_page_names_its_keys(site):
    kept = site["kept"]
    article_keys = {f"article:{kept.pk}", "policy", "site-text", "site"}
    expected = {
        kept.get_absolute_url(): article_keys,
        kept.get_absolute_url() + "?audience=patient": article_keys,
        "/": {"listing:home", "site"},
        "/search/?q=kept": {"search", "site"},
        "/editorial-policy/": {"policy", "site"},
        "/editorial-policy/v1/": {"policy", "site"},
        "/board/": {"board", "site"},
        "/feeds/approvals.atom": {"feed", "site"},
        "/sitemap.xml": {"sitemap", "site"},
        "/sitemap-articles.xml": {"sitemap", "site"},
    }
    for url, keys in expected.items():
        response = Client().get(url)
        assert response.status_code == 200, url
        assert set(response["xkey"].split()) == keys, url
        assert response["Surrogate-Key"] == response["xkey"], url
        assert "s-maxage=" in response["Cache-Control"], url


def test_a_page_for_someone_signed_in_names_no_keys_and_is_private(site, editor):
    signed_in = Client()
    signed_in.force_login(editor)
    response = signed_in.get(site["kept"].get_absolute_url())
    assert "xkey" not in response and "private" in response["Cache-Control"]


def test_an_approval_re_renders_its_page_and_the_listings_nothing_else(site):
    kept, waiting = site["kept"].get_absolute_url(), site["waiting"].get_absolute_url()
    pages = [kept, waiting, "/", "/editorial-policy/", "/board/"]
    for url in pages:
        Client().get(url)
        assert not rendered(url), url
    services.article_approve(article=site["waiting"], by=site["reviewer"])
    assert rendered(waiting) and rendered("/")
    assert not rendered(kept)
    assert not rendered("/editorial-policy/") and not rendered("/board/")


def test_a_retraction_answers_410_at_once_and_leaves_other_articles_kept(site, site_admin):
    kept, other = site["kept"].get_absolute_url(), site["other"].get_absolute_url()
    Client().get(kept)
    Client().get(other)
    services.article_retract(article=site["other"], by=site_admin, comment="Outdated.")
    response = Client().get(other)
    assert response.status_code == 410
    assert set(response["xkey"].split()) == {f"article:{site['other'].pk}", "site"}
    assert not rendered(kept)


def test_a_policy_edit_re_renders_article_and_policy_pages_not_the_board(site):
    kept = site["kept"].get_absolute_url()
    for url in (kept, "/editorial-policy/", "/board/", "/"):
        Client().get(url)
    EditorialPolicy.objects.filter(version=1).get().save()
    assert rendered(kept) and rendered("/editorial-policy/")
    assert not rendered("/board/") and not rendered("/")


def test_a_disclaimer_edit_re_renders_article_pages_only(site):
    kept = site["kept"].get_absolute_url()
    for url in (kept, "/", "/board/"):
        Client().get(url)
    text = SiteText.objects.get(key=SiteText.DISCLAIMER)
    text.text = "Another disclaimer."
    text.save()
    assert rendered(kept) and not rendered("/") and not rendered("/board/")


def test_a_reviewers_rename_re_renders_the_pages_naming_them(site):
    kept, other = site["kept"].get_absolute_url(), site["other"].get_absolute_url()
    for url in (kept, other, "/board/", "/"):
        Client().get(url)
    member = BoardMember.objects.get(user=site["reviewer"])
    member.name = "Dr. Renamed"
    member.save()
    assert "Dr. Renamed" in Client().get(kept).content.decode()
    assert rendered("/board/")
    assert not rendered(other), "reviewed by someone else"
    assert not rendered("/")


def test_a_reference_edit_re_renders_the_pages_citing_it(policy):
    # Both cite "Guideline number 1" from the library; only the first cites number 2.
    citing = submitted_article(title="Does it cite the guideline?", references=2)
    unrelated = approved_article(title="Does it cite another?", claims=1, references=1)
    pages = [citing.get_absolute_url(), unrelated.get_absolute_url()]
    for url in pages:
        Client().get(url)
    reference = Reference.objects.get(title="Guideline number 2", citations__claim__article=citing)
    assert not reference.citations.filter(claim__article=unrelated).exists()
    reference.title = "A corrected guideline title"
    reference.save()
    assert "A corrected guideline title" in Client().get(pages[0]).content.decode()
    assert not rendered(pages[1])


@pytest.mark.parametrize(
    "changed, expected",
    [
        ({"policy"}, {"policy"}),
        ({"site-text"}, {"site-text"}),
        ({"board"}, {"board"}),
        ({"site"}, {"site"}),
        ({"emergency-list"}, {"emergency-list"}),
    ],
)
def test_keys_without_a_page_of_their_own_pass_as_they_are(db, changed, expected):
    assert receivers.page_keys(frozenset(changed)) == expected


def test_an_article_change_touches_its_page_and_every_listing(db):
    assert receivers.page_keys(frozenset({"article:7"})) == {"article:7", *edge.LISTINGS}


def test_a_users_change_touches_what_names_them(site):
    reviewer, other_reviewer = site["reviewer"], site["other_reviewer"]
    keys = receivers.page_keys(frozenset({events.user_key(reviewer.pk)}))
    assert {f"article:{site['kept'].pk}", "board", "feed"} <= keys
    assert f"article:{site['other'].pk}" not in keys
    writer = site["kept"].created_by
    written = receivers.page_keys(frozenset({events.user_key(writer.pk)}))
    assert {f"article:{site['kept'].pk}", f"article:{site['other'].pk}"} <= written
    assert "board" not in written  # not on the board
    assert f"article:{site['kept'].pk}" not in receivers.page_keys(
        frozenset({events.user_key(other_reviewer.pk)})
    )


def test_a_write_stamps_only_its_keys_with_the_new_generation(db):
    before, _ = freshness.read_database()
    generation = freshness.invalidate(["policy"])
    after, stamps = freshness.read_database(["policy", "never-named"])
    assert generation == after == before + 1
    assert stamps == {"policy": generation, "never-named": 0}


# -- Through a database outage: never back in time ------------------------------------------


def test_a_page_confirmed_since_the_last_change_seen_is_served_stale(site):
    kept, other = site["kept"].get_absolute_url(), site["other"].get_absolute_url()
    Client().get(kept)
    with transaction.atomic():
        events.announce(events.article_key(site["other"].pk))
    Client().get(other)  # this process reads the new generation ...
    assert not rendered(kept)  # ... and finds this page current at it
    with database_unreachable():
        response = Client(raise_request_exception=False).get(kept)
    assert response.status_code == 200 and response["X-Served-Stale"] == "database-unavailable"


def test_a_page_not_confirmed_since_a_change_seen_is_not_served_stale(site):
    """The change was to another article, but this process cannot know that the kept page
    was not touched too without reading its keys: it does not serve it."""
    kept, other = site["kept"].get_absolute_url(), site["other"].get_absolute_url()
    Client().get(kept)
    with transaction.atomic():
        events.announce(events.article_key(site["other"].pk))
    Client().get(other)  # the new generation, seen on another page
    with database_unreachable():
        response = Client(raise_request_exception=False).get(kept)
    assert response.status_code == 503 and "X-Served-Stale" not in response


def test_a_copy_kept_without_keys_by_an_earlier_release_is_never_replayed(site):
    from django.core.cache import cache

    url = site["kept"].get_absolute_url()
    Client().get(url)
    key = f"http|{url}"
    page = fastpath._local[key]
    fastpath.forget_all()
    old = fastpath.KeptPage(
        generation=page.generation + 100,
        expires_at=None,
        status=200,
        headers=page.headers,
        body=b"an earlier release's copy",
        etag=page.etag,
    )
    cache.set(fastpath._shared_key(key), old)
    assert Client().get(url).content != b"an earlier release's copy"
