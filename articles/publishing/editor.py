"""The Markdown editor's preview and image upload, closed to everyone but staff.

django-markdownx mounts both views for anonymous users, previews without
sanitizing, trusts the client's content type and keeps the client's file
extension. These replacements check the bytes with Pillow and name the file
after what it really is.
"""

from django import forms
from django.http import HttpResponse, JsonResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from markdownx.forms import ImageForm
from PIL import Image, UnidentifiedImageError

from .library.embed import embed
from .limits import MAX_LENGTH
from .markdown import preview

# Pillow format -> (content type, extension). Raster only: SVG can carry script.
RASTER_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
MAX_PIXELS = 40_000_000
# The longest text the editor holds (an article body); each field checks its own on save.
PREVIEW_MAX_LENGTH = MAX_LENGTH


class RasterImageForm(ImageForm):
    def clean(self):
        upload = super().clean()
        try:
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise forms.ValidationError("The image has too many pixels.")
                # Decode every pixel: a header that parses can still hide broken data.
                image.load()
        except Image.DecompressionBombError:
            raise forms.ValidationError("The image has too many pixels.") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise forms.ValidationError(
                "The file is not a readable image. Upload a JPEG, PNG, GIF or WebP file."
            ) from None
        if image_format not in RASTER_FORMATS:
            raise forms.ValidationError(
                f"{image_format or 'This'} images are not accepted. "
                "Upload a JPEG, PNG, GIF or WebP file."
            )
        upload.seek(0)
        # Name and type come from the bytes, never from the client.
        upload.content_type, extension = RASTER_FORMATS[image_format]
        upload.name = f"image.{extension}"
        return upload


def _staff_only(view):
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return JsonResponse({"error": "Staff login required."}, status=403)
        return view(request, *args, **kwargs)

    return wrapped


@require_POST
@_staff_only
def markdownify(request):
    content = request.POST.get("content")
    if content is None:
        return JsonResponse({"error": "Missing “content”."}, status=400)
    problems, html = preview(content, PREVIEW_MAX_LENGTH)
    # Library images as the page will show them (one query, and only if there are any).
    html = embed(html)
    if not problems:
        return HttpResponse(html)
    # The editor's script shows whatever comes back, so the writer sees why.
    notice = format_html(
        '<div class="preview-problems" role="alert"><p>Not saved as it is:</p><ul>{}</ul></div>',
        format_html_join("", "<li>{}</li>", ((problem,) for problem in problems)),
    )
    return HttpResponse(notice + mark_safe(html), status=400)  # noqa: S308 - sanitized above


@require_POST
@_staff_only
def upload(request):
    form = RasterImageForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    return JsonResponse({"image_code": f"![]({form.save(commit=True)})"})
