"""Media files as Django serves them in development (and wherever SERVE_MEDIA is on).

A library rendition's name carries a hash of its bytes: it never changes under its
name, so browsers and caches may keep it for a year without asking again. Everything
else in the media storage may be replaced under the same name and is served as usual.
See the README for the same rule on object storage and a CDN.
"""

import re

from django.conf import settings
from django.views.static import serve

from .renditions import HASH_LENGTH, PREFIX

IMMUTABLE = "public, max-age=31536000, immutable"
_HASHED = re.compile(
    rf"{re.escape(PREFIX)}[^/]+\.[0-9a-f]{{{HASH_LENGTH}}}\.(?:jpg|png|webp|avif)", re.ASCII
)


def is_hashed(path):
    return _HASHED.fullmatch(path) is not None


def serve_media(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.status_code == 200 and is_hashed(path):
        response["Cache-Control"] = IMMUTABLE
    return response
