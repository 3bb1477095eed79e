"""Login throttling against password guessing, for every login form (site and admin).

Failed attempts are counted in the cache (Redis in production, so every app
server sees the same counts) per username and per client address. Once either
count reaches ``LOGIN_THROTTLE_ATTEMPTS`` within ``LOGIN_THROTTLE_WINDOW``
seconds, further POSTs to a login form are refused with 429 until the window
has passed, whether the password is right or not; a successful login clears
the username's count.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.shortcuts import render


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-throttle:{kind}:{digest}"


def _client(request) -> str:
    # REMOTE_ADDR is the proxy's address behind a load balancer; deploy.md tells
    # operators to let the proxy set it (gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _keys(username: str, request) -> list[str]:
    keys = [_key("user", username)] if username else []
    client = _client(request)
    if client:
        keys.append(_key("client", client))
    return keys


def is_locked(*, username: str, request) -> bool:
    limit = settings.LOGIN_THROTTLE_ATTEMPTS
    counts = cache.get_many(_keys(username, request))
    return any(count >= limit for count in counts.values())


def record_failure(*, username: str, request) -> None:
    for key in _keys(username, request):
        # add() starts the window; incr() keeps its original expiry.
        if not cache.add(key, 1, settings.LOGIN_THROTTLE_WINDOW):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, settings.LOGIN_THROTTLE_WINDOW)


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    record_failure(username=credentials.get("username", ""), request=request)


@receiver(user_logged_in)
def _clear_on_success(sender, request, user, **kwargs):
    cache.delete(_key("user", user.get_username()))


class LoginThrottleMiddleware:
    """Refuse login POSTs for a locked username or client before the password is checked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in settings.LOGIN_THROTTLE_PATHS:
            username = request.POST.get("username", "")
            if is_locked(username=username, request=request):
                minutes = max(1, settings.LOGIN_THROTTLE_WINDOW // 60)
                response = render(
                    request, "registration/locked.html", {"minutes": minutes}, status=429
                )
                response["Retry-After"] = str(settings.LOGIN_THROTTLE_WINDOW)
                return response
        return self.get_response(request)
