"""Django's Redis cache, except that a Redis that is down reads as an empty cache, and
that the keys named in ``TRACKED`` can be read from this process's memory.

Pages are then served uncached and the failure is logged, rather than every request
answering 500. After a failure the cache is left alone for a few seconds, so an outage
costs readers nothing but the rendering, not a connection timeout on every request.

``get_many_held()`` answers for the tracked keys without a round trip while Redis says
none of them changed (see Mirror): the page cache's generation and surrogate-key
versions, read on every page served, change only when something is published.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from . import mirror

logger = logging.getLogger(__name__)

# How long a failed Redis is left alone before the next attempt.
RETRY_AFTER = 5.0


class ReusedClient(RedisCacheClient):
    """Django's client, keeping one redis.Redis per connection pool: building one for each
    command, as Django does, fills a table of some 170 reply handlers every time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    _down_until = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClient
        # The tracked keys' prefixes as stored (with KEY_PREFIX and version).
        tracked = [self.make_key(prefix) for prefix in params.get("TRACKED", ())]
        self.mirror = mirror.shared(server, self._listener, tracked) if tracked else None

    def _listener(self):
        """A connection of its own to the server the cache reads, for Redis to push
        invalidations on (RESP3)."""
        pool = self._cache._get_connection_pool(write=False)
        return pool.connection_class(**{**pool.connection_kwargs, "protocol": 3})

    def get_many_held(self, keys, version=None):
        """get_many(), from this process's memory for keys Redis has said nothing of since
        they were read; the others from Redis, and kept."""
        if self.mirror is None or time.monotonic() < self._down_until:
            return self.get_many(keys, version)
        made = {self.make_key(key, version): key for key in keys}
        held, epoch = self.mirror.lookup(made)
        if held is not None:
            return {made[name]: value for name, value in held.items()}
        found = self.get_many(keys, version)
        if epoch is not None:
            read = {name: found[key] for name, key in made.items() if key in found}
            self.mirror.keep(read, epoch)
        return found

    def _written(self, keys=None, version=None):
        """What this process writes, it stops holding at once; other processes hear of it
        from Redis. None: everything."""
        if self.mirror is not None:
            self.mirror.forget(None if keys is None else [self.make_key(k, version) for k in keys])

    def validate_key(self, key):
        """Nothing to check: Django's warnings are about memcached's key rules (250
        characters, no spaces or control characters), and Redis takes any key. Each key of
        a page hit would otherwise be scanned character by character."""

    def _guard(self, operation, default, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except (RedisError, OSError) as error:
            self._down_until = time.monotonic() + RETRY_AFTER
            self._written()
            logger.warning(
                "Cache unavailable (%s); serving uncached for %.0f s", error, RETRY_AFTER
            )
            return default

    def get(self, key, default=None, version=None):
        return self._guard("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard("get_many", {}, keys, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guard("set", None, key, value, timeout, version)
        self._written([key], version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = self._guard("set_many", list(data), data, timeout, version)
        self._written(data, version)
        return failed

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        added = self._guard("add", False, key, value, timeout, version)
        self._written([key], version)
        return added

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError, as Django's caches do.
        try:
            return self._guard("incr", None, key, delta, version)
        finally:
            self._written([key], version)

    def delete(self, key, version=None):
        deleted = self._guard("delete", False, key, version)
        self._written([key], version)
        return deleted

    def delete_many(self, keys, version=None):
        self._guard("delete_many", None, keys, version)
        self._written(keys, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", False, key, timeout, version)

    def clear(self):
        self._guard("clear", None)
        self._written()

    def has_key(self, key, version=None):
        return self._guard("has_key", False, key, version)
