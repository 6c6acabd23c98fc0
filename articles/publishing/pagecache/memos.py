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
    # One key a name, holding the generation it was made for: a new generation replaces
    # it in place, so the cache holds one of each however many generations pass.
    key = f"memo:{name}"
    stored = cache.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == token:
        value = stored[1]
    else:
        value = compute()
        cache.set(key, (token, value), MAX_AGE)
    held[1][name] = value
    return value


def forget():
    global _memos
    _memos = (None, {})
