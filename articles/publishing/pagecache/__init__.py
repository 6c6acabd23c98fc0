"""Readers' pages, rendered once per change of content and shared by every server.

- generation.py: which state of the site a copy belongs to, how a change starts a new
  one, and the database's count of changes and withdrawals behind it.
- middleware.py: serving copies, conditional requests, and outage copies.
- store.py: this process’s bounded copies. memos.py: values made once per generation.
"""

from django.db.models.signals import post_delete, post_save

from .generation import (
    CHECK_SECONDS,
    GENERATION_KEY,
    Generation,
    changed,
    current,
    known,
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
    """Start a new generation whenever one of ``models`` is saved or deleted.

    A draft of a publishable item changes nothing readers see; the workflow calls
    changed() itself when it publishes or unpublishes, which writes no signal.
    """
    for model in models:
        post_save.connect(_saved, sender=model, dispatch_uid=f"pages-{model}-save")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"pages-{model}-del")


def _saved(sender, instance, **kwargs):
    from ..models import Publishable

    if isinstance(instance, Publishable) and not instance.live:
        return
    changed()


def _deleted(sender, instance, **kwargs):
    from ..models import Publishable

    if isinstance(instance, Publishable) and not instance.live:
        return
    # A page, or what a page showed (an author, a topic), is gone: nothing made before
    # may be shown again.
    changed(withdrawal=True)


def forget():
    """No copy in this process is current, and nothing read before is known (tests)."""
    from . import memos

    local.clear()
    known.forget()
    memos.forget()
