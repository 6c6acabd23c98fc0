"""Values made once per change and shared by every server."""

from django.core.cache import cache

from . import keys, versions
from .generation import MAX_AGE, current
from .store import LOCAL_ENTRIES

# ((generation token, content version), {name: value}): this process's memo values.
_memos = (None, {})


def memo(name, compute):
    """compute(), made once per change of published content and shared by every server:
    for aggregates (counts, indexes of topics) that would otherwise read every article on
    each render. Any change to a published item (the ``content`` key) makes it again.

    Each process also keeps what it read for the generation, so a value is fetched and
    unpickled once per process, not on every render; callers must not change it.
    """
    global _memos
    generation = current()
    if generation is None:
        return compute()
    version = versions.of(keys.ANY)
    if version is None:
        return compute()
    made_for = (generation.token, version)
    held = _memos
    if held[0] != made_for or len(held[1]) > LOCAL_ENTRIES:
        held = _memos = (made_for, {})
    if name in held[1]:
        return held[1][name]
    # One key a name, holding what it was made for: a change replaces it in place, so
    # the cache holds one of each however many changes pass.
    key = f"memo:{name}"
    stored = cache.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == made_for:
        value = stored[1]
    else:
        value = compute()
        cache.set(key, (made_for, value), MAX_AGE)
    held[1][name] = value
    return value


def forget():
    global _memos
    _memos = (None, {})
