"""The article page costs the same number of queries however long the article is."""

import pytest
from django.core.cache import cache

from tests.factories import approved_article, submitted_article

pytestmark = pytest.mark.django_db

SMALL = {"claims": 5, "references": 3}
LARGE = {"claims": 200, "references": 60}

# Anonymous reader, cold cache:
#   article joined with its published version, reviewer, board profile, policy = 1
#   policy in force + disclaimer text (both name the cached render)              = 2
#   approved: review history (versions with reviewers)                          = 1 -> 4
#   pending: claims + citations with their references (prefetch)                = 2 -> 5
APPROVED_COLD = 4
PENDING_COLD = 5
# Warm cache: the first three only; the body is not read at all.
WARM = 3


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
