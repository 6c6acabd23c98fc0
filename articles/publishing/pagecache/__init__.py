"""Readers' pages, rendered once per change of what they show and shared by every server
and by the caches in front (Varnish, a CDN).

- keys.py: the surrogate keys a page carries (the items it shows, the lists it is a
  page of), and what a change purges. versions.py: each key's version in the shared
  cache, which a purge moves on.
- generation.py: the state of the whole site, which a change to what every page may show
  renews, and the database's count of changes and withdrawals behind every purge.
- middleware.py: serving copies, conditional requests, and outage copies.
- flight.py: one render of a page at a time across every worker and server.
- headers.py: the keys and lifetimes the caches in front read.
- frontends/: purging the caches in front (Varnish, Fastly, Cloudflare).
- store.py: this process's bounded copies. memos.py: values made once per change.
"""

from django.db.models.signals import post_delete, post_save

from . import keys
from .generation import (
    CHECK_SECONDS,
    GENERATION_KEY,
    Generation,
    changed,
    current,
    known,
    purged,
    reached_every_server,
    restart,
)
from .memos import memo
from .middleware import PageCacheMiddleware, address, storable
from .store import local

__all__ = [
    "CHECK_SECONDS",
    "GENERATION_KEY",
    "Generation",
    "PageCacheMiddleware",
    "address",
    "changed",
    "keys",
    "purged",
    "current",
    "forget",
    "known",
    "local",
    "memo",
    "reached_every_server",
    "restart",
    "storable",
    "watch",
]


def watch(*models):
    """Start a new generation whenever one of ``models`` is saved or deleted; for a live
    publishable item, purge only the pages that show it.

    A draft of a publishable item changes nothing readers see; the workflow purges
    itself when it publishes or unpublishes, which writes no signal.
    """
    for model in models:
        post_save.connect(_saved, sender=model, dispatch_uid=f"pages-{model}-save")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"pages-{model}-del")


def _saved(sender, instance, **kwargs):
    from ..models import Publishable

    if isinstance(instance, Publishable):
        # A draft changes nothing readers see; a live item's row only its own pages.
        if instance.live:
            purged(keys.of_change(instance))
        return
    changed()


def _deleted(sender, instance, **kwargs):
    from ..models import Publishable

    if isinstance(instance, Publishable):
        if instance.live:
            purged(keys.of_change(instance, joined_or_left=True), withdrawal=True)
        return
    # What a page showed (an author, a topic) is gone: nothing made before may be shown.
    changed(withdrawal=True)


def forget():
    """No copy in this process is current, and nothing read before is known (tests)."""
    from . import memos

    local.clear()
    known.forget()
    memos.forget()
