"""The writing tools' addresses: the link picker lists live articles only, the image
chooser lists the library, and an upload makes a library image through its own form."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as Pillow

from articles.models import Image

LINKS = "/admin/articles/article/writing/links/"
IMAGES = "/admin/articles/article/writing/images/"
UPLOAD = "/admin/articles/article/writing/images/upload/"


def jpeg(width=900, height=600):
    buffer = io.BytesIO()
    Pillow.new("RGB", (width, height), (40, 120, 90)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "harbour.jpg"
    return buffer


def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def articles(make_article, publish):
    live = publish(make_article("Sleep after a night shift"))
    also = publish(make_article("Sleep and caffeine"))
    draft = make_article("Sleep secrets (draft)")
    review = make_article("Sleep in review")
    return {"live": live, "also": also, "draft": draft, "review": review}


def test_the_link_picker_lists_live_articles_only(client, writer, articles, writer_submits):
    logged_in(client, writer)
    writer_submits(articles["review"])
    answer = client.get(LINKS, {"q": "sleep"})
    assert answer.status_code == 200
    titles = [row["title"] for row in answer.json()["results"]]
    assert titles == ["Sleep after a night shift", "Sleep and caffeine"]
    paths = [row["path"] for row in answer.json()["results"]]
    assert paths[0] == articles["live"].get_absolute_url()
    assert not any("draft" in t or "review" in t for t in titles)
    # The same from the FAQ form's address.
    faq = client.get("/admin/faq/faqentry/writing/links/", {"q": "caffeine"})
    assert [r["title"] for r in faq.json()["results"]] == ["Sleep and caffeine"]


def test_a_scheduled_or_unpublished_article_is_not_listed(
    client, writer, editor, make_article, publish
):
    from datetime import timedelta

    from django.utils import timezone

    scheduled = make_article("Sleep later")
    publish(scheduled, at=timezone.now() + timedelta(days=2))
    gone = publish(make_article("Sleep withdrawn"))
    gone.unpublish(editor)
    logged_in(client, writer)
    assert client.get(LINKS, {"q": "sleep"}).json()["results"] == []


@pytest.fixture
def writer_submits(writer):
    def run(item):
        item.submit_for_review(writer)

    return run


def test_the_link_list_is_capped_and_its_queries_bounded(client, writer, make_article, publish):
    for n in range(14):
        publish(make_article(f"Rest well, part {n}"))
    logged_in(client, writer)
    client.get(LINKS, {"q": "rest"})  # the session and user, read once
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(LINKS, {"q": "rest"})
    assert len(answer.json()["results"]) == 10
    print(f"link picker: {len(queries)} queries")
    assert len(queries) <= 6, [q["sql"] for q in queries]


def test_anonymous_and_permissionless_staff_are_refused(client, outsider, articles):
    for address in (LINKS, IMAGES):
        answer = client.get(address, {"q": "sleep"})
        assert answer.status_code == 302 and "/login/" in answer["Location"]
    answer = client.post(UPLOAD, {"alt": "x", "licence": "CC0", "file": jpeg()})
    assert answer.status_code == 302 and not Image.objects.exists()
    logged_in(client, outsider)
    assert client.get(LINKS, {"q": "sleep"}).status_code == 403
    assert client.get(IMAGES).status_code == 403
    assert client.post(UPLOAD, {"alt": "x", "licence": "CC0", "file": jpeg()}).status_code == 403
    assert not Image.objects.exists()


def test_an_upload_makes_a_library_image_with_renditions_and_the_chooser_lists_it(client, writer):
    logged_in(client, writer)
    answer = client.post(
        UPLOAD,
        {"file": jpeg(), "alt": "A harbour at first light", "caption": "Early light.",
         "credit": "Sam Shore", "licence": "CC BY 4.0"},
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    image = Image.objects.get()
    assert image.alt == "A harbour at first light" and image.renditions["widths"]
    assert answer.json()["markdown"] == f"![A harbour at first light](image:{image.pk})"
    listed = client.get(IMAGES, {"q": "harbour"}).json()["results"]
    assert [row["id"] for row in listed] == [image.pk] and listed[0]["thumb"]
    assert client.get(IMAGES, {"q": "no such picture"}).json()["results"] == []


def test_a_bad_file_or_missing_alt_is_refused_with_a_clear_error(client, writer):
    logged_in(client, writer)
    text = io.BytesIO(b"not an image at all")
    text.name = "notes.jpg"
    answer = client.post(UPLOAD, {"file": text, "alt": "Something", "licence": "CC0"})
    assert answer.status_code == 400
    assert "file" in answer.json()["errors"] and answer.json()["error"]
    answer = client.post(UPLOAD, {"file": jpeg(), "alt": "", "licence": "CC0"})
    assert answer.status_code == 400 and "alt" in answer.json()["errors"]
    assert "alt" in answer.json()["error"].lower()
    assert client.get(UPLOAD).status_code == 405
    assert not Image.objects.exists()


def test_the_upload_needs_the_csrf_token(writer):
    from django.test import Client

    strict = logged_in(Client(enforce_csrf_checks=True), writer)
    answer = strict.post(UPLOAD, {"file": jpeg(), "alt": "A boat", "licence": "CC0"})
    assert answer.status_code == 403 and not Image.objects.exists()


def test_the_body_field_carries_the_toolbar_addresses(client, writer, draft):
    logged_in(client, writer)
    page = client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    assert f'data-writing-links="{LINKS}"' in page
    assert f'data-writing-upload="{UPLOAD}"' in page
    assert "admin/publishing/toolbar.js" in page and "admin/publishing/toolbar.css" in page


def test_the_faq_answer_carries_the_toolbar_addresses(client, writer):
    logged_in(client, writer)
    page = client.get("/admin/faq/faqentry/add/").content.decode()
    assert 'data-writing-links="/admin/faq/faqentry/writing/links/"' in page
