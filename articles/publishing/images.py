"""Responsive renditions of an uploaded image, made once when it is saved.

Each width comes in WebP and in the original's format, and the share crops (16:9, 4:3,
1:1, 1,200 px wide where the original allows) serve social cards and the Article
schema. The list of what exists is stored with the item, so a page never touches disk.
"""

import hashlib
import io
import logging
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

WIDTHS = (480, 960, 1600)
SHARE_WIDTH = 1200
SHARE_RATIOS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _name(source_name, label, extension):
    digest = hashlib.sha256(source_name.encode()).hexdigest()[:12]
    stem = PurePosixPath(source_name).stem[:40]
    return f"renditions/{digest}/{stem}-{label}.{extension}"


def _store(image, name, image_format):
    if default_storage.exists(name):
        return name  # made before: renditions are never made twice
    buffer = io.BytesIO()
    options = {"quality": 82} if image_format in ("JPEG", "WEBP") else {"optimize": True}
    image.save(buffer, image_format, **options)
    return default_storage.save(name, ContentFile(buffer.getvalue()))


def make(field_file):
    """{"widths": [{"width", "height", "webp", "src"}], "share": {ratio: url-path}} or {}."""
    if not field_file:
        return {}
    try:
        with field_file.open("rb") as handle, Image.open(handle) as original:
            original.load()
            image = ImageOps.exif_transpose(original)
            source_format = original.format if original.format in FORMATS else "JPEG"
    except (OSError, UnidentifiedImageError, ValueError):
        logger.warning("Could not read %s to make renditions", field_file.name)
        return {}
    if source_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    extension = FORMATS[source_format]
    widths = []
    for width in sorted({w for w in WIDTHS if w < image.width} | {min(image.width, WIDTHS[-1])}):
        height = round(image.height * width / image.width)
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        widths.append(
            {
                "width": width,
                "height": height,
                "src": default_storage.url(
                    _store(resized, _name(field_file.name, f"{width}w", extension), source_format)
                ),
                "webp": default_storage.url(
                    _store(resized, _name(field_file.name, f"{width}w", "webp"), "WEBP")
                ),
            }
        )
    share = {}
    for label, (across, down) in SHARE_RATIOS.items():
        width = min(SHARE_WIDTH, image.width, round(image.height * across / down))
        crop = ImageOps.fit(image, (width, round(width * down / across)), Image.Resampling.LANCZOS)
        stored = _store(crop, _name(field_file.name, f"share-{label}", extension), source_format)
        share[label] = default_storage.url(stored)
    return {"widths": widths, "share": share}
