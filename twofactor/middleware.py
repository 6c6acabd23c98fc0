"""The second step of signing in, enforced on every staff page.

Django's login checks the password; this sends a signed-in person who has not yet given
a second factor in this session to the code page (when they have a device) or to enrol
(when their role requires one and they have none), before any admin page or staff-only
view. Checking here rather than in the admin site's has_permission() also covers the
staff views outside it (the editor's preview and upload) and the account page.
"""

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import get_script_prefix, get_urlconf, reverse

from . import policy

# The staff side of the site; the readers' pages need no sign-in at all.
GUARDED = ("admin:index", "markdownx_markdownify", "markdownx_upload")


@functools.lru_cache(maxsize=16)
def _prefixes(urlconf, script_prefix):
    """Where the guarded views live: reversed once per URLconf and prefix, not on each
    of the readers' requests this middleware lets through."""
    return tuple(reverse(name, urlconf=urlconf) for name in GUARDED)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The path first: a readers' page never reads the session or the user here.
        # is_verified() before the rest: a verified session costs no query.
        if not self.guarded(request.path):
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and not user.is_verified():
            step = self.next_step(request, user)
            if step and request.path != reverse(step) and not self.open_to_all(request.path):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(step)}?{query}")
        return self.get_response(request)

    @staticmethod
    def next_step(request, user):
        enrolled, required = policy.standing(user)
        if enrolled:
            return "twofactor:verify"
        if required:
            return "twofactor:enrol"
        return None

    @staticmethod
    def guarded(path):
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        return path.startswith(_prefixes(urlconf, get_script_prefix()))

    @staticmethod
    def open_to_all(path):
        # Signing out, or in as someone else, is never held up by the second step.
        return path in (reverse("admin:logout"), reverse("admin:login"))
