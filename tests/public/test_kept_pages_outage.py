"""While the database cannot be read, readers get the newest page kept of their URL, marked
stale, for up to KEPT_PAGES_OUTAGE_LIMIT seconds; without one, the readers' 503 page."""

import dataclasses
import time

import pytest
from django.core.cache import caches
from django.test import Client
from prometheus_client import REGISTRY

from public import fastpath
from tests.factories import approved_article
from tests.outage import database_unreachable

pytestmark = pytest.mark.django_db

STALE = ("X-Served-Stale", "database-unavailable")


def readers():
    return Client(raise_request_exception=False)


@pytest.fixture
def article(policy):
    return approved_article(title="Does baclofen cause drowsiness?")


def stale_count() -> float:
    labels = {"view": "public:article", "outcome": "stale"}
    return REGISTRY.get_sample_value("editorial_kept_pages_total", labels) or 0


def test_a_kept_page_is_served_marked_stale_with_its_etag(article):
    url = article.get_absolute_url()
    kept = readers().get(url)
    before = stale_count()
    with database_unreachable():
        stale = readers().get(url)
    assert stale.status_code == 200
    assert stale.content == kept.content and stale["ETag"] == kept["ETag"]
    assert stale[STALE[0]] == STALE[1]
    # No browser or CDN keeps the stale copy; every other header is the kept page's.
    assert stale["Cache-Control"] == "no-store"
    assert stale["Content-Security-Policy"] == kept["Content-Security-Policy"]
    assert stale_count() == before + 1


def test_a_reader_holding_the_kept_bytes_gets_the_usual_304(article):
    url = article.get_absolute_url()
    etag = readers().get(url)["ETag"]
    with database_unreachable():
        response = readers().get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["ETag"] == etag
    assert STALE[0] not in response  # it would outlive the outage in the reader's stored copy


def kept_copy(url: str) -> fastpath.KeptPage:
    return fastpath._local[f"http|{url}"]


def test_the_newest_copy_is_served_this_processs_or_the_shared_caches(article):
    url = article.get_absolute_url()
    readers().get(url)
    local = kept_copy(url)
    newer = dataclasses.replace(local, generation=local.generation + 1, body=b"newer copy")
    caches["default"].set(fastpath._shared_key(f"http|{url}"), newer)
    with database_unreachable():
        assert readers().get(url).content == b"newer copy"  # the shared cache's, newer

    older = dataclasses.replace(local, generation=local.generation - 1, body=b"older copy")
    caches["default"].set(fastpath._shared_key(f"http|{url}"), older)
    with database_unreachable():
        assert readers().get(url).content == b"newer copy"  # this process's, kept from above


def test_past_the_limit_readers_get_the_503_page(article, settings):
    settings.KEPT_PAGES_OUTAGE_LIMIT = 60
    url = article.get_absolute_url()
    readers().get(url)
    with database_unreachable():
        assert readers().get(url).status_code == 200
        fastpath.outage.began = time.monotonic() - 61  # the outage began a minute ago
        response = readers().get(url)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "This page is not available just now" in response.content.decode()


def test_the_limit_counts_again_from_the_next_outage_once_the_database_answers(article, settings):
    settings.KEPT_PAGES_OUTAGE_LIMIT = 60
    url = article.get_absolute_url()
    readers().get(url)
    with database_unreachable():
        readers().get(url)
    fastpath.outage.began = time.monotonic() - 61
    assert readers().get(url).status_code == 200  # the database answers: the outage is over
    assert fastpath.outage.began is None
    with database_unreachable():
        assert readers().get(url)[STALE[0]] == STALE[1]


@pytest.mark.parametrize("url", ["never kept", "/", "/search/?q=baclofen", "/board/"])
def test_a_page_never_kept_gets_the_readers_503(article, url):
    url = article.get_absolute_url() if url == "never kept" else url
    with database_unreachable():
        response = readers().get(url)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "This page is not available just now" in response.content.decode()
    assert STALE[0] not in response


def test_a_limit_of_zero_never_serves_a_stale_page(article, settings):
    settings.KEPT_PAGES_OUTAGE_LIMIT = 0
    url = article.get_absolute_url()
    readers().get(url)
    with database_unreachable():
        response = readers().get(url)
    assert response.status_code == 503 and STALE[0] not in response


def test_a_copy_kept_before_a_change_seen_since_is_never_served_stale(article, site_admin):
    """A retraction committed after the copy was kept, and seen by this process on another
    page: through the outage the old page would send readers back, so they get the 503."""
    from articles import services

    url = article.get_absolute_url()
    readers().get(url)
    services.article_retract(article=article, by=site_admin, comment="Outdated advice.")
    assert readers().get("/board/").status_code == 200  # this process reads the new generation
    with database_unreachable():
        response = readers().get(url)
    assert response.status_code == 503 and STALE[0] not in response
    assert b"Does baclofen cause drowsiness?" not in response.content
