"""The shared cache (Redis) as an optional speed-up: losing it never takes a page down.

Everything kept in the cache can be rebuilt from the database: page fragments and
whole pages are keyed by the content they show, and counters (log-in failures,
follow-up questions, API rates) restart. So when Redis cannot be reached, or
answers too slowly for the client's short timeouts, a read is a miss and a write
is dropped, and the page is rendered from the database as on a cold cache.

A circuit breaker, shared by the threads of a process, stops asking Redis for
``CIRCUIT_OPEN_SECONDS`` after a failure, so a dead server costs one timeout per
interval instead of one per request. The first failure of a burst logs one
warning; the first success after it logs one line saying how long it lasted.
Nothing stale can come back afterwards: entries written before the outage were
keyed by their content, and nothing is kept locally in the meantime.

Behaviour while Redis is unreachable, by caller:

- pages, fragments, the API's rate limits: rendered or counted without the cache
  (the API's rate limits are not enforced until Redis is back);
- log-in throttling (``editorial.throttle``): it reads its counts with
  ``get_many``, which misses, so log-in keeps working and no one is locked out,
  but guessing is not slowed down until Redis is back;
- the follow-up question limit (``add`` then ``incr``): counted in this
  process's memory, so it still holds, per process, until Redis is back.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit, urlunsplit

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

from editorial import metrics

logger = logging.getLogger("editorial.cache")

# An unreachable, refusing, slow or failing-over server; other Redis errors
# (a wrong value type, say) are bugs and still raise.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, ReadOnlyError, OSError)


class CircuitBreaker:
    """Remembers, per process, whether Redis failed lately and for how long to leave it alone."""

    def __init__(self, *, location: str, open_seconds: float):
        self.location = location
        self.open_seconds = open_seconds
        self._lock = threading.Lock()
        self.down_since: float | None = None  # monotonic time of the burst's first failure
        self.retry_at = 0.0
        self.skipped = 0

    @property
    def is_open(self) -> bool:
        return self.down_since is not None

    def allows(self) -> bool:
        """Whether to try Redis now: always when closed, once per interval when open."""
        if self.down_since is None:
            return True
        with self._lock:
            if time.monotonic() >= self.retry_at:
                self.retry_at = time.monotonic() + self.open_seconds
                return True
            self.skipped += 1
            return False

    def failed(self, operation: str, error: Exception) -> None:
        metrics.CACHE_ERRORS.labels(operation=operation).inc()
        with self._lock:
            first = self.down_since is None
            if first:
                self.down_since = time.monotonic()
                self.skipped = 0
            self.retry_at = time.monotonic() + self.open_seconds
        if first:
            logger.warning(
                "Cache unreachable (%s: %s); serving without it, retrying every %ss",
                type(error).__name__,
                error,
                self.open_seconds,
                extra={"event": "cache_down", "cache_location": self.location},
            )

    def succeeded(self) -> None:
        if self.down_since is None:
            return
        with self._lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            skipped, self.down_since, self.skipped = self.skipped, None, 0
        logger.warning(
            "Cache back after %.1fs (%d operations served without it)",
            seconds,
            skipped,
            extra={"event": "cache_up", "cache_location": self.location},
        )


def _without_password(url: str) -> str:
    # The location is logged; a Redis URL may carry a password.
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=host))


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, open_seconds: float) -> CircuitBreaker:
    # Django makes one cache object per thread; the breaker is per process.
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = CircuitBreaker(location=location, open_seconds=open_seconds)
        return _breakers[location]


# Counters (``add`` then ``incr``) go to this process's own memory while Redis is
# away, so a limit built on them (the follow-up question limit) still holds, per
# process. Nothing else is kept there, and it is not read while Redis answers.
_local_counters = LocMemCache("editorial-counter-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering "miss" and "not stored" while Redis is unreachable.

    Settings: ``OPTIONS`` go to redis-py as usual (give it short
    ``socket_connect_timeout`` and ``socket_timeout``); ``CIRCUIT_OPEN_SECONDS``
    (default 5) is how long to leave a failed server alone before trying again.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        servers = [server] if isinstance(server, str) else list(server)
        location = ",".join(_without_password(url) for url in servers)
        self.breaker = breaker_for(location, float(params.get("CIRCUIT_OPEN_SECONDS", 5)))

    def _guarded(self, operation: str, fallback, call):
        if not self.breaker.allows():
            return fallback()
        try:
            result = call()
        except OUTAGE_ERRORS as error:
            self.breaker.failed(operation, error)
            return fallback()
        self.breaker.succeeded()
        return result

    @property
    def is_reachable(self) -> bool:
        """False while the breaker is open (Redis failed lately)."""
        return not self.breaker.is_open

    def ping(self) -> bool:
        """Ask Redis now, whatever the breaker says; for the readiness report."""
        try:
            self._cache.get_client(write=True).ping()
        except OUTAGE_ERRORS as error:
            self.breaker.failed("ping", error)
            return False
        self.breaker.succeeded()
        return True

    def get(self, key, default=None, version=None):
        return self._guarded(
            "get",
            lambda: default,
            lambda: super(ResilientRedisCache, self).get(key, default, version),
        )

    def get_many(self, keys, version=None):
        return self._guarded(
            "get_many", dict, lambda: super(ResilientRedisCache, self).get_many(keys, version)
        )

    def has_key(self, key, version=None):
        return self._guarded(
            "has_key", lambda: False, lambda: super(ResilientRedisCache, self).has_key(key, version)
        )

    def set(self, *args, **kwargs):
        return self._guarded(
            "set", lambda: None, lambda: super(ResilientRedisCache, self).set(*args, **kwargs)
        )

    def set_many(self, data, *args, **kwargs):
        # The keys that were not stored, as Django's contract says.
        return self._guarded(
            "set_many",
            lambda: list(data),
            lambda: super(ResilientRedisCache, self).set_many(data, *args, **kwargs),
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "add",
            lambda: _local_counters.add(key, value, timeout, version),
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
        )

    def touch(self, *args, **kwargs):
        return self._guarded(
            "touch", lambda: False, lambda: super(ResilientRedisCache, self).touch(*args, **kwargs)
        )

    def delete(self, *args, **kwargs):
        return self._guarded(
            "delete",
            lambda: False,
            lambda: super(ResilientRedisCache, self).delete(*args, **kwargs),
        )

    def delete_many(self, *args, **kwargs):
        return self._guarded(
            "delete_many",
            lambda: None,
            lambda: super(ResilientRedisCache, self).delete_many(*args, **kwargs),
        )

    def incr(self, key, delta=1, version=None):
        return self._guarded(
            "incr",
            lambda: _local_counters.incr(key, delta, version),
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
        )

    def clear(self):
        return self._guarded(
            "clear", lambda: False, lambda: super(ResilientRedisCache, self).clear()
        )


def cache_status() -> tuple[str, str]:
    """("ok" | "degraded", what was seen) for the readiness report."""
    shared = caches["default"]
    if not isinstance(shared, ResilientRedisCache):
        return "ok", f"{type(shared).__name__} (per process)"
    if shared.ping():
        return "ok", "redis answered"
    return "degraded", "redis unreachable: pages are rendered without the cache"
