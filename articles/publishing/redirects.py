"""Old addresses keep working: a page that moves leaves a 301 behind (django.contrib.redirects).

Chains collapse as they form, so A→B then B→C sends A straight to C, and moving back to
an old address removes the redirect away from it, so no loop can form.
"""

from django.conf import settings
from django.contrib.redirects.middleware import RedirectFallbackMiddleware
from django.contrib.redirects.models import Redirect
from django.db import transaction


def moved(old_path, new_path):
    """Record that what was at ``old_path`` is now at ``new_path``."""
    # A fragment (an FAQ entry's #anchor) never reaches the server: nothing to redirect.
    if old_path == new_path or "#" in old_path or "#" in new_path:
        return
    redirects = Redirect.objects.filter(site_id=settings.SITE_ID)
    with transaction.atomic():
        redirects.filter(old_path=new_path).delete()  # the address is in use again
        redirects.filter(new_path=old_path).update(new_path=new_path)
        redirects.update_or_create(
            site_id=settings.SITE_ID, old_path=old_path, defaults={"new_path": new_path}
        )


def gone(path, to=""):
    """What was at ``path`` is gone: 410, or 301 to ``to``. Redirects to it are left as
    they are (a 301 to a 410), so restoring the page brings every old address back."""
    if not path or "#" in path:
        return  # no address of its own (a part, or a question shown on a list)
    Redirect.objects.update_or_create(
        site_id=settings.SITE_ID, old_path=path, defaults={"new_path": to}
    )


def back(path):
    """The page at ``path`` is back: its address is its own again."""
    if not path or "#" in path:
        return
    Redirect.objects.filter(site_id=settings.SITE_ID, old_path=path).delete()


class RedirectsMiddleware(RedirectFallbackMiddleware):
    """Django's redirects, answering 410 Gone with the site's own page."""

    def response_gone_class(self):
        from articles.errors import gone

        return gone()
