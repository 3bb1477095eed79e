"""The address of the client a request comes from, through trusted proxies only.

Behind a load balancer ``REMOTE_ADDR`` is the balancer's address and the
client's is in ``X-Forwarded-For``, which anyone can also send. The header is
read only when the request comes from a proxy named in ``TRUSTED_PROXIES``
(addresses or networks), and then from the right: each trusted proxy appends
the address it received the request from, so the first address from the right
that is not a trusted proxy is the client. Whatever a client writes into the
header itself stands to the left of that and is never used.

(django-ipware's trusted-proxy list is matched against the addresses written in
the header, not against the peer the request came from, so it cannot give this.)
One function, used by every limit that counts per client: log-in throttling,
password-reset requests, readers' follow-up questions and the API's rate limits.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    parsed = _address(address)
    if parsed is None:
        return False
    return any(parsed in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request) -> str:
    """The client's IP address as a string ("" when the request has none)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    if not settings.TRUSTED_PROXIES or not is_trusted_proxy(peer):
        return peer
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        parsed = _address(hop)
        if parsed is None:
            break  # garbage from the client's side of the chain: stop at the last good hop
        client = str(parsed)
        if not is_trusted_proxy(client):
            break
    return client
