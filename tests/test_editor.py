"""The Markdown editor's preview and image upload: staff only, sanitized, real images only."""

import io
import re
import struct
import zlib
from pathlib import Path

import markdownx.forms
import markdownx.settings
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

import articles.publishing.markdown

PREVIEW = "/markdownx/markdownify/"
UPLOAD = "/markdownx/upload/"
UUID = r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}"
IMAGE_CODE = re.compile(rf"^!\[\]\(/media/uploads/({UUID}\.(\w+))\)$")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def image_bytes(image_format="PNG", size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, image_format)
    return buffer.getvalue()


def png_with_broken_pixels():
    """A PNG whose chunks and checksums are valid but whose pixel data does not decode."""
    png, out, i = image_bytes(size=(64, 64)), bytearray(), 8
    out += png[:8]
    while i < len(png):
        (length,) = struct.unpack(">I", png[i : i + 4])
        kind, data = png[i + 4 : i + 8], png[i + 8 : i + 8 + length]
        if kind == b"IDAT":
            data = b"garbage" * 5
        out += struct.pack(">I", len(data)) + kind + data
        out += struct.pack(">I", zlib.crc32(kind + data))
        i += 12 + length
    return bytes(out)


def upload_file(name="photo.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media_root):
    return sorted(p.name for p in Path(media_root).rglob("*") if p.is_file())


@pytest.fixture
def staff_client(client, writer):
    client.force_login(writer)
    return client


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_anonymous_post_is_forbidden(db, client, url, media_root):
    """Anonymous visitors can neither preview nor upload."""
    data = {"content": "**b**", "image": upload_file()}
    assert client.post(url, data).status_code == 403
    assert stored_files(media_root) == []


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
@pytest.mark.parametrize("logged_in", [False, True])
def test_get_is_not_allowed(db, client, writer, url, logged_in):
    """Both endpoints answer GET with 405, logged in or not."""
    if logged_in:
        client.force_login(writer)
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("url", [PREVIEW, UPLOAD])
def test_non_staff_user_is_forbidden(db, client, url, media_root):
    """A logged-in user who is not staff gets 403."""
    user = get_user_model().objects.create_user("reader", password="pass-for-tests")
    client.force_login(user)
    assert client.post(url, {"content": "**b**", "image": upload_file()}).status_code == 403
    assert stored_files(media_root) == []


def test_preview_renders_and_sanitizes(staff_client):
    """The preview renders Markdown and strips scripts, event handlers and javascript: links."""
    content = (
        "**b**\n\n<script>alert(1)</script>\n\n<img src=x alt=x onerror=alert(1)>\n\n"
        "[x](javascript:alert(1))"
    )
    response = staff_client.post(PREVIEW, {"content": content})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>b</strong>" in html
    for bad in ("<script", "onerror", 'href="javascript:'):
        assert bad not in html.lower()


def test_preview_without_content_is_a_bad_request(staff_client):
    """A preview request without content is answered 400, not a server error."""
    assert staff_client.post(PREVIEW, {}).status_code == 400


def test_staff_upload_stores_a_png(staff_client, media_root):
    """A real PNG is stored under MEDIA_ROOT with a UUID name and returned as Markdown."""
    response = staff_client.post(UPLOAD, {"image": upload_file()})
    assert response.status_code == 200
    match = IMAGE_CODE.match(response.json()["image_code"])
    assert match, response.json()
    stored = Path(media_root) / "uploads" / match.group(1)
    assert stored.is_file()
    with Image.open(stored) as image:
        assert image.format == "PNG"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("drawing.svg", SVG, "image/svg+xml"),
        ("drawing.png", SVG, "image/png"),
        ("page.gif", b"<html><script>alert(1)</script></html>", "image/gif"),
        ("empty.png", b"", "image/png"),
        ("cut.png", image_bytes()[:-30], "image/png"),
        ("broken.png", png_with_broken_pixels(), "image/png"),
    ],
    ids=["svg", "svg-as-png", "html-as-gif", "empty", "truncated-png", "undecodable-png"],
)
def test_upload_rejects_anything_but_a_raster_image(
    staff_client, media_root, name, content, content_type
):
    """SVG, non-images claiming an image type, or broken images get 400 and nothing is stored."""
    response = staff_client.post(UPLOAD, {"image": upload_file(name, content, content_type)})
    assert response.status_code == 400
    assert stored_files(media_root) == []


def test_upload_without_a_file_is_a_bad_request(staff_client, media_root):
    """An upload request without a file is answered 400."""
    assert staff_client.post(UPLOAD, {}).status_code == 400
    assert stored_files(media_root) == []


def test_upload_limit_comes_from_settings():
    """markdownx enforces the project's MARKDOWNX_UPLOAD_MAX_SIZE, not its 50 MB default."""
    assert markdownx.settings.MARKDOWNX_UPLOAD_MAX_SIZE == django_settings.MARKDOWNX_UPLOAD_MAX_SIZE
    assert markdownx.forms.MARKDOWNX_UPLOAD_MAX_SIZE == django_settings.MARKDOWNX_UPLOAD_MAX_SIZE


def test_upload_over_the_size_limit_is_refused(staff_client, media_root, monkeypatch):
    """A valid image one byte over the size limit is refused with 400."""
    content = image_bytes()
    monkeypatch.setattr(markdownx.forms, "MARKDOWNX_UPLOAD_MAX_SIZE", len(content) - 1)
    response = staff_client.post(UPLOAD, {"image": upload_file(content=content)})
    assert response.status_code == 400
    assert stored_files(media_root) == []


def test_upload_over_the_pixel_limit_is_refused(staff_client, media_root, monkeypatch):
    """An image with more pixels than the editor allows is refused with 400."""
    monkeypatch.setattr("articles.publishing.editor.MAX_PIXELS", 63)
    response = staff_client.post(UPLOAD, {"image": upload_file()})  # 8 x 8 = 64 pixels
    assert response.status_code == 400
    assert "too many pixels" in response.content.decode()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("real_format", "name", "content_type", "extension"),
    [
        ("PNG", "photo.html", "image/png", "png"),
        ("JPEG", "photo.png", "image/png", "jpg"),
        ("GIF", "photo.jpg", "image/jpeg", "gif"),
        ("WEBP", "photo.gif", "image/gif", "webp"),
    ],
)
def test_stored_extension_comes_from_the_real_format(
    staff_client, media_root, real_format, name, content_type, extension
):
    """The stored file is named and encoded after the bytes, not the client's name or type."""
    upload = upload_file(name, image_bytes(real_format), content_type)
    response = staff_client.post(UPLOAD, {"image": upload})
    assert response.status_code == 200
    match = IMAGE_CODE.match(response.json()["image_code"])
    assert match and match.group(2) == extension, response.json()
    with Image.open(Path(media_root) / "uploads" / match.group(1)) as image:
        assert image.format == real_format


def test_preview_reports_text_the_sanitizer_would_drop(staff_client):
    """An unclosed <script> is named with its line, above the preview of what would remain."""
    response = staff_client.post(PREVIEW, {"content": "**Kept**\n\n<script>\n\nLost text."})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html
    assert "A &lt;script&gt; tag opened on line 3 is never closed" in html
    assert "<strong>Kept</strong>" in html


def test_preview_refuses_overlong_and_overnested_text_without_rendering(staff_client):
    """Text past the size or depth limit gets a 400 with the reason, not a 500 or a stall."""
    too_long = staff_client.post(PREVIEW, {"content": "[" * 100_000})
    assert too_long.status_code == 400
    assert "100,000 characters long; the limit is 60,000" in too_long.content.decode()
    nested = "".join("  " * level + "- item\n" for level in range(300))
    too_deep = staff_client.post(PREVIEW, {"content": nested[:60_000]})
    assert too_deep.status_code == 400
    assert "nested more than 10 levels deep" in too_deep.content.decode()
    assert "<li>item" not in too_deep.content.decode()


def test_preview_refuses_text_past_a_limit_without_parsing_it(staff_client, monkeypatch):
    """Past the line limit the preview answers 400 with the limit, and nothing is parsed."""

    def explode(*args, **kwargs):
        raise AssertionError("text past the limits was parsed")

    monkeypatch.setattr(articles.publishing.markdown, "_parse", explode)
    response = staff_client.post(PREVIEW, {"content": "- An item\n" * 2_501})
    assert response.status_code == 400
    assert "The text has 2,501 lines that are not blank; the limit is 2,500." in response.text
