"""Django's Redis cache, except that a Redis that is down reads as an empty cache.

Pages are then served uncached and the failure is logged, rather than every request
answering 500. After a failure the cache is left alone for a few seconds, so an outage
costs readers nothing but the rendering, not a connection timeout on every request.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

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

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set_many", list(data), data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("add", False, key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError, as Django's caches do.
        return self._guard("incr", None, key, delta, version)

    def delete(self, key, version=None):
        return self._guard("delete", False, key, version)

    def delete_many(self, keys, version=None):
        self._guard("delete_many", None, keys, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", False, key, timeout, version)

    def has_key(self, key, version=None):
        return self._guard("has_key", False, key, version)
