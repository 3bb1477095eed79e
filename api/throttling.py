"""Rate limits read from settings at request time, counted per client through trusted proxies."""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.settings import api_settings

from editorial.clientip import client_address


class _LiveRateMixin:
    # DRF copies the rates onto the class at import; reading them per request
    # lets settings changes (and tests) take effect.
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    # DRF's own get_ident trusts X-Forwarded-For from anyone (NUM_PROXIES only
    # counts hops), so a client could rotate the header to dodge the limit.
    def get_ident(self, request):
        return client_address(request)


class AnonRateThrottle(_LiveRateMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_LiveRateMixin, throttling.UserRateThrottle):
    pass
