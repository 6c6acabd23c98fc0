"""What a cached page tells the caches in front of the site: its surrogate keys, and how
long it may be kept.

The keys go in the headers each cache reads: ``xkey`` (Varnish's xkey module),
``Surrogate-Key`` (Fastly) and ``Cache-Tag`` (Cloudflare, comma-separated). A cache in
front keeps a page until it is purged by key, or until the next scheduled change (an
item going live or coming down at its time), whichever is first: ``Surrogate-Control``
(Varnish, Fastly) and ``CDN-Cache-Control`` (Cloudflare and other CDNs) say for how
long, and only they do. Browsers and any proxy on the way get ``max-age=0``, so they
ask again each time (an ETag makes it a 304), and no copy outside our control outlives
a withdrawal.

The lifetimes go out only while a purge backend is configured (``FRONTEND_CACHE``): a
cache in front that nobody purges is told nothing it may keep, so a CDN switched on
without its purge settings holds no page past a withdrawal. The keys go out regardless:
they let a cache keep nothing longer.
"""

import math
import time

from django.conf import settings

from .frontends import backends

# Headers a 304 repeats from the page it stands for.
VALIDATED = {"etag", "vary", "xkey", "surrogate-key", "cache-tag", "content-location"}
# Kept by a cache in front at most this long without a purge: a purge it missed (it was
# down) is mended by then.
MOST_SECONDS = 24 * 3600
# After the lifetime, how long a cache in front may serve the copy while it fetches a
# fresh one. None past an Unpublish at.
GRACE_SECONDS = 60


def tag(response, names):
    """Put the page's surrogate keys in the headers the caches in front read."""
    if not getattr(settings, "SURROGATE_KEY_HEADERS", True):
        return
    spaced = " ".join(names)
    response.headers["xkey"] = spaced
    response.headers["Surrogate-Key"] = spaced
    response.headers["Cache-Tag"] = ",".join(names)


def lifetime(response, generation, ends_by=math.inf):
    """How long the caches in front may keep the page, told only where they are purged:
    until the generation ends (the next scheduled change) or MOST_SECONDS; grace only
    where no Unpublish at falls inside it."""
    response.headers["Cache-Control"] = "public, max-age=0"
    if not backends():
        return response
    now = time.time()
    until = min(generation.valid_until, ends_by, now + MOST_SECONDS)
    seconds = max(0, int(until - now))
    grace = GRACE_SECONDS if min(generation.ends_by, ends_by) > until + GRACE_SECONDS else 0
    response.headers["Surrogate-Control"] = (
        f"max-age={seconds}, stale-while-revalidate={grace}" if grace else f"max-age={seconds}"
    )
    response.headers["CDN-Cache-Control"] = f"max-age={seconds}"
    return response
