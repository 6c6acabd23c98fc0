"""One render per change: while one worker makes a page, the others do not.

The worker that takes the page's short lock in the shared cache renders it; the others
serve the copy they had (it is stale by at most one change, and never outdated by a
withdrawal), or, with none to serve, wait for the new copy, and render it themselves
only if it does not come in time.
"""

import time

from django.core.cache import cache

from .generation import latest_withdrawals
from .store import Copy

# Longer than any page takes to render: a worker that dies holding the lock holds it
# this long at most.
LOCK_SECONDS = 10
# How long a reader with no copy to serve waits for another worker's render.
WAIT_SECONDS = 2.0
POLL_SECONDS = 0.02


def standing(copies, generation):
    """The copies no withdrawal counted since has outdated, and not past the Unpublish at
    known when they were made: the only old copies that may ever be served."""
    floor = latest_withdrawals(generation)
    now = time.time()
    return [
        copy
        for copy in copies
        if copy is not None and copy.withdrawals >= floor and now < copy.ends_by
    ]


def stale_copy(copies, generation):
    """The newest standing copy of the page itself, to serve while it is made anew."""
    fit = [copy for copy in standing(copies, generation) if copy.status == 200]
    return max(fit, key=lambda copy: copy.made_at, default=None)


def wait_for(key, lock, fresh):
    """The copy another worker is making, once stored; None when it did not come (the
    page was not stored, or took too long)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        found = cache.get_many([key, lock])
        copy = Copy.load(found.get(key))
        if fresh(copy):
            return copy
        if lock not in found:
            return None
    return None
