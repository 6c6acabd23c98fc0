"""The purge backends named in settings, and sending them a purge."""

import json
import logging
from functools import cache

import urllib3
from django.conf import settings
from django.tasks import task
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# How long a cache in front may take to answer a purge before the worker retries it.
TIMEOUT = 2.0
# A purge that keeps failing is given up after this many tries, and logged as an
# error: the copies it meant to drop then end with their s-maxage.
TRIES = 5

_pool = urllib3.PoolManager(timeout=TIMEOUT, retries=False)


class PurgeError(Exception):
    pass


class Backend:
    """Purges surrogate keys from one cache in front. ``hard`` drops the copies outright;
    otherwise they may still be served, marked stale, while a fresh one is fetched."""

    # For an API taking keys in a JSON list: the most it takes a request.
    batch = 0

    def __init__(self, params):
        self.params = params

    def purge(self, keys, hard):
        raise NotImplementedError

    def post_batches(self, url, field, keys, headers):
        """POST ``{field: [keys…]}`` to ``url``, ``batch`` keys at a time."""
        for start in range(0, len(keys), self.batch):
            response = _pool.request(
                "POST", url, body=json.dumps({field: keys[start : start + self.batch]}),
                headers={**headers, "Content-Type": "application/json"},
            )  # fmt: skip
            if response.status != 200:
                raise PurgeError(f"{type(self).__name__} got {response.status} for a purge")


def backends():
    """The configured backends, built once per configuration (tests change it)."""
    config = getattr(settings, "FRONTEND_CACHE", None) or {}
    return _loaded(repr(sorted(config.items())))


@cache
def _loaded(signature):
    config = getattr(settings, "FRONTEND_CACHE", None) or {}
    return {
        name: import_string(params["BACKEND"])({k: v for k, v in params.items() if k != "BACKEND"})
        for name, params in sorted(config.items())
    }


def purge(keys, hard=False):
    """Purge ``keys`` from every cache in front now; a backend that fails is retried by
    the worker. Returns how many backends took the purge."""
    keys = sorted(set(keys))
    done = 0
    for name, backend in backends().items():
        try:
            backend.purge(keys, hard)
            done += 1
        except Exception as error:  # any failure of the cache in front: retry later
            logger.warning("Purge of %d keys from %s failed (%s); retrying", len(keys),
                           type(backend).__name__, error)  # fmt: skip
            purge_later(name, keys, hard, 1)
    return done


def purge_later(name, keys, hard, tries):
    retry.using(run_after=_backoff(tries)).enqueue(name, keys, hard, tries)


def _backoff(tries):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(seconds=2**tries)


@task()
def retry(name, keys, hard, tries):
    """One backend's purge again, with the wait doubling, until TRIES."""
    backend = backends().get(name)
    if backend is None:  # no longer configured
        return
    try:
        backend.purge(keys, hard)
    except Exception as error:
        if tries + 1 >= TRIES:
            logger.error("Gave up purging %s from %s after %d tries: %s", keys,
                         type(backend).__name__, tries + 1, error)  # fmt: skip
            return
        purge_later(name, keys, hard, tries + 1)
