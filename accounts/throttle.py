"""Log-in and password-reset throttling that holds under parallel requests and behind proxies.

Every log-in attempt is counted before its password is checked, with one atomic
statement per count, so thirty guesses sent at once get the same answer as
thirty sent one by one: only the first ``LOGIN_THROTTLE_ATTEMPTS`` reach the
password check. The counts, within ``LOGIN_THROTTLE_WINDOW`` seconds:

- per username and client address: ``LOGIN_THROTTLE_ATTEMPTS`` (5), then that
  client is locked out of that account until the window passes;
- per client address, whatever the username: ``LOGIN_THROTTLE_CLIENT_ATTEMPTS``
  (20), then the client is locked out of every account;
- per username, from anywhere: after ``LOGIN_THROTTLE_USERNAME_ATTEMPTS`` (10)
  the account is slowed, not locked: it takes one attempt every
  ``LOGIN_THROTTLE_USERNAME_INTERVAL`` seconds (10), so guessing from many
  addresses stays slow while its owner can still log in.

A successful log-in clears its username's counts and gives the client its
attempt back. The username is normalised once, as Django's log-in form does
(NFKC, so a fullwidth "ｅditor2" is "editor2"), and compared without case.
The client address comes from ``editorial.clientip`` (trusted proxies only).
"""

from __future__ import annotations

import hashlib
import random
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.shortcuts import render

from accounts.models import AttemptCounter
from editorial.clientip import client_address

_TABLE = AttemptCounter._meta.db_table
_UPSERT = f"""
INSERT INTO {_TABLE} (key, count, window_start) VALUES (%s, 1, %s)
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN {_TABLE}.window_start <= %s THEN 1 ELSE {_TABLE}.count + 1 END,
  window_start = CASE WHEN {_TABLE}.window_start <= %s
                      THEN excluded.window_start ELSE {_TABLE}.window_start END
RETURNING count, window_start
"""
# Counters whose window closed long ago are deleted now and then, by whoever counts.
_CLEAN_EVERY = 200
_KEEP_SECONDS = 86400


def normalise_username(raw: str) -> str:
    """The username as Django's log-in form reads it (stripped, NFKC), without case."""
    return unicodedata.normalize("NFKC", (raw or "").strip()).casefold()


def _key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:40]
    return f"{kind}:{digest}"


def hit(key: str, window: float) -> tuple[int, float]:
    """Count one attempt under ``key``: (attempts in the window, seconds until it closes)."""
    now = time.time()
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, now, now - window, now - window])
        count, started = cursor.fetchone()
    if random.randrange(_CLEAN_EVERY) == 0:  # noqa: S311 - housekeeping, not security
        AttemptCounter.objects.filter(window_start__lt=now - _KEEP_SECONDS).delete()
    return int(count), max(1.0, float(started) + window - now)


def peek(key: str, window: float) -> int:
    """Attempts under ``key`` in the current window, without counting one."""
    row = AttemptCounter.objects.filter(key=key, window_start__gt=time.time() - window).first()
    return row.count if row else 0


@dataclass(frozen=True)
class Refusal:
    retry_after: int
    message: str


@dataclass(frozen=True)
class LoginAttempt:
    pair_key: str
    client_key: str
    username_key: str


def login_attempt_begin(*, username: str, client: str) -> tuple[LoginAttempt, Refusal | None]:
    """Count a log-in attempt before its password is checked; a Refusal when it must not be."""
    name = normalise_username(username)
    window = settings.LOGIN_THROTTLE_WINDOW
    attempt = LoginAttempt(
        pair_key=_key("login-pair", name, client),
        client_key=_key("login-client", client),
        username_key=_key("login-user", name),
    )
    pair_count, pair_wait = hit(attempt.pair_key, window)
    client_count, client_wait = hit(attempt.client_key, window)
    locked = "Too many failed log-in attempts"
    if pair_count > settings.LOGIN_THROTTLE_ATTEMPTS:
        return attempt, Refusal(int(pair_wait), locked)
    if client_count > settings.LOGIN_THROTTLE_CLIENT_ATTEMPTS:
        return attempt, Refusal(int(client_wait), locked)
    if name and peek(attempt.username_key, window) >= settings.LOGIN_THROTTLE_USERNAME_ATTEMPTS:
        interval = settings.LOGIN_THROTTLE_USERNAME_INTERVAL
        taken, wait = hit(_key("login-user-slot", name), interval)
        if taken > 1:
            return attempt, Refusal(int(wait) or 1, "Too many log-in attempts for this account")
    if name:
        hit(attempt.username_key, window)
    return attempt, None


def login_attempt_succeeded(attempt: LoginAttempt) -> None:
    """The password was right: forget this account's counts and give the client its attempt back."""
    AttemptCounter.objects.filter(key__in=[attempt.pair_key, attempt.username_key]).delete()
    AttemptCounter.objects.filter(key=attempt.client_key, count__gt=0).update(count=F("count") - 1)


def password_reset_allowed(*, email: str, client: str) -> tuple[bool, Refusal | None]:
    """(send the mail?, refusal to show): per client address, then per address mailed.

    A client over its limit is told so (429). An email address over its limit is
    not: the page looks the same as ever, so it tells nobody whether the address
    has an account, but no further mail goes out until the window passes.
    """
    window = settings.PASSWORD_RESET_THROTTLE_WINDOW
    count, wait = hit(_key("reset-client", client), window)
    if count > settings.PASSWORD_RESET_THROTTLE_CLIENT:
        return False, Refusal(int(wait), "Too many password-reset requests")
    count, _ = hit(_key("reset-email", normalise_username(email)), window)
    return count <= settings.PASSWORD_RESET_THROTTLE_EMAIL, None


def refusal_response(request, refusal: Refusal):
    minutes = max(1, round(refusal.retry_after / 60))
    response = render(
        request,
        "registration/locked.html",
        {"minutes": minutes, "seconds": refusal.retry_after, "message": refusal.message},
        status=429,
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response


class LoginThrottleMiddleware:
    """Count every log-in POST before the password is checked; refuse those over a limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or request.path not in settings.LOGIN_THROTTLE_PATHS:
            return self.get_response(request)
        attempt, refusal = login_attempt_begin(
            username=request.POST.get("username", ""), client=client_address(request)
        )
        if refusal is not None:
            return refusal_response(request, refusal)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and response.status_code in (302, 303):
            login_attempt_succeeded(attempt)
        return response
