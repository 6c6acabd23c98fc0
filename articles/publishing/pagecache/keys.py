"""Surrogate keys: what each cached page shows, so a change purges only those pages.

A page carries the key of every published item it shows or links (``article-12``,
``faqentry-7``), and the key of every list it is a page of (``topic-3`` for the lists of
topic 3, ``author-4``, ``articles`` for the lists of all articles, ``faq``). Publishing
or withdrawing an item purges its own key and the keys of the lists it joins or leaves;
a live edit purges its own key only, as the lists that show it carry that key. Every
page also carries ``all``, which a change to something every page may show (a topic's
name, the site's) purges through a new generation.

An item whose links show only part of it (an article: a card with its title, date and
description) also has a ``whole`` key (``article-12.whole``), carried by the pages that
show the rest: its own page, its Markdown, the API. A live edit that leaves the card as
it was purges only that key, so a correction in an article's body re-renders its own
pages, not every page of its topic whose related box links it.

Keys are collected while the page renders: every published item's get_absolute_url()
tags the page with the item's key, so a link anywhere (a card, the related box, a
breadcrumb) is enough. The views add the list keys.
"""

import contextvars

# Each page carries this one, so a cache in front can drop everything at once.
ALL = "all"
ARTICLES = "articles"
FAQ = "faq"
# A page that shows more items than this (the sitemap, the feed) carries the lists'
# keys instead of one key an item: headers stay small (Fastly and Cloudflare cap them
# at 16 KB), and such a page is purged by any change, as a list of everything is.
MOST_ITEM_KEYS = 60
# Purged by every change to a published item: the pages that list too many to name.
ANY = "content"

_collected = contextvars.ContextVar("pagecache_keys", default=None)


class _Page:
    def __init__(self):
        self.items = set()
        # The lists this page is a page of; None until the view says, and then every
        # list, which is never wrong, only less exact.
        self.lists = None


def collecting():
    """Start collecting the keys of the page being made; returns the token to reset."""
    return _collected.set(_Page())


def stop(token):
    _collected.reset(token)


def tag(*names):
    """The page being made shows what these keys name."""
    page = _collected.get()
    if page is not None:
        page.items.update(names)


def lists(*names):
    """The page being made is a page of these lists (none for an item's own page)."""
    page = _collected.get()
    if page is not None:
        page.lists = set(names)


def collected():
    """The page's keys, in a stable order: few enough for a header."""
    page = _collected.get() or _Page()
    names = set(page.items)
    if len(names) > MOST_ITEM_KEYS:
        names = {ANY}
    names |= {ARTICLES, FAQ} if page.lists is None else page.lists
    return tuple(sorted(names | {ALL}))


def item(obj):
    """The key of one item: model name and primary key."""
    return f"{obj._meta.model_name}-{obj.pk}"


def whole(obj):
    """The key of the pages that show more of an item than its card (see card())."""
    return f"{item(obj)}.whole"


def card(obj):
    """What a page that links ``obj`` shows of it, as a value to compare; None for an
    item whose every appearance shows all of it (a question shows its answer)."""
    shown = getattr(obj, "card", None)
    return shown() if shown is not None else None


def lists_of(obj):
    """The keys of the lists a published item appears in."""
    names = set()
    for field in getattr(type(obj), "listed_by", ()):
        value = getattr(obj, f"{field}_id", None)
        if value is not None:
            model = type(obj)._meta.get_field(field).related_model
            names.add(f"{model._meta.model_name}-{value}")
    names.add(getattr(type(obj), "list_key", ARTICLES))
    return names


def of_change(obj, before=None, joined_or_left=False, card_before=None):
    """What a change to ``obj`` purges: its whole key, its own key unless a live edit
    left its card as ``card_before`` was, every page that lists too many to name it, and
    the lists it joined or left (all of them when it went up or came down; those whose
    topic or author changed on a live edit, from ``before``)."""
    keys = {whole(obj), ANY}
    if joined_or_left or card_before is None or card_before != card(obj):
        keys.add(item(obj))
    now = lists_of(obj)
    if joined_or_left:
        keys |= now | (before or set())
    elif before is not None:
        keys |= now ^ before
    return keys
