"""Renditions of a library image, made once from the stored file when it is saved.

A width ladder fitting the page's slots, each in WebP (and AVIF where this Pillow writes
it) beside the original's format;
share crops (16:9, 4:3, 1:1) and a list thumbnail (4:3), each centred on the focal
point. Each file's name carries a hash of its bytes, so it may be cached forever: a
changed focal point makes new crops under new names.
"""

import hashlib
import io
import logging
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError, features

from .. import images

logger = logging.getLogger(__name__)

# The body and hero column is 42rem (672 px) at most: 1x and 2x of it and of phones.
WIDTHS = (320, 480, 640, 960, 1280, 1600)
SHARE_WIDTH = 1200
SHARE_RATIOS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
# A list card's thumbnail is 7.5rem (120 px) wide: twice that for sharp screens.
THUMB_SIZE = (240, 180)
HASH_LENGTH = 12
# Under this prefix every name carries its content's hash (see config/urls.py).
PREFIX = "renditions/library/"
# AVIF where Pillow can write it: a third smaller than WebP for the same look (10.7 KB
# against 15.6 KB at 960 px), for about a second more per upload at speed 7 of 10.
AVIF = features.check("avif")
EXTENSIONS = {**images.FORMATS, "AVIF": "avif"}
OPTIONS = {"JPEG": {"quality": 82}, "WEBP": {"quality": 82}, "AVIF": {"quality": 55, "speed": 7}}


def hashed_name(source_name, label, extension, data):
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    stem = PurePosixPath(source_name).stem[:40]
    return f"{PREFIX}{stem}-{label}.{digest}.{extension}"


def _store(image, source_name, label, image_format):
    buffer = io.BytesIO()
    image.save(buffer, image_format, **OPTIONS.get(image_format, {"optimize": True}))
    data = buffer.getvalue()
    name = hashed_name(source_name, label, EXTENSIONS[image_format], data)
    if not default_storage.exists(name):  # the same bytes are never stored twice
        name = default_storage.save(name, ContentFile(data))
    return {"url": default_storage.url(name), "bytes": len(data)}


def focal_box(size, ratio, focal):
    """The largest box of ``ratio`` within ``size``, centred on ``focal`` (0–1 each way)
    as nearly as the edges allow."""
    width, height = size
    across, down = ratio
    box_w = min(width, round(height * across / down))
    box_h = min(height, round(box_w * down / across))
    left = min(max(round(focal[0] * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal[1] * height - box_h / 2), 0), height - box_h)
    return (left, top, left + box_w, top + box_h)


def _crop(image, ratio, width, focal):
    box = focal_box(image.size, ratio, focal)
    box_w = box[2] - box[0]
    width = min(width, box_w)
    height = round(width * ratio[1] / ratio[0])
    return image.resize((width, height), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)


def _open(field_file):
    """The stored file, decoded at no more than twice the widest rendition, or None."""
    try:
        with (
            field_file.storage.open(field_file.name, "rb") as handle,
            Image.open(handle) as original,
        ):
            if original.width * original.height > images.MAX_PIXELS:
                logger.warning("%s has too many pixels for renditions", field_file.name)
                return None, None
            original.draft("RGB", (2 * WIDTHS[-1], 2 * WIDTHS[-1]))
            original.load()
            image = ImageOps.exif_transpose(original)
            if image.width > 2 * WIDTHS[-1]:
                image = image.reduce(image.width // (2 * WIDTHS[-1]))
            source_format = original.format if original.format in images.FORMATS else "JPEG"
    except (OSError, UnidentifiedImageError, ValueError):
        logger.warning("Could not read %s to make renditions", field_file.name)
        return None, None
    if source_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return image, source_format


def make(field_file, focal=(0.5, 0.5)):
    """{"widths": [{"width", "height", "src", "webp", "avif", "bytes"…}], "share": {ratio: url},
    "thumb": {"width", "height", "src", "webp"}} for the stored file, or {}.

    Read from storage by name, never through the field's file object: that may be the
    request's upload, and on object storage it is the stored copy that counts.
    """
    if not field_file:
        return {}
    image, source_format = _open(field_file)
    if image is None:
        return {}
    name = field_file.name
    widths = []
    for width in sorted({w for w in WIDTHS if w < image.width} | {min(image.width, WIDTHS[-1])}):
        height = round(image.height * width / image.width)
        resized = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        src = _store(resized, name, f"{width}w", source_format)
        webp = _store(resized, name, f"{width}w", "WEBP")
        made = {
            "width": width,
            "height": height,
            "src": src["url"],
            "webp": webp["url"],
            "src_bytes": src["bytes"],
            "webp_bytes": webp["bytes"],
        }
        if AVIF:
            avif = _store(resized, name, f"{width}w", "AVIF")
            made |= {"avif": avif["url"], "avif_bytes": avif["bytes"]}
        widths.append(made)
    share = {}
    for label, ratio in SHARE_RATIOS.items():
        crop = _crop(image, ratio, SHARE_WIDTH, focal)
        share[label] = _store(crop, name, f"share-{label}", source_format)["url"]
    thumb_image = _crop(image, (4, 3), THUMB_SIZE[0], focal)
    thumb = {
        "width": thumb_image.width,
        "height": thumb_image.height,
        "src": _store(thumb_image, name, "thumb", source_format)["url"],
        "webp": _store(thumb_image, name, "thumb", "WEBP")["url"],
    }
    return {"widths": widths, "share": share, "thumb": thumb}
