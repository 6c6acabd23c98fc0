"""Old addresses keep working: a page that moves leaves a 301 behind (django.contrib.redirects).

Chains collapse as they form, so A→B then B→C sends A straight to C, and moving back to
an old address removes the redirect away from it, so no loop can form.
"""

from django.conf import settings
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
