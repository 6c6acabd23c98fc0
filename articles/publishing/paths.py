"""Paths of pages addressed by a slug, without a reverse() on each.

An article page links its topic, author, reviewer, related articles and Markdown version,
and its JSON-LD names them again: a dozen reverse() calls per render. Each URL pattern is
reversed once per process (and script prefix) instead, and the slug put in its place.
"""

from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse

# A valid slug that no real path holds, marking where the slug goes.
_MARK = "__slug__"


def slug_path(name, slug):
    """reverse(name, kwargs={"slug": slug}), for a slug as SlugField makes them."""
    if not slug:
        return reverse(name, kwargs={"slug": slug})  # refused, as reverse() refuses it
    before, after = _pattern(name, get_script_prefix())
    return f"{before}{slug}{after}"


@cache
def _pattern(name, script_prefix):
    before, _, after = reverse(name, kwargs={"slug": _MARK}).rpartition(_MARK)
    return before, after


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _pattern.cache_clear()
