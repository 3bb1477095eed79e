"""The kept pages on the shared cache production uses (Redis), as several servers share it."""

import socket

import pytest
from django.core.cache import caches

from articles import services
from public import wholepage
from tests.factories import approved_article

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_is_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not redis_is_running(), reason="no Redis on 127.0.0.1:6379"),
]


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_a_page_kept_in_redis_is_served_and_dropped_on_retraction(
    client, redis_cache, policy, site_admin, django_assert_num_queries
):
    article = approved_article()
    first = client.get(article.get_absolute_url())
    key = wholepage.page_key(slug=article.slug, audience="professional")
    assert redis_cache.get(f"whole:{key}") is not None
    with django_assert_num_queries(1):
        kept = client.get(article.get_absolute_url())
    assert kept.status_code == 200 and kept["ETag"] == first["ETag"]
    services.article_retract(article=article, by=site_admin, comment="Superseded guidance.")
    assert client.get(article.get_absolute_url()).status_code == 410
