"""The version of each surrogate key, in the shared cache: a purge gives a key a new one.

Versions are numbers from one counter that only grows (Redis INCR), so a page can tell
whether any of its keys was purged after it began to render: it reads the counter
first, and a key whose version is higher was purged while the page was being made. Such
a page is served but not stored as current.

A key with no version (never purged, or evicted) is given one on first read, and a copy
holds the versions it was made under: a version that went missing and came back is a
new number, so no copy ever outlives a purge it did not see. The versions and the
counter carry no expiry, so a cache that evicts only keys with one (``volatile-lru``)
never drops them; if one is lost anyway, the copies that named it are just made again.
"""

import contextvars
import time

from django.core.cache import cache

COUNTER = "pages:purges"
PREFIX = "pages:key:"


def get_many(names):
    """The generation and versions named: from this process's memory where the shared
    cache keeps them current there (config/mirror.py), else one round trip."""
    held = getattr(cache, "get_many_held", None)
    return held(names) if held is not None else cache.get_many(names)


def counter():
    """The counter now, starting it if the shared cache has none (None when it is down)."""
    value = cache.get(COUNTER)
    if value is None:
        _start()
        value = cache.get(COUNTER)
    return value


def _start():
    # From the clock in microseconds, not 0: a counter lost (an emptied cache) starts
    # again above every number it gave, so no old version can come round again.
    cache.add(COUNTER, time.time_ns() // 1000, None)


def _next():
    try:
        return cache.incr(COUNTER)
    except ValueError:  # no counter yet (a new or emptied cache)
        _start()
        return cache.incr(COUNTER)


def bump(keys):
    """Give each key a new version; True when the shared cache took them."""
    if not keys:
        return True
    try:
        number = _next()
    except Exception:  # the shared cache is down: the database's count carries the change
        return False
    failed = cache.set_many({PREFIX + key: number for key in keys}, None)
    return number is not None and not failed


def read(keys, start=None):
    """{key: version} for every key, as they are now; a key with none is given ``start``
    (the counter read before the page began to render), which any purge since exceeds,
    or the counter now. None when the shared cache cannot say."""
    names = [PREFIX + key for key in keys]
    found = cache.get_many(names)
    missing = [name for name in names if name not in found]
    if missing:
        if start is None:
            start = counter()
            if start is None:
                return None
        for name in missing:
            cache.add(name, start, None)
        found.update(cache.get_many(missing))
        if any(name not in found for name in missing):
            return None
    return {key: found[PREFIX + key] for key in keys}


# Versions read with the generation for the request being served: a hit on a copy this
# process holds then costs one round trip to the shared cache.
_read_with_generation = contextvars.ContextVar("pagecache_versions", default=None)


def remember(found):
    held = _read_with_generation.get()
    if held is not None:
        held.update(found)


def reading():
    """Keep what is read with the generation for this request; returns the token to reset."""
    return _read_with_generation.set({})


def stop_reading(token):
    _read_with_generation.reset(token)


def of(key):
    """The version of ``key`` for the request being served: as read with the generation
    if it was, else as it is now. None when the shared cache cannot say."""
    held = _read_with_generation.get()
    if held is not None and PREFIX + key in held:
        return held[PREFIX + key]
    found = read([key])
    return found[key] if found is not None else None


def current(versions):
    """Whether a copy's versions, ((key, version), …), are every key's version now."""
    if not versions:
        return True
    names = [PREFIX + key for key, _ in versions]
    held = _read_with_generation.get()
    if held is not None and all(name in held for name in names):
        now = held
    else:
        now = get_many(names)
    return all(
        name in now and now[name] == version
        for name, (_, version) in zip(names, versions, strict=True)
    )
