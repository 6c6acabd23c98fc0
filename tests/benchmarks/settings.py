"""The production settings, with one mark on each page the site renders, and the
Varnish to purge when one is in front (BENCH_VARNISH_URL).

Every response that reaches the page cache from below it (a render) gets a new
X-Bench-Render id; a copy served from a cache repeats the id of the render it was made
from. A client that counts the ids it has not seen before counts renders, whichever
cache answered the rest, without asking the cache.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

_cache = [n for n, name in enumerate(MIDDLEWARE) if "pagecache" in name]
if not _cache:
    raise ImproperlyConfigured("The benchmark marks renders below the page cache: none found.")
MIDDLEWARE = [
    *MIDDLEWARE[: _cache[0] + 1],
    "tests.benchmarks.marks.RenderMark",
    *MIDDLEWARE[_cache[0] + 1 :],
]

if os.environ.get("BENCH_VARNISH_URL"):
    FRONTEND_CACHE = {
        "varnish": {
            "BACKEND": "articles.publishing.pagecache.frontends.varnish.VarnishBackend",
            "LOCATION": os.environ["BENCH_VARNISH_URL"],
        }
    }
