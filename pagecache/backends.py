"""
Cache backends the page cache can always live with.

* ``ResilientRedisCache`` is Django's Redis backend for which Redis being
  down, unreachable, slow or full is a cache miss, never an error: the page
  is rendered and served as if nothing was cached. Sockets time out quickly
  (``socket_timeout`` and ``socket_connect_timeout`` in OPTIONS); after a
  failure the backend leaves Redis alone for ``RETRY_AFTER`` seconds (a
  circuit breaker, so a blackholed Redis costs one timeout per process per
  interval, not one per request), logs the failure once, and logs again
  when Redis answers.
* ``BoundedLocMemCache`` is Django's local-memory backend bounded by the
  bytes it holds (``MAX_BYTES``), not only by the number of entries: a few
  large pages cannot grow a worker without limit.
* ``cache_health()`` says whether the cache works now, for /healthz.
"""

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# When Redis failed last, by LOCATION, shared by every thread of the process
# (Django makes one backend object per thread).
_failed_at = {}
_failed_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    """Django's Redis cache backend, with errors as misses (see the module)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        # An answer that trickles in never trips the socket timeout, which
        # counts from one byte to the next: a call this slow counts as failed.
        self.too_slow = 4 * float(options.get("socket_timeout") or 0.25)
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server if isinstance(server, str) else ",".join(server)

    # --- the circuit breaker ---------------------------------------------

    def _resting(self):
        failed = _failed_at.get(self._location)
        return failed is not None and time.monotonic() - failed < self.retry_after

    def _failed(self, error):
        with _failed_lock:
            first = self._location not in _failed_at
            _failed_at[self._location] = time.monotonic()
        if first:
            logger.warning(
                "Cache unavailable (%s: %s); pages are served without it, Redis is tried "
                "again every %g s.",
                type(error).__name__,
                error,
                self.retry_after,
            )

    def _answered(self):
        if self._location in _failed_at:
            with _failed_lock:
                recovered = _failed_at.pop(self._location, None) is not None
            if recovered:
                logger.warning("Cache available again: Redis answers.")

    def _call(self, method, fallback, *args, **kwargs):
        if self._resting():
            return fallback
        started = time.monotonic()
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except RedisError as error:
            self._failed(error)
            return fallback
        took = time.monotonic() - started
        if took > self.too_slow:
            self._failed(RedisError(f"{method} took {took:.1f} s"))
        else:
            self._answered()
        return result

    # --- the cache API, each failure a miss ------------------------------

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)

    def health(self):
        """ "ok" when Redis stores and returns a value now, else "degraded"."""
        try:
            super().set("atlas:health", 1, 10)
            ok = super().get("atlas:health") == 1
        except RedisError as error:
            self._failed(error)
            return "degraded"
        if ok:
            self._answered()
        return "ok" if ok else "degraded"


# Bytes held by each local-memory cache, by name (as Django keeps the caches).
_sizes = {}


class BoundedLocMemCache(LocMemCache):
    """Django's local-memory cache, bounded by ``OPTIONS["MAX_BYTES"]`` too."""

    def __init__(self, name, params):
        options = dict(params.get("OPTIONS", {}))
        self.max_bytes = int(options.pop("MAX_BYTES", 64 * 1024 * 1024))
        super().__init__(name, {**params, "OPTIONS": options})
        self._sizes = _sizes.setdefault(name, {})

    @property
    def bytes_held(self):
        return sum(self._sizes.values())

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        size = len(value)
        self._delete(key)
        if size > self.max_bytes:
            return
        held = self.bytes_held
        while self._cache and held + size > self.max_bytes:
            oldest, _ = self._cache.popitem()  # the least recently used
            self._expire_info.pop(oldest, None)
            held -= self._sizes.pop(oldest, 0)
        super()._set(key, value, timeout)
        self._sizes[key] = size

    def _cull(self):
        super()._cull()
        for key in [key for key in self._sizes if key not in self._cache]:
            del self._sizes[key]

    def _delete(self, key):
        self._sizes.pop(key, None)
        return super()._delete(key)

    def incr(self, key, delta=1, version=None):
        value = super().incr(key, delta, version)
        with self._lock:
            stored = self.make_and_validate_key(key, version=version)
            if stored in self._cache:
                self._sizes[stored] = len(self._cache[stored])
        return value

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._sizes.clear()

    def health(self):
        return "ok"


def cache_health(alias="default"):
    """ "ok" or "degraded": whether the cache named ``alias`` works now."""
    cache = caches[alias]
    health = getattr(cache, "health", None)
    if health is not None:
        return health()
    try:
        cache.set("atlas:health", 1, 10)
        return "ok" if cache.get("atlas:health") == 1 else "degraded"
    except Exception as error:  # any backend: a failing cache is degraded, not down
        logger.warning("Cache unavailable: %s", error)
        return "degraded"
