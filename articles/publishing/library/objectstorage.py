"""The media storage on an S3-compatible bucket (see config/media.py for when it is used).

Each object is written with the headers Django's own media view would send: a type taken
from its name, never from what the uploader's browser claimed, and, for a library
rendition whose name carries a hash of its bytes, a year's caching marked immutable.
A CDN in front passes both on. Everything else may be written again under its name
and gets no caching header of its own.
"""

import mimetypes

from storages.backends.s3 import S3Storage

from .media import IMMUTABLE, is_hashed

UNKNOWN_TYPE = "application/octet-stream"


class MediaStorage(S3Storage):
    def get_object_parameters(self, name):
        parameters = super().get_object_parameters(name)
        # The name as written here, without the storage's own location prefix.
        relative = name.removeprefix(f"{self.location}/") if self.location else name
        parameters.setdefault("ContentType", mimetypes.guess_type(relative)[0] or UNKNOWN_TYPE)
        if is_hashed(relative):
            parameters.setdefault("CacheControl", IMMUTABLE)
        return parameters

    def get_available_name(self, name, max_length=None):
        # A rendition's name is its bytes' hash: an object already there is the same file,
        # and the caller has just looked, so there is no need to ask the bucket again.
        if is_hashed(name):
            return name
        return super().get_available_name(name, max_length=max_length)
