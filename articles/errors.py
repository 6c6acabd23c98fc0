"""Error pages that need nothing but templates: no database, no session, no user."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

from . import context_processors

logger = logging.getLogger(__name__)

# Lost or refused connections; a bad query is a bug and stays a 500.
OUTAGE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
# If even the template fails (a missing static manifest, say), this still goes out.
LAST_RESORT = (
    '<!doctype html><html lang="en-GB"><meta charset="utf-8"><title>{title}</title>'
    "<h1>{title}</h1><p>Please try again in a minute.</p></html>"
)


def _page(template, title, status):
    # Rendered without the request, so no context processor can reach the database.
    context = {
        "site_name": settings.SITE_NAME,
        "links": context_processors.links(),
        "meta": {"title": title, "noindex": True},
    }
    try:
        html = loader.render_to_string(template, context)
    except Exception:
        logger.exception("The %s page could not be rendered", status)
        html = LAST_RESORT.format(title=title)
    return HttpResponse(html, status=status)


def server_error(request):
    """handler500: a 503 with Retry-After when the database is out, else the 500 page."""
    if isinstance(sys.exc_info()[1], OUTAGE):
        response = _page("503.html", "Temporarily unavailable", 503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _page("500.html", "Something went wrong", 500)


def gone(request=None):
    """410 Gone, in the site's layout: a page taken away on purpose (see trash.py).

    A 410 is cacheable by default; this one may end (the page can be restored from the
    trash), so browsers and caches ask again each time."""
    response = _page("410.html", "Page removed", 410)
    response["Cache-Control"] = "no-cache"
    return response


def page_not_found(request, exception=None):
    """handler404: the site's layout and navigation, noindex, no database needed."""
    return _page("404.html", "Page not found", 404)
