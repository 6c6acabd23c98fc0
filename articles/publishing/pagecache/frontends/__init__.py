"""Caches in front of the site (Varnish, a CDN), told what to purge.

Each backend, named in ``settings.FRONTEND_CACHE`` as in ``wagtail.contrib.frontend_cache``,
purges by surrogate key: the keys every readers' page carries in its ``xkey``,
``Surrogate-Key`` and ``Cache-Tag`` headers (see ../keys.py). A purge goes out once the
change is committed; one that fails is retried by the task worker, and a hard purge (a
page came down) is never replaced by a soft one, which would let a cache serve the old
copy while it fetches the new.

- base.py: the backend interface and loading. varnish.py: xkey purges over HTTP.
- fastly.py, cloudflare.py: the CDNs' purge-by-tag APIs.
"""

from .base import backends, purge, purge_later

__all__ = ["backends", "purge", "purge_later"]
