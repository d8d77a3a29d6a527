"""Django's Redis cache, made to degrade instead of failing the request when Redis is down or hangs.

Decide's cache only holds what can be recomputed or forgotten (cached counts and
statistics, rate-limit counters, import progress), so a Redis outage must not turn
into 500s on pages that need only the database. Django's built-in `RedisCache` has
no IGNORE_EXCEPTIONS option (django-redis has, but it is a second Redis client);
this subclass adds one: every Redis error is logged and answered as a miss.

After a failure the cache stays "down" for `RETRY_AFTER_S` and answers without
trying Redis, so a hung Redis costs one socket timeout every few seconds, not one
per cache call. Give the connection `socket_connect_timeout`/`socket_timeout` in
OPTIONS (the settings do) so that one timeout is short.

Rate limits fail OPEN while Redis is down: `add()` answers "stored" so django-ratelimit
counts one hit and allauth's lock is granted. A deliberate choice: failing closed would turn
a cache outage into "nobody can sign in, verify or vote"; what rate limits protect against
(guessing passwords and census data) stays bounded by the outage, which /healthz reports as
a 503 naming the cache. Ballots and supports are guarded by database constraints, not limits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_AFTER_S = 5.0


class DegradingRedisCache(RedisCache):
    """A RedisCache whose failures are logged misses, never exceptions in a page."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_down(self) -> bool:
        """True while the last failure is recent: calls skip Redis and answer as a miss."""
        return time.monotonic() < self._down_until

    def _guard(self, operation: str, call: Callable[[], T], fallback: T) -> T:
        if self.is_down:
            return fallback
        try:
            return call()
        except (RedisError, OSError) as exc:
            self._mark_down(operation, exc)
            return fallback

    def _mark_down(self, operation: str, exc: Exception) -> None:
        with self._lock:
            first = not self.is_down
            self._down_until = time.monotonic() + RETRY_AFTER_S
        if first:
            logger.error("cache unavailable (%s during %s): serving without it", type(exc).__name__, operation)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        # "Stored": callers that use add() as a counter or a lock go on (rate limits fail open, see above).
        return self._guard("add", lambda: bool(RedisCache.add(self, key, value, timeout, version)), True)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard("get", lambda: RedisCache.get(self, key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guard("set", lambda: RedisCache.set(self, key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard("touch", lambda: bool(RedisCache.touch(self, key, timeout, version)), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard("delete", lambda: bool(RedisCache.delete(self, key, version)), False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._guard("get_many", lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard("has_key", lambda: bool(RedisCache.has_key(self, key, version)), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        if self.is_down:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        try:
            return int(super().incr(key, delta, version))
        except (RedisError, OSError) as exc:
            self._mark_down("incr", exc)
            # BaseCache.incr's answer for a key it cannot find: callers already handle it.
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from None

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self._guard("set_many", lambda: list(RedisCache.set_many(self, data, timeout, version)), list(data))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._guard("delete_many", lambda: RedisCache.delete_many(self, keys, version), None)

    def clear(self) -> None:
        self._guard("clear", lambda: RedisCache.clear(self), None)

    def ping(self) -> None:
        """Reach Redis now, whatever the recent failures (the health check); raises what Redis raises."""
        self._cache.get_client(write=True).ping()
