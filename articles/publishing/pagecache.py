"""Readers' pages, rendered once per change of content and shared by every server.

One small record in the shared cache, the *generation*, names the current state of the
published site. Every event that changes what readers see (a publication, an
unpublication, an author, topic or redirect edit, a deletion) starts a new generation,
and a page cached under an older one is never served as current. So invalidation is
exact without knowing which pages an event touched.

Each process keeps the pages it served in memory and asks the shared cache only for the
generation (a few bytes), so a hit costs one small read, no unpickling of a page and no
database. A conditional request whose ETag or date matches the generation answers 304
before anything else runs. The record also says when the next scheduled item goes
live, and a new generation starts then, so scheduled pages appear on time with no cron.

While the database is down, a page that cannot be rendered is served from the last copy
held, however old, rather than the 503 page.
"""

import contextvars
import logging
import re
import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
# A page is kept at most this long in the shared cache, whatever happens.
TIMEOUT = 24 * 3600
# The last copy of each page, for an outage, is kept longer.
LAST_COPY_TIMEOUT = 7 * 24 * 3600
# What a process keeps in memory: the latest copy of each page it served, bounded.
LOCAL_ENTRIES = 2000
LOCAL_BYTES = 64 * 1024 * 1024
# Paths never cached: staff pages, uploads, and search (any query is a new page).
SKIP_PREFIXES = ("/admin/", "/markdownx/", "/media/", "/static/", "/search/")
# Only the plain page and its numbered pages (?page= for lists, ?p= for sitemaps); any
# other query string is not cached, so made-up parameters cannot fill the cache.
CACHED_QUERY = re.compile(r"((page|p)=\d{1,6})?")
# A request carrying one of these may see something personal: never cached.
PRIVATE_COOKIES = ("sessionid", "messages", "csrftoken")
# Response headers not stored: the servers above set them on each response.
NOT_STORED = {"content-security-policy", "permissions-policy", "x-frame-options"}


# --- The generation ------------------------------------------------------------------------


def _new_generation():
    """(token, last modified, valid until): valid until the next scheduled publication."""
    now = time.time()
    return (f"{time.time_ns():x}", int(now), _next_scheduled(now))


def _next_scheduled(now):
    from django.apps import apps

    from .models import Publishable

    upcoming = []
    for model in apps.get_models():
        if issubclass(model, Publishable):
            when = (
                model._default_manager.filter(live=True, published_at__gt=_aware(now))
                .order_by("published_at")
                .values_list("published_at", flat=True)
                .first()
            )
            if when:
                upcoming.append(when.timestamp())
    return min(upcoming, default=now + TIMEOUT)


def _aware(timestamp):
    import datetime

    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)


# The generation as read for the request being served: the middleware and each memo()
# of one page share one read of the shared cache.
_request = contextvars.ContextVar("pages_generation")


def current():
    """The live generation, starting a new one when a scheduled item has gone live.

    None when it cannot be known (the cache is down): pages are then served uncached.
    """
    held = _request.get(None)
    if held:
        return held[0]
    record = _read()
    if held is not None:
        held.append(record)
    return record


def _read():
    record = cache.get(GENERATION_KEY)
    if record is not None and time.time() < record[2]:
        return record
    try:
        fresh = _new_generation()
    except DatabaseError:
        # The database is down: keep the old generation rather than cache nothing.
        return record
    if record is None:
        # Another server may start it first; then everyone uses that one.
        if not cache.add(GENERATION_KEY, fresh, None):
            return cache.get(GENERATION_KEY)
    else:
        cache.set(GENERATION_KEY, fresh, None)
    return cache.get(GENERATION_KEY)


def changed():
    """What readers see has changed: every page renders afresh on its next request.

    Now, and again once the transaction commits, so that no server caches the old
    content as new in between.
    """
    _restart()
    transaction.on_commit(_restart)


def memo(name, compute):
    """compute(), made once per generation and shared by every server: for aggregates
    (counts, indexes of topics) that would otherwise read every article on each render.

    Each process also keeps what it read for the generation, so a value is fetched and
    unpickled once per process, not on every render; callers must not change it.
    """
    global _memos
    generation = current()
    if generation is None:
        return compute()
    token = generation[0]
    held = _memos
    if held[0] != token or len(held[1]) > LOCAL_ENTRIES:
        held = _memos = (token, {})
    if name in held[1]:
        return held[1][name]
    key = f"memo:{token}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    held[1][name] = value
    return value


# (generation token, {name: value}): this process's memo values, for one generation.
_memos = (None, {})


def watch(*models):
    """Start a new generation whenever one of ``models`` is saved or deleted.

    A draft of a publishable item changes nothing readers see; the workflow calls
    changed() itself when it publishes or unpublishes, which writes no signal.
    """
    for model in models:
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"pages-{model}-save")
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"pages-{model}-del")


def _saved_or_deleted(sender, instance, **kwargs):
    from .models import Publishable

    if isinstance(instance, Publishable) and not instance.live:
        return
    changed()


def _restart():
    if held := _request.get(None):
        held.clear()
    try:
        cache.set(GENERATION_KEY, _new_generation(), None)
    except DatabaseError:
        cache.delete(GENERATION_KEY)


# --- This process's copies -----------------------------------------------------------------


class _Store:
    """Least recently used pages, bounded in count and in bytes; shared by threads."""

    def __init__(self):
        self.entries = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old[3])
            self.entries[key] = entry
            self.size += len(entry[3])
            while len(self.entries) > LOCAL_ENTRIES or self.size > LOCAL_BYTES:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped[3])

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0


local = _Store()


# --- The middleware ------------------------------------------------------------------------


def _cacheable(request):
    return (
        request.method == "GET"
        and not request.path.startswith(SKIP_PREFIXES)
        and CACHED_QUERY.fullmatch(request.META.get("QUERY_STRING", ""))
        and not any(name in request.COOKIES for name in PRIVATE_COOKIES)
    )


def _storable(response):
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
    )


def _not_modified(request, etag, last_modified):
    matches = request.META.get("HTTP_IF_NONE_MATCH")
    if matches is not None:
        return etag in (tag.strip() for tag in matches.split(","))
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and since >= last_modified


def _stamp(response, etag, last_modified):
    """The generation's validators, which conditional requests are answered from."""
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    return response


def _respond(entry, etag, last_modified):
    status, headers, content = entry[1], entry[2], entry[3]
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    return _stamp(response, etag, last_modified)


class PageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache; see the module's docstring.

    Sits above GZip, so a cached page is stored compressed and never compressed again,
    and below the security middleware, so every response still gets its headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        held = _request.set([])
        try:
            return self._serve(request)
        finally:
            _request.reset(held)

    def _serve(self, request):
        if not _cacheable(request):
            return self.get_response(request)
        generation = current()
        if generation is None:
            return self.get_response(request)
        token, last_modified, valid_until = generation
        variant = "gz" if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "") else "id"
        etag = f'W/"{token}-{variant}"'
        if _not_modified(request, etag, last_modified):
            return _stamp(HttpResponseNotModified(), etag, last_modified)

        page = f"{variant}:{request.get_full_path()}"
        key = f"pages:{token}:{page}"
        entry = local.get(page)
        if entry is None or entry[0] != token:
            shared = cache.get(key)
            if shared is not None:
                entry = (token, *shared)
                local.put(page, entry)
        if entry is not None and entry[0] == token:
            return _respond(entry, etag, last_modified)

        response = self.get_response(request)
        if response.status_code == 503:
            # The database is down: the last copy of the page beats an apology.
            if entry is None and (last := cache.get(f"pages:last:{page}")) is not None:
                entry = (None, *last)
            if entry is not None:
                logger.warning("Serving an old copy of %s while the site is unavailable", page)
                return _respond(entry, etag, last_modified)
            return response
        if _storable(response):
            stored = (
                response.status_code,
                [(k, v) for k, v in response.headers.items() if k.lower() not in NOT_STORED],
                response.content,
            )
            # Never past the next scheduled publication, when a new generation starts.
            cache.set(key, stored, max(1, min(TIMEOUT, int(valid_until - time.time()))))
            cache.set(f"pages:last:{page}", stored, LAST_COPY_TIMEOUT)
            local.put(page, (token, *stored))
            _stamp(response, etag, last_modified)
        return response
