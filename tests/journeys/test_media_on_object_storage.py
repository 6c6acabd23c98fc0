"""The image library on object storage, through the admin's real forms: a writer uploads a
JPEG (multipart) to a private bucket on an S3 server behind a CDN; the published page
points every picture at the CDN, each address answers with the bucket's bytes, and a
second server, a fresh process, finds the renditions there instead of making them again."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image as Pillow

from articles.models import Image
from articles.publishing.library.media import IMMUTABLE
from tests.journeys.browser import upload
from tests.journeys.conftest import picture
from tests.journeys.test_image_library import LIBRARY_ADD, publish, write
from tests.objectstorage import fetch
from tests.test_queries import ARTICLE_MAX

ROOT = Path(__file__).resolve().parents[2]
TYPES = {"jpg": "image/jpeg", "webp": "image/webp", "avif": "image/avif"}
# Another app server: its own interpreter, storage and memory, set up by the production
# settings from the same variables.
SECOND_SERVER = """
import json, sys
import django
django.setup()
from articles.models import Image
from articles.publishing.library import renditions
field = Image._meta.get_field("file")
stored = field.attr_class(None, field, sys.argv[1])
print(json.dumps(renditions.make(stored, (float(sys.argv[2]), float(sys.argv[3])))))
"""


def rendition_urls(made):
    urls = [w[kind] for w in made["widths"] for kind in ("src", "webp", "avif") if kind in w]
    return urls + list(made["share"].values()) + [made["thumb"]["src"], made["thumb"]["webp"]]


def pictures_on(page):
    """(url, width or None) for every address the page's images name: src, each srcset
    entry of <img> and <source>, and the share card."""
    found = [(url, None) for url in re.findall(r'<img[^>]*\ssrc="([^"]+)"', page)]
    for srcset in re.findall(r'\ssrcset="([^"]+)"', page):
        for entry in srcset.split(", "):
            url, width = entry.rsplit(" ", 1)
            found.append((url, int(width.removesuffix("w"))))
    card = re.findall(r'<meta property="og:image" content="([^"]+)"', page)
    return found + [(url, None) for url in card]


def second_server(bucket, image):
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SECOND_SERVER, image.file.name, str(image.focal_x),
         str(image.focal_y)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1",
             **bucket.environ},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_an_image_uploaded_at_the_desk_is_served_from_the_bucket_to_every_server(
    people, bucket, django_assert_max_num_queries
):
    """Upload lands in the bucket with its renditions; the page's pictures are CDN addresses
    that answer with the bucket's bytes; a second process makes nothing again."""
    writer = people["writer"]
    jpeg = picture("JPEG")
    response = writer.submit(
        LIBRARY_ADD, "image_form",
        {"alt": "A harbour at first light", "credit": "Sam Shore",
         "licence": "Licensed from Example Photos, 2026", "_continue": "1"},
        files={"file": upload("harbour.jpg", jpeg, "image/jpeg")},
    )  # fmt: skip
    assert response.status_code == 200, response.content[:2000]
    image = Image.objects.get(alt="A harbour at first light")
    assert bucket.read(image.file.name) == jpeg
    made = image.renditions
    assert [w["width"] for w in made["widths"]] == [320, 480, 640, 960, 1280, 1600]
    assert {bucket.key(url) for url in rendition_urls(made)} <= bucket.keys()

    body = f"Morning light helps.\n\n![](image:{image.pk})\n\n## Why\n\nIt sets the clock."
    article = write(writer, "Resting after a night shift", body, hero=str(image.pk))
    publish(people, article)

    # The page is written from what the image row holds: not one request to the bucket.
    mark = len(bucket.server.requests)
    with django_assert_max_num_queries(ARTICLE_MAX):
        response = Client().get(article.get_absolute_url())
    assert response.status_code == 200 and bucket.server.since(mark) == []
    page = response.content.decode()

    shown = pictures_on(page)
    urls = {url for url, _ in shown}
    # Every width in every format, in the hero's and the body's <picture>, and the card.
    ladder = {w[kind] for w in made["widths"] for kind in ("src", "webp", "avif") if kind in w}
    assert ladder | {made["share"]["16x9"]} <= urls
    assert all(url.startswith(bucket.url_prefix) for url in urls), urls
    served = {}
    for url in urls:
        status, headers, served[url] = fetch(url)
        assert status == 200 and served[url] == bucket.read(bucket.key(url)), url
        assert headers["Content-Type"] == TYPES[url.rsplit(".", 1)[1]]
        assert headers["Cache-Control"] == IMMUTABLE
    for url, width in shown:
        if width:
            with Pillow.open(io.BytesIO(served[url])) as decoded:
                assert decoded.width == width, url

    # Another server, with nothing of this one's state, finds every file already made.
    mark = len(bucket.server.requests)
    again = second_server(bucket, image)
    asked = bucket.server.since(mark)
    assert again == {key: made[key] for key in ("widths", "share", "thumb")}
    assert bucket.server.since(mark, "PUT") == []
    original = f"/{bucket.name}/{image.file.name}"
    # The original is read once to decode it (boto3 asks for its size first); each
    # rendition's name is looked up once, and found.
    assert [path for method, path in asked if method == "GET"] == [original]
    looked_up = [path for method, path in asked if method == "HEAD" and path != original]
    assert sorted(looked_up) == sorted(f"/{bucket.name}/{bucket.key(url)}"
                                       for url in rendition_urls(made))  # fmt: skip
