"""The client address: from X-Forwarded-For only through proxies named in TRUSTED_PROXIES."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from editorial.clientip import client_address


def address(remote: str, forwarded: str | None = None) -> str:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address("198.51.100.1", "203.0.113.9") == "198.51.100.1"


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("10.0.0.5", "203.0.113.9", "203.0.113.9"),  # through the balancer
        ("10.0.0.5", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own header
        ("10.0.0.5", "203.0.113.9, 10.0.0.7", "203.0.113.9"),  # two trusted hops
        ("198.51.100.1", "203.0.113.9", "198.51.100.1"),  # not from a trusted proxy
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_the_client_is_the_first_untrusted_address_from_the_right(
    settings, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address(remote, forwarded) == expected


def test_the_follow_up_limit_counts_each_reader_behind_the_balancer(
    settings, editor, reviewer, policy
):
    from public import services as public_services
    from tests.factories import approved_article

    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    article = approved_article(by=editor, reviewer=reviewer)
    url = f"/articles/{article.slug}/follow-up/"
    balancer = Client(REMOTE_ADDR="10.0.0.5")

    def ask(client_ip: str, spoofed: str = ""):
        forwarded = f"{spoofed}, {client_ip}" if spoofed else client_ip
        return balancer.post(
            url,
            {"question": "Is it safe?"},
            HTTP_X_FORWARDED_FOR=forwarded,
            HTTP_ORIGIN="http://testserver",
        )

    for n in range(public_services.RATE_LIMIT_COUNT):
        assert ask("198.51.100.1", spoofed=f"6.6.6.{n}").status_code == 302
    assert ask("198.51.100.1", spoofed="7.7.7.7").status_code == 429
    assert ask("198.51.100.2").status_code == 302  # another reader is not limited


def test_the_api_limit_ignores_a_rotated_header_from_an_untrusted_peer(settings, db):
    settings.TRUSTED_PROXIES = []
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "100/min"},
    }
    from django.core.cache import cache

    cache.clear()
    client = Client(REMOTE_ADDR="198.51.100.9")
    statuses = [
        client.get("/api/articles/", HTTP_X_FORWARDED_FOR=f"10.1.1.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
