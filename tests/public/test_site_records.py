"""The site-wide records every article page shows are kept by their keys (public.sitewide)."""

import pytest
from django.core.cache import cache
from django.db import connection

from public import freshness, sitewide
from public.models import SiteText
from public.rendered import rendered_body_prepare
from tests.factories import approved_article, make_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(policy):
    pages = [approved_article(), approved_article()]
    for article in pages:
        rendered_body_prepare(version_id=article.published_version_id)
    cache.clear()
    return pages


def test_a_page_rendered_after_a_change_shows_it_though_the_records_were_kept(client, articles):
    first, second = articles
    assert "Professional Medical Disclaimer" in client.get(first.get_absolute_url()).text
    text = SiteText.objects.get(key=SiteText.DISCLAIMER)
    text.text = "A rewritten disclaimer."
    text.save()
    make_policy(2)
    html = client.get(second.get_absolute_url()).text
    assert "<p>A rewritten disclaimer.</p>" in html
    assert "/editorial-policy/v2/" in html


def test_a_change_written_behind_the_keys_shows_once_everything_is_invalidated(client, articles):
    first, second = articles
    client.get(first.get_absolute_url())
    SiteText.objects.filter(key=SiteText.DISCLAIMER).update(text="Changed behind our back.")
    freshness.bump()
    assert "Changed behind our back." in client.get(second.get_absolute_url()).text


def test_without_the_cache_the_records_are_read_from_the_database(
    client, articles, monkeypatch, django_assert_num_queries
):
    """A cache that answers nothing (Redis down reads as a miss) costs the three reads."""
    monkeypatch.setattr(sitewide.cache, "get", lambda *args, **kwargs: None)
    monkeypatch.setattr(sitewide.cache, "set", lambda *args, **kwargs: None)
    first, second = articles
    client.get(first.get_absolute_url())
    text = SiteText.objects.get(key=SiteText.DISCLAIMER)
    text.text = "Read while the cache is away."
    text.save()
    assert "Read while the cache is away." in client.get(second.get_absolute_url()).text
    # The policy in force, the disclaimers, the next dated change; the stamps are read
    # again on PostgreSQL (SQLite has them while no other connection has committed).
    with django_assert_num_queries(3 if connection.vendor == "sqlite" else 4):
        records = sitewide.site_records_get()
    assert records.furniture.disclaimer == "Read while the cache is away."
