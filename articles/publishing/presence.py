"""Who has an item open in the admin, kept in the cache for a few minutes.

A notice, not a lock: the stale-save check is what keeps work from being lost.
"""

from django.core.cache import cache
from django.utils import timezone

# A page that stops sending heartbeats is forgotten after this long.
TIMEOUT = 120
HEARTBEAT = 30


def _key(obj):
    return f"publishing:presence:{obj._meta.label_lower}:{obj.pk}"


def touch(obj, user):
    """Record that ``user`` has the item open; keep their first "since" time."""
    now = timezone.now()
    editors = {
        user_id: entry
        for user_id, entry in (cache.get(_key(obj)) or {}).items()
        if (now - entry["seen"]).total_seconds() < TIMEOUT
    }
    since = editors.get(user.pk, {}).get("since", now)
    name = user.get_full_name() or user.get_username()
    editors[user.pk] = {"name": name, "since": since, "seen": now}
    cache.set(_key(obj), editors, TIMEOUT)
    return [entry for user_id, entry in editors.items() if user_id != user.pk]


def leave(obj, user):
    editors = cache.get(_key(obj)) or {}
    if editors.pop(user.pk, None) is not None:
        cache.set(_key(obj), editors, TIMEOUT)
