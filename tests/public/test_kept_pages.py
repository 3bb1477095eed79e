"""Kept public pages: the same bytes for every anonymous reader, replayed at the front of the
stack with the full stack's headers, and never older than a committed change."""

import datetime
import re
import socket

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import services
from board.models import BoardMember
from public import fastpath, freshness
from public.models import SiteText
from tests.factories import (
    approved_article,
    declare_no_conflict,
    make_policy,
    make_reviewer,
    submitted_article,
)

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/12"


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


needs_redis = pytest.mark.skipif(not redis_is_running(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def pages(policy):
    """Every public URL a reader may be given a kept page at."""
    reviewer = make_reviewer("board1")
    approved = approved_article(reviewer=reviewer)
    pending = submitted_article(title="Is tizanidine sedating?")
    return {
        "home": "/",
        "approved article": approved.get_absolute_url(),
        "approved article for patients": approved.get_absolute_url() + "?audience=patient",
        "pending article": pending.get_absolute_url(),
        "search": "/search/?q=baclofen",
        "policy": "/editorial-policy/",
        "policy version": "/editorial-policy/v1/",
        "board": "/board/",
    }


def queries_of(client, url, method="get", **extra):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, **extra)
    return response, [q["sql"] for q in captured]


def replayed(client, url, **extra):
    """A GET the fast path must answer: one query reads the site generation and the page's
    keys from the database, and nothing else. On SQLite not even that once they were read
    and no other connection has committed since."""
    response, sql = queries_of(client, url, **extra)
    assert len(sql) == 1 or (connection.vendor == "sqlite" and not sql), (url, sql)
    assert all("public_sitegeneration" in q and "public_pagekeygeneration" in q for q in sql)
    if connection.vendor == "sqlite":
        again, sql = queries_of(client, url, **extra)
        assert not sql and again.status_code == response.status_code, (url, sql)
    return response


def test_two_anonymous_readers_get_the_same_bytes_and_no_cookie(pages):
    for name, url in pages.items():
        first, second = Client().get(url), Client().get(url)
        assert first.status_code == 200, name
        assert first.content == second.content, name
        assert not first.cookies and not second.cookies, name
        assert "Set-Cookie" not in first and "csrfmiddlewaretoken" not in first.content.decode()
        assert first["ETag"] == second["ETag"] and not first["ETag"].startswith("W/"), name
        assert "public" in first["Cache-Control"], name


def test_a_request_carrying_only_if_none_match_gets_a_304(pages):
    for name, url in pages.items():
        etag = Client().get(url)["ETag"]
        fastpath.forget_all()
        caches["default"].clear()
        # Nothing kept: the full stack answers the 304 ...
        cold = Client().get(url, HTTP_IF_NONE_MATCH=etag)
        assert cold.status_code == 304 and cold["ETag"] == etag, name
        Client().get(url)
        # ... and once kept, the fast path does.
        warm = replayed(Client(), url, HTTP_IF_NONE_MATCH=etag)
        assert warm.status_code == 304 and warm["ETag"] == etag, name
        assert Client().get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_absolute_urls_come_from_site_url_never_the_host(pages, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    for name, url in pages.items():
        here = Client().get(url).content
        fastpath.forget_all()
        caches["default"].clear()
        there = Client(HTTP_HOST="other.example").get(url).content
        assert here == there and b"other.example" not in there, name
    policy_page = Client(HTTP_HOST="other.example").get(pages["policy version"]).content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}/editorial-policy/v1/">' in policy_page


def same_for_everyone(headers) -> dict:
    """The headers, less the one that names each request (``X-Request-ID``)."""
    return {name: value for name, value in headers.items() if name != "X-Request-ID"}


PRODUCTION = {
    "DEBUG": False,
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}


@pytest.mark.parametrize("production", [False, True], ids=["development", "production"])
def test_the_fast_path_sends_the_full_stacks_headers_for_every_public_url(
    pages, settings, production
):
    if production:
        for name, value in PRODUCTION.items():
            setattr(settings, name, value)
    secure = {"secure": True} if production else {}
    for name, url in pages.items():
        full = Client().get(url, **secure)
        kept = replayed(Client(), url, **secure)
        assert kept.content == full.content, name
        assert "X-Request-ID" in kept.headers and "X-Request-ID" in full.headers
        assert same_for_everyone(kept.headers) == same_for_everyone(full.headers), name
        if production:
            assert "Strict-Transport-Security" in kept.headers, name
        assert "Content-Security-Policy" in kept.headers and kept["X-Frame-Options"] == "DENY"
        # HEAD: the same headers again.
        head = Client().head(url, **secure).headers
        assert same_for_everyone(head) == same_for_everyone(full.headers), name
        # A 304 from the fast path carries what the full stack's 304 carries.
        etag = full["ETag"]
        kept_304 = replayed(Client(), url, HTTP_IF_NONE_MATCH=etag, **secure)
        fastpath.forget_all()
        caches["default"].clear()
        full_304 = Client().get(url, HTTP_IF_NONE_MATCH=etag, **secure)
        assert full_304.status_code == kept_304.status_code == 304
        assert same_for_everyone(kept_304.headers) == same_for_everyone(full_304.headers), name


def test_promises_of_the_full_stack_hold_for_kept_pages(pages, settings):
    url = pages["approved article"]
    Client().get(url)
    # A host not allowed is refused, kept page or not.
    assert Client(HTTP_HOST="evil.example").get(url).status_code == 400
    # Plain HTTP is redirected when the site requires HTTPS.
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get(url).status_code == 301
    settings.SECURE_SSL_REDIRECT = False
    # Only GET and HEAD are replayed.
    assert Client().post(url).status_code == 405
    assert Client().options(url).status_code == 405


def test_a_request_with_a_session_is_never_replayed(pages, editor):
    url = pages["pending article"]
    Client().get(url)
    signed_in = Client()
    signed_in.force_login(editor)
    page = signed_in.get(url)
    assert "no-store" in page["Cache-Control"] and "Log out" in page.content.decode()
    stale_session = Client()
    stale_session.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    response, sql = queries_of(stale_session, url)
    assert response.status_code == 200 and len(sql) > 1  # the session lookup, then the view
    assert response.content == Client().get(url).content


def test_a_page_asked_for_with_an_unknown_query_is_not_kept(pages):
    Client().get("/?utm_source=mail")
    Client().get(pages["approved article"] + "?x=1")
    assert all("utm_source" not in key and "x=1" not in key for key in fastpath._local)


# -- Every write path makes kept pages current at once ------------------------------------


def shows(url: str, text: str) -> bool:
    return text in Client().get(url).content.decode()


def test_an_approval_a_revision_and_a_retraction_show_at_once(pages, site_admin, editor):
    from tests.factories import verify_all_claims

    url = pages["pending article"]
    assert shows(url, "pending human review") and shows("/", "Pending review")
    article = submitted_article(title="Does dantrolene harm the liver?")
    reviewer = make_reviewer("board2")
    Client().get(article.get_absolute_url())
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    assert shows(article.get_absolute_url(), 'step-current" aria-current="step">')
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    assert shows(article.get_absolute_url(), "Medically reviewed by")
    services.article_revise(article=article, by=article.created_by)
    assert shows(article.get_absolute_url(), "Medically reviewed by")
    services.article_retract(article=article, by=site_admin, comment="Outdated.")
    assert Client().get(article.get_absolute_url()).status_code == 410
    assert not shows("/", "Does dantrolene harm the liver?")


def test_policy_disclaimer_board_and_names_show_at_once(pages):
    url = pages["approved article"]
    assert shows(url, "/editorial-policy/v1/")
    make_policy(2, datetime.date(2025, 6, 1))
    assert shows(url, "/editorial-policy/v2/") and shows("/editorial-policy/", "v2")
    text = SiteText.objects.get(key=SiteText.DISCLAIMER)
    text.text = "A rewritten disclaimer."
    text.save()
    assert shows(url, "A rewritten disclaimer.")
    member = BoardMember.objects.get(user__username="board1")
    member.name = "Dr. Renamed"
    member.save()
    assert shows(url, "Dr. Renamed") and shows("/board/", "Dr. Renamed")
    member.delete()
    member.user.first_name = "Ada"
    member.user.last_name = "Lovelace"
    member.user.save()
    assert shows(url, "Ada Lovelace")


def test_a_policy_taking_effect_later_shows_when_it_takes_effect(pages, monkeypatch):
    url = pages["approved article"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    make_policy(3, tomorrow)
    assert shows(url, "/editorial-policy/v1/") and not shows(url, "/editorial-policy/v3/")
    later = datetime.datetime.combine(tomorrow, datetime.time(0, 1), tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(fastpath.time, "time", lambda: later.timestamp())
    assert shows(url, "/editorial-policy/v3/")


def test_a_sign_in_does_not_drop_every_kept_page(pages, editor):
    before = freshness.read_database()
    Client().force_login(editor)
    assert freshness.read_database() == before


def test_other_apps_bump_through_one_function(pages):
    """A future write path (a retraction notice, say) calls public.freshness.bump()."""
    url = pages["approved article"]
    first = Client().get(url).content
    SiteText.objects.filter(key=SiteText.DISCLAIMER).update(text="Changed behind our back.")
    assert Client().get(url).content == first  # no bump, no news: that is what bump() is for
    freshness.bump()
    assert shows(url, "Changed behind our back.")


# -- With Redis holding the kept pages: the database alone says which are current --------


@pytest.fixture
def redis_site(settings):
    import redis

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


@needs_redis
def test_a_warm_kept_page_reads_one_row_of_sql_with_redis(
    pages, redis_site, django_assert_num_queries
):
    """The site generation and the page's keys, read from the database in one query (on
    SQLite, once: then not even that while no other connection commits), and nothing else."""
    url = pages["approved article"]
    first = Client().get(url)
    fastpath.forget_all()  # another process: only the shared cache has the page
    with django_assert_num_queries(1):
        kept = Client().get(url)
    assert kept.content == first.content
    with django_assert_num_queries(0 if connection.vendor == "sqlite" else 1):
        assert Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


@needs_redis
def test_a_change_shows_at_once_with_redis(pages, redis_site, site_admin):
    from articles.models import Article

    url = pages["approved article"]
    Client().get(url)
    article = Article.objects.get(slug=url.split("/")[2])
    services.article_retract(article=article, by=site_admin, comment="Outdated.")
    assert Client().get(url).status_code == 410


@needs_redis
def test_an_older_copy_coming_back_into_redis_is_never_replayed(pages, redis_site):
    """Whatever Redis gives back (a restart from an old snapshot, a lost write, a frozen
    server resuming), a copy kept before a committed change names an older generation."""
    url = pages["approved article"]
    Client().get(url)
    before = {key: redis_site.dump(key) for key in redis_site.keys("*kept-page*")}
    assert before
    text = SiteText.objects.get(key=SiteText.DISCLAIMER)
    text.text = "Changed while Redis was away."
    text.save()
    assert shows(url, "Changed while Redis was away.")
    for key, value in before.items():  # the old copy is back, as it was before the change
        redis_site.restore(key, 0, value, replace=True)
    fastpath.forget_all()
    assert shows(url, "Changed while Redis was away.")


def test_the_etag_is_strong_and_names_the_bytes(pages):
    response = Client().get(pages["board"])
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PRAGMA data_version is SQLite's")
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_commit_by_another_process_is_seen_without_redis(policy):
    """Another process's commit changes PRAGMA data_version, and the generation is read again."""
    import sqlite3

    from public.models import SiteGeneration

    # A transactional test's database may have been flushed of its migrations' rows.
    SiteGeneration.objects.get_or_create(pk=1)
    SiteText.objects.get_or_create(key=SiteText.DISCLAIMER, defaults={"text": "As migrated."})
    url = approved_article().get_absolute_url()
    assert not shows(url, "Edited elsewhere.")
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    assert not shows(url, "Edited elsewhere.")  # replayed: its keys' stamps are remembered
    try:  # what another app server does: the change and its key's new stamp, in one transaction
        other.execute(
            "UPDATE public_sitetext SET text = 'Edited elsewhere.' WHERE key = 'disclaimer'"
        )
        other.execute("UPDATE public_sitegeneration SET value = value + 1 WHERE id = 1")
        other.execute(
            "INSERT INTO public_pagekeygeneration (key, generation) SELECT 'site-text', value"
            " FROM public_sitegeneration WHERE id = 1 ON CONFLICT (key) DO UPDATE"
            " SET generation = excluded.generation"
        )
        other.commit()
    finally:
        other.close()
    assert shows(url, "Edited elsewhere.")


def test_a_weak_validator_from_a_cdn_still_gets_a_304(pages):
    url = pages["approved article"]
    etag = Client().get(url)["ETag"]
    assert Client().get(url, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    fastpath.forget_all()
    caches["default"].clear()
    assert Client().get(url, HTTP_IF_NONE_MATCH=f'"x", W/{etag}').status_code == 304


def test_a_library_reference_edited_in_the_admin_shows_at_once_on_a_pending_page(policy):
    from articles.models import Reference

    article = submitted_article()
    url = article.get_absolute_url()
    reference = Reference.objects.filter(citations__claim__article=article).distinct().first()
    assert shows(url, reference.title)
    reference.title = "A corrected reference title"
    reference.save()
    assert shows(url, "A corrected reference title")


def test_a_kept_board_page_stops_showing_a_credential_as_current_once_it_expires(
    policy, monkeypatch
):
    from board.models import Credential

    member = make_reviewer("licensed").board_profile
    today = timezone.localdate()
    Credential.objects.create(
        member=member, name="Medical licence", issued_by="Medical Council", expires_on=today
    )
    url = "/board/"
    first = Client().get(url).content
    assert b"Medical licence" in first and b"(not current)" not in first
    # Kept while the licence is current: a change behind the signals' back is not seen yet.
    Credential.objects.filter(member=member).update(issued_by="Renamed Council")
    assert Client().get(url).content == first
    tomorrow = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time(0, 1), tzinfo=datetime.UTC
    )
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    monkeypatch.setattr(fastpath.time, "time", lambda: tomorrow.timestamp())
    assert shows(url, "(not current)")


def test_a_members_specialties_changed_outside_the_admin_show_at_once(policy):
    from board.models import Specialty

    member = make_reviewer("specialist").board_profile
    assert b"Paediatrics" not in Client().get("/board/").content
    member.specialties.add(Specialty.objects.create(name="Paediatrics", slug="paediatrics"))
    assert shows("/board/", "Paediatrics")
