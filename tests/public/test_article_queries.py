"""The article page costs the same number of queries however long the article is."""

import pytest
from django.core.cache import cache

from tests.factories import approved_article, submitted_article

pytestmark = pytest.mark.django_db

SMALL = {"claims": 5, "references": 3}
LARGE = {"claims": 200, "references": 60}

# Anonymous reader, cold cache:
#   the kept-page probe (article state, policy in force, disclaimer edit)       = 1
#   article joined with its published version, reviewer, board profile, policy = 1
#   policy in force + disclaimer text (both name the cached render)              = 2
#   approved: review history (versions with reviewers)                          = 1
#             every reviewer credited (verified or approved), with profiles      = 1 -> 6
#   pending: claims + citations with their references (prefetch)                = 2 -> 6
APPROVED_COLD = 6
PENDING_COLD = 6
# Warm cache: the probe names the kept page; nothing else is read.
WARM = 1
# A reader with a session (signed in, say) never gets a kept page: the full
# view with its cached body fragment.
WARM_WITH_SESSION = 3


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["5-claims", "200-claims-60-refs"])
def test_approved_page_queries(client, policy, django_assert_num_queries, size):
    article = approved_article(**size)
    cache.clear()
    with django_assert_num_queries(APPROVED_COLD):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="reference"') == size["references"]
    with django_assert_num_queries(WARM):
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


def test_a_reader_with_a_session_cookie_gets_the_full_view_with_its_fragment(
    client, policy, django_assert_num_queries
):
    article = approved_article(**SMALL)
    client.get(article.get_absolute_url())
    client.cookies["sessionid"] = "no-such-session"
    # + the session lookup that finds nothing
    with django_assert_num_queries(WARM_WITH_SESSION + 1):
        assert client.get(article.get_absolute_url()).status_code == 200
