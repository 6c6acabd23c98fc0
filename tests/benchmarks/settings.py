"""The production settings, with one mark on each page the site renders.

Every response that reaches the page cache from below it (a render) gets a new
X-Bench-Render id; a copy served from a cache repeats the id of the render it was made
from. A client that counts the ids it has not seen before counts renders, whichever
cache answered the rest, without asking the cache.
"""

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
