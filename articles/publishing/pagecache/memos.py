"""Values made once per generation and shared by every server."""

from django.core.cache import cache

from .generation import MAX_AGE, current
from .store import LOCAL_ENTRIES

# (generation token, {name: value}): this process's memo values, for one generation.
_memos = (None, {})


def memo(name, compute):
    """compute(), made once per generation and shared by every server: for aggregates
    (counts, indexes of topics) that would otherwise read every article on each render.

    Each process also keeps what it read for the generation, so a value is fetched and
    unpickled once per process, not on every render; callers must not change it.
    """
    global _memos
    generation = current()
    if generation is None:
        return compute()
    token = generation.token
    held = _memos
    if held[0] != token or len(held[1]) > LOCAL_ENTRIES:
        held = _memos = (token, {})
    if name in held[1]:
        return held[1][name]
    key = f"memo:{token}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        # A generation's values are read only while it lasts; a day at most.
        cache.set(key, value, MAX_AGE)
    held[1][name] = value
    return value


def forget():
    global _memos
    _memos = (None, {})
