"""Serve anonymous GETs of readers' pages from the cache.

Each page has one copy in the shared cache and one in this process's memory, under its
canonical address (its path, and the page number of a paginated list), holding the
generation it was made under and the version of each surrogate key it carries (see
keys.py). A copy is current while both still hold, and is then served as it is; a
page whose copy is not is made by one worker at a time (flight.py). An older copy is
served only while the page is being made elsewhere or the database is down, only if no
withdrawal was counted after it was made, and never past the next Unpublish at known
when it was made. So the cache holds at most one copy of each page there is (times two
for compressed and plain), however many changes pass or query strings are made up.
"""

import logging
import time
from dataclasses import replace
from urllib.parse import parse_qsl, urlencode

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.http import http_date, parse_http_date_safe

from . import flight, headers, keys, versions
from .generation import (
    _request,
    _shared,
    current,
    knows_lately,
    latest_withdrawals,
    next_withdrawal,
)
from .store import Copy, local

logger = logging.getLogger(__name__)

# A copy stays in the shared cache this long after it was last stored: long enough to
# carry readers through an outage. Newer generations replace it in place.
COPY_TIMEOUT = 7 * 24 * 3600
# Paths never cached: staff pages, uploads, search (any query is a new page), and shared
# previews (each opening is counted, and what they show is not for readers).
SKIP_PREFIXES = ("/admin/", "/markdownx/", "/media/", "/static/", "/search/", "/share/")
# A request carrying one of these may see something personal: never cached.
PRIVATE_COOKIES = ("sessionid", "messages", "csrftoken")
# Response headers not stored: the servers above set them on each response.
NOT_STORED = {"content-security-policy", "permissions-policy", "x-frame-options", "x-cache"}
# Page numbers past this are no page of ours.
MAX_PAGE = 999_999
# The sitemap's sections number their pages with ?p=.
SITEMAP_SECTION = "django.contrib.sitemaps.views.sitemap"

NOT_A_PAGE = object()
# A surrogate key no page is tagged with: a copy naming it is never current.
OUTDATED = "outdated"


def _view(path):
    try:
        return resolve(path)
    except Resolver404:
        return None


def page_parameter(path, match=NOT_A_PAGE):
    """The query parameter that numbers this path's pages ("page", "p"), or None for a
    page that has only one. Views that paginate say so with ``page_kwarg``."""
    match = _view(path) if match is NOT_A_PAGE else match
    if match is None:
        return None
    if match.url_name == SITEMAP_SECTION:
        return "p"
    view = getattr(match.func, "view_class", None)
    if view is not None and getattr(view, "paginates", False):
        return view.page_kwarg
    return None


def address(request):
    """The page's canonical address: its path, with ``?page=N`` on a paginated page past
    the first, or with the query parameters a view names in ``address_parameters`` (the
    content API's filters and cursor), sorted. Other query parameters change nothing a
    page shows, so they are not part of it. NOT_A_PAGE for a page number that cannot
    exist."""
    path = request.path
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return path
    match = _view(request.path_info)
    named = getattr(match.func, "address_parameters", ()) if match is not None else ()
    if named:
        # The last value of each, as the view reads it.
        values = {name: value for name, value in parse_qsl(query, True) if name in named}
        return f"{path}?{urlencode(sorted(values.items()))}" if values else path
    parameter = page_parameter(request.path_info, match)
    if parameter is None:
        return path
    given = [value for name, value in parse_qsl(query, keep_blank_values=True) if name == parameter]
    if not given:
        return path
    # The last, as the view reads it; digits only, as a number (so 02 is 2).
    value = given[-1]
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_PAGE:
        return NOT_A_PAGE
    number = int(value)
    return path if number == 1 else f"{path}?{parameter}={number}"


def _cacheable(request):
    return (
        request.method == "GET"
        and not request.path.startswith(SKIP_PREFIXES)
        and not any(name in request.COOKIES for name in PRIVATE_COOKIES)
    )


def storable(response):
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
    )


def _not_modified(request, copy):
    etag = dict(copy.headers).get("ETag")
    matches = request.META.get("HTTP_IF_NONE_MATCH")
    if matches is not None:
        return etag is not None and etag in (tag.strip() for tag in matches.split(","))
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and since >= copy.made_at


def _respond(copy, state, generation=None):
    response = HttpResponse(copy.content, status=copy.status)
    for name, value in copy.headers:
        response.headers[name] = value
    return _stamp(response, copy, state, generation)


def _stamp(response, copy, state, generation):
    """Validators, how long the caches in front may keep the page, and whether this one
    served it."""
    response.headers["Last-Modified"] = http_date(copy.made_at)
    response.headers["X-Cache"] = state
    if generation is not None:
        headers.lifetime(response, generation, copy.ends_by)
    return response


def _not_modified_response(copy, generation):
    response = HttpResponseNotModified()
    for name, value in copy.headers:
        if name.lower() in headers.VALIDATED:
            response.headers[name] = value
    return _stamp(response, copy, "HIT", generation)


def _outage_copy(copies, generation):
    """The newest copy that no withdrawal has outdated, or None.

    Withdrawals are counted in the shared record and in the database; this process
    trusts what it knows only while it could read one of them lately, so a server cut
    off from both serves no copy at all rather than one a withdrawal may have outdated.
    """
    if generation is None and not knows_lately():
        return None
    fit = flight.standing(copies, generation)
    return max(fit, key=lambda copy: copy.withdrawals, default=None)


def _fresh(copy, generation):
    return (
        copy is not None
        and copy.token == generation.token
        and time.time() < copy.ends_by
        and versions.current(copy.versions)
    )


class PageCacheMiddleware:
    """See the module's docstring. It sits above GZip, so a cached page is stored
    compressed and never compressed again, and below the security middleware, so every
    response still gets its headers; above sessions and authentication, so a hit does
    none of their work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        held = _request.set([])
        read = versions.reading()
        _shared.ok = True  # what this request changes, it reports (see reached_every_server)
        try:
            return self._serve(request)
        finally:
            versions.stop_reading(read)
            _request.reset(held)

    def _serve(self, request):
        if not _cacheable(request):
            return self.get_response(request)
        page = address(request)
        if page is NOT_A_PAGE:
            from articles.errors import page_not_found

            return page_not_found(request)
        variant = "gz" if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "") else "id"
        key = f"page:{variant}:{page}"
        mine = local.get(key)
        # The versions of this process's copy's keys come in the generation's round trip.
        generation = current(also=[name for name, _ in mine.versions] if mine else ())
        if generation is None:
            # The shared cache is down: render, and keep this process's copy for an outage.
            return self._render(request, key, None, [mine])
        if _fresh(mine, generation):
            return self._hit(request, mine, generation)
        shared = Copy.load(cache.get(key))
        if _fresh(shared, generation):
            local.put(key, shared)
            return self._hit(request, shared, generation)
        return self._miss(request, key, generation, [mine, shared])

    def _hit(self, request, copy, generation, state="HIT"):
        if _not_modified(request, copy):
            return _not_modified_response(copy, generation)
        return _respond(copy, state, generation)

    def _miss(self, request, key, generation, copies):
        """One render of a page across every worker and server: the others serve the
        copy they have, unless a withdrawal since outdates it, or wait for the new one."""
        lock = f"render:{key}"
        if cache.add(lock, 1, flight.LOCK_SECONDS):
            try:
                return self._render(request, key, generation, copies)
            finally:
                cache.delete(lock)
        stale = flight.stale_copy(copies, generation)
        if stale is not None:
            return self._hit(request, stale, generation, "STALE")
        made = flight.wait_for(key, lock, lambda copy: _fresh(copy, generation))
        if made is not None:
            local.put(key, made)
            return self._hit(request, made, generation)
        return self._render(request, key, generation, copies)

    def _render(self, request, key, generation, copies):
        # What the page is made from is at least this fresh: read before it is made.
        withdrawals = latest_withdrawals(generation)
        start = versions.counter() if generation is not None else None
        collecting = keys.collecting()
        try:
            response = self.get_response(request)
            names = keys.collected()
        finally:
            keys.stop(collecting)
        if response.status_code == 503:
            # The database is down: the last copy of the page beats an apology, unless a
            # withdrawal since it was made says it may no longer be shown.
            copy = _outage_copy(copies, generation)
            if copy is None:
                return response
            logger.warning("Serving an old copy of %s while the site is unavailable", key)
            return _respond(copy, "STALE")
        response.headers["X-Cache"] = "MISS"
        if not storable(response):
            return response
        headers.tag(response, names)
        # "all" is purged by a new generation, which the copy's token answers for.
        versioned = [name for name in names if name != keys.ALL]
        found = versions.read(versioned, start) if start is not None else None
        copy = Copy(
            generation.token if generation else "",
            withdrawals,
            response.status_code,
            tuple((k, v) for k, v in response.headers.items() if k.lower() not in NOT_STORED),
            response.content,
            generation.ends_by if generation else next_withdrawal(),
            tuple(sorted(found.items())) if found else (),
            int(time.time()),
        )
        if found is not None and all(version <= start for version in found.values()):
            local.put(key, copy)
            cache.set(key, copy.dump(), COPY_TIMEOUT)
            return _stamp(response, copy, "MISS", generation)
        # Made while the shared cache was down, or purged while it was being made: served
        # this once, and kept here only as an outage copy, never as current.
        local.put(key, replace(copy, versions=((OUTDATED, 0),)))
        response.headers["Last-Modified"] = http_date(copy.made_at)
        return response
