"""Rate limits read from settings at request time, so they can be tuned per environment."""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.settings import api_settings


class _LiveRateMixin:
    # DRF copies the rates onto the class at import; reading them per request
    # lets settings changes (and tests) take effect.
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(_LiveRateMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_LiveRateMixin, throttling.UserRateThrottle):
    pass
