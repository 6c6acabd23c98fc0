"""Responsive renditions of an uploaded image, made once when it is saved.

Each width comes in WebP and in the original's format, and the share crops (16:9, 4:3,
1:1, 1,200 px wide where the original allows) serve social cards and the Article
schema. The list of what exists is stored with the item, so a page never touches disk.
"""

import hashlib
import io
import logging
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

WIDTHS = (480, 960, 1600)
SHARE_WIDTH = 1200
SHARE_RATIOS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# 50 megapixels: a full-frame camera's photo. Decoding is what costs (about 4 bytes and
# some milliseconds a megapixel), so a larger upload is refused before it is decoded.
MAX_PIXELS = 50_000_000


ACCEPTED = {"JPEG", "PNG", "WEBP"}


def validate_upload(field_file):
    """Refuse, from its header alone, an upload that is not a JPEG, PNG or WebP image or
    that is too large to decode: the renditions would hold the request for seconds."""
    if not field_file or getattr(field_file, "_committed", True):
        return  # the stored file was checked when it was uploaded
    upload = field_file.file
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format, (width, height) = image.format, image.size
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            "The file is not a readable image. Upload a JPEG, PNG or WebP file.",
            code="unreadable",
        ) from None
    finally:
        upload.seek(0)
    if image_format not in ACCEPTED:
        raise ValidationError(
            f"{image_format} images are not accepted here. Upload a JPEG, PNG or WebP file.",
            code="format",
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(
            f"The image is {width:,} × {height:,} pixels ({width * height / 1e6:.0f} megapixels); "
            f"the limit is {MAX_PIXELS / 1e6:.0f}. Export it smaller, for example 2,400 pixels "
            "wide, which is more than any page shows.",
            code="too_large",
        )


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
    """{"widths": [{"width", "height", "webp", "src"}], "share": {ratio: url-path}} or {}.

    Read from storage by name, never through the field's file object: that may be the
    request's upload, which the form closes, and on object storage it is the stored copy
    that counts.
    """
    if not field_file:
        return {}
    try:
        with (
            field_file.storage.open(field_file.name, "rb") as handle,
            Image.open(handle) as original,
        ):
            if original.width * original.height > MAX_PIXELS:
                logger.warning("%s has too many pixels for renditions", field_file.name)
                return {}
            # A JPEG decodes straight to a smaller scale; nothing made needs more than twice
            # the widest rendition.
            original.draft("RGB", (2 * WIDTHS[-1], 2 * WIDTHS[-1]))
            original.load()
            image = ImageOps.exif_transpose(original)
            if image.width > 2 * WIDTHS[-1]:
                image = image.reduce(image.width // (2 * WIDTHS[-1]))
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
        # A box reduction first, then Lanczos over the last few steps: the same result to
        # the eye, at a fraction of the cost on a large original.
        resized = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
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
