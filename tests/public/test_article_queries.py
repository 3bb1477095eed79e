"""The article page costs the same number of queries however long the article is."""

import pytest
from django.core.cache import cache
from django.db import connection

from public.rendered import rendered_body_prepare
from tests.factories import approved_article, submitted_article

pytestmark = pytest.mark.django_db

SMALL = {"claims": 5, "references": 3}
LARGE = {"claims": 200, "references": 60}

# Anonymous reader, nothing kept yet (no Redis: the site generation is read from the database):
#   the site generation, read before anything is rendered, with the stamps of
#   the site-wide keys (policy, site-text, board, site)                         = 1
#   article joined with its published version, its policy and (approved) the
#   stored text for the audience asked for                                      = 1
#   site-wide records, kept by those stamps (public.sitewide): policy in force,
#   disclaimer text, when the next dated change comes (the edge's age)          = 3
#   approved: review history (1) + reviewers credited (1)                        = 2
#   pending: claims + citations with their references (prefetch)                = 2
#   pending: its writers for "Written by" (an approved version names its own)   = 1 -> 7 / 8
# The claims' disclosures (level, passages, who verified them and when) are part of the
# stored text of an approved version: they cost nothing per request.
APPROVED_COLD = 7
PENDING_COLD = 8
# The next page nobody has asked for yet, once the site-wide records are kept: the article
# with its stored text, the review history and the reviewers credited. PostgreSQL reads the
# site generation and the site-wide stamps again (one query); SQLite only after another
# connection has committed.
NEXT_APPROVED_COLD = 3 if connection.vendor == "sqlite" else 4
# Kept: one query reads the site generation and the stamps of the page's keys, which say
# the kept page is current; nothing else is read. On SQLite, once: then nothing while
# PRAGMA data_version says no other connection has committed since.
WARM = 1
WARM_AGAIN = 0 if connection.vendor == "sqlite" else 1
# A reader with a session (signed in, say) never gets a kept page: the full view
# (article with its stored text, history, reviewers credited; the site-wide records are
# kept, their stamps read again on PostgreSQL).
FULL_VIEW_APPROVED = 3 if connection.vendor == "sqlite" else 4


def prepare(article):
    """What the approval does once it commits: render the approved text for every audience."""
    rendered_body_prepare(version_id=article.published_version_id)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["5-claims", "200-claims-60-refs"])
def test_approved_page_queries_with_the_text_stored_at_approval(
    client, policy, django_assert_num_queries, size
):
    article = approved_article(**size)
    prepare(article)
    cache.clear()
    with django_assert_num_queries(APPROVED_COLD):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="reference"') == size["references"]
    with django_assert_num_queries(WARM):
        assert client.get(article.get_absolute_url()).status_code == 200
    with django_assert_num_queries(WARM_AGAIN):
        assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["5-claims", "200-claims-60-refs"])
def test_pending_page_queries(client, policy, django_assert_num_queries, size):
    article = submitted_article(**size)
    cache.clear()
    with django_assert_num_queries(PENDING_COLD):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("states a fact.<sup") == size["claims"]
    with django_assert_num_queries(WARM):
        assert client.get(article.get_absolute_url()).status_code == 200
    with django_assert_num_queries(WARM_AGAIN):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_the_next_uncached_page_reads_no_site_wide_records(
    client, policy, django_assert_num_queries
):
    first, second = approved_article(**SMALL), approved_article(**LARGE)
    prepare(first)
    prepare(second)
    cache.clear()
    assert client.get(first.get_absolute_url()).status_code == 200
    with django_assert_num_queries(NEXT_APPROVED_COLD):
        response = client.get(second.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="reference"') == LARGE["references"]


def test_a_reader_with_a_session_cookie_gets_the_full_view(
    client, policy, django_assert_num_queries
):
    article = approved_article(**SMALL)
    prepare(article)
    client.get(article.get_absolute_url())
    client.cookies["sessionid"] = "no-such-session"
    # + the session lookup that finds nothing
    with django_assert_num_queries(FULL_VIEW_APPROVED + 1):
        assert client.get(article.get_absolute_url()).status_code == 200
