"""Uploads on an S3-compatible bucket (moto's server, reached over HTTP): what each object
is stored with, that nothing lands on the local disk, and that no object is made public."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as Pillow

from articles.models import Image
from articles.publishing import images
from articles.publishing.library.media import IMMUTABLE, is_hashed
from tests.objectstorage import fetch
from tests.test_library import picture

TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "avif": "image/avif"}
OWNER_ONLY = [{"Permission": "FULL_CONTROL"}]


def library_image(name="harbour.jpg", data=None):
    image = Image(alt="A harbour at first light", licence="CC BY 4.0")
    image.file.save(name, ContentFile(data or picture()), save=False)
    image.save()
    return image


def grants(bucket, key):
    acl = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)
    return [{"Permission": grant["Permission"]} for grant in acl["Grants"]]


def files_under(folder):
    return [path for path in Path(folder).rglob("*") if path.is_file()]


@pytest.mark.django_db
def test_a_library_image_and_its_renditions_are_stored_in_the_bucket(bucket, settings):
    """The original and every rendition are objects in the bucket, each with the type its
    name says; renditions are immutable for a year, the original is not; the disk is empty."""
    image = library_image()
    keys = bucket.keys()
    assert image.file.name in keys
    rendition_keys = {key for key in keys if key.startswith("renditions/library/")}
    widths = image.renditions["widths"]
    expected = 2 * len(widths) + 3 + 2 + (len(widths) if "avif" in widths[0] else 0)
    assert len(rendition_keys) == expected  # the ladder in two or three formats, crops, thumb
    for key in rendition_keys:
        head = bucket.head(key)
        assert head["ContentType"] == TYPES[key.rsplit(".", 1)[1]], key
        assert is_hashed(key) and head["CacheControl"] == IMMUTABLE, key
    original = bucket.head(image.file.name)
    assert original["ContentType"] == "image/jpeg" and "CacheControl" not in original
    assert files_under(settings.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_no_object_is_given_a_public_acl(bucket):
    """Objects carry no ACL of their own, only the owner's: who reads is the bucket's policy
    or the CDN's, so a private bucket stays private and one that refuses ACLs accepts them."""
    image = library_image()
    for key in (image.file.name, bucket.key(image.renditions["widths"][0]["webp"])):
        assert grants(bucket, key) == OWNER_ONLY
    puts = [path for method, path in bucket.server.requests if method == "PUT"]
    assert puts and not any("acl" in path for path in puts)


@pytest.mark.django_db
def test_a_second_upload_under_a_taken_name_keeps_both(bucket):
    """Two pictures uploaded as harbour.jpg get two objects: the second never replaces the
    first, which another article may show."""
    first = library_image(data=picture(1200, 800))
    second = library_image(data=picture(900, 600))
    assert first.file.name != second.file.name
    with Pillow.open(io.BytesIO(bucket.read(first.file.name))) as stored:
        assert stored.size == (1200, 800)
    with Pillow.open(io.BytesIO(bucket.read(second.file.name))) as stored:
        assert stored.size == (900, 600)


@pytest.mark.django_db
def test_rendition_urls_are_the_cdns_and_the_bucket_itself_refuses_strangers(bucket):
    """Each rendition's stored URL is on the CDN's host, unsigned (nothing in it expires), and
    a plain GET returns the object's bytes, type and caching; the same object asked of the
    S3 server without credentials is refused, as the bucket is private."""
    image = library_image()
    widest = image.renditions["widths"][-1]
    for kind in ("src", "webp"):
        url = widest[kind]
        assert url.startswith(bucket.url_prefix) and "?" not in url
        status, headers, body = fetch(url)
        assert status == 200 and body == bucket.read(bucket.key(url))
        assert headers["Cache-Control"] == IMMUTABLE
        assert headers["Content-Type"] == TYPES[url.rsplit(".", 1)[1]]
        with Pillow.open(io.BytesIO(body)) as served:
            assert served.width == widest["width"]
        assert fetch(bucket.direct_url(bucket.key(url)))[0] == 403


@pytest.mark.django_db
def test_hero_renditions_of_the_older_kind_are_stored_without_immutable(bucket):
    """images.make writes its width ladder and crops to the bucket, each typed; their names
    may be written again, so they get no year-long caching."""
    name = "articles/2026/12/hero.png"
    stored = default_storage.save(name, ContentFile(picture(1000, 700, "PNG")))
    field = Image._meta.get_field("file")
    made = images.make(field.attr_class(None, field, stored))
    keys = [bucket.key(width[kind]) for width in made["widths"] for kind in ("src", "webp")]
    keys += [bucket.key(url) for url in made["share"].values()]
    assert len(keys) == 3 * 2 + 3  # 480, 960 and 1000 wide in PNG and WebP, three crops
    for key in keys:
        head = bucket.head(key)
        assert head["ContentType"] == TYPES[key.rsplit(".", 1)[1]]
        assert "CacheControl" not in head


@pytest.mark.django_db
def test_an_image_uploaded_from_the_editor_lands_in_the_bucket(bucket, client, writer, settings):
    """The Markdown editor's upload is stored under uploads/ in the bucket as the type its
    bytes are, and the Markdown it answers links the bucket's copy."""
    client.force_login(writer)
    png = picture(300, 200, "PNG")
    upload = ContentFile(png, name="photo.png")
    response = client.post("/markdownx/upload/", {"image": upload})
    assert response.status_code == 200, response.content
    url = response.json()["image_code"].removeprefix("![](").removesuffix(")")
    key = bucket.key(url)
    assert key.startswith(settings.MARKDOWNX_MEDIA_PATH) and key.endswith(".png")
    assert bucket.head(key)["ContentType"] == "image/png"
    status, _, body = fetch(url)
    assert status == 200 and Pillow.open(io.BytesIO(body)).size == (300, 200)
    assert files_under(settings.MEDIA_ROOT) == []
