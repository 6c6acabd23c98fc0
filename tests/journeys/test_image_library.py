"""The image library through the admin's real forms as the demo roles: a writer uploads
a JPEG (multipart), sets its focal point, makes it one article's hero and shows it in
another's body; once both are published their pages serve it with srcset, a new caption
reaches both cached pages, and the image's page lists both uses and refuses to delete
it."""

import re

import pytest
from django.test import Client

from articles.models import Article, Author, Image, Topic
from tests.journeys.browser import upload
from tests.journeys.conftest import picture, shown_messages
from tests.journeys.test_health_article import ADD, move

LIBRARY_ADD = "/admin/articles/image/add/"


def image_url(image):
    return f"/admin/articles/image/{image.pk}/change/"


def write(writer, title, body, **extra):
    author, topic = Author.objects.get(slug="maya-okafor"), Topic.objects.get(slug="sleep")
    response = writer.submit(
        ADD, "article_form",
        {"title": title, "slug": "", "summary": "What helps, in short.", "body": body,
         "author": str(author.pk), "topic": str(topic.pk),
         "meta_description": "A short guide to resting well, and when to get help.",
         "focus_keyword": "resting", "_continue": "1", **extra},
    )  # fmt: skip
    assert response.status_code == 200, response.content[:2000]
    return Article.objects.get(title=title)


def publish(people, article):
    move(people["writer"], article, "submit", "Ready.")
    move(people["reviewer"], article, "sign_off", "Accurate.")
    response = move(people["editor"], article, "publish", "", _publish_despite_advice="1")
    assert "Published" in " ".join(shown_messages(response.content.decode()))
    article.refresh_from_db()
    assert article.is_live


@pytest.mark.django_db
def test_a_library_image_as_hero_and_in_a_body(people):
    """Upload, focal point, hero and body use, public srcset, usage and refused deletion."""
    writer, editor = people["writer"], people["editor"]

    response = writer.submit(
        LIBRARY_ADD, "image_form",
        {"alt": "A harbour at first light", "caption": "Early light helps.",
         "credit": "Sam Shore", "licence": "Licensed from Example Photos, 2026",
         "_continue": "1"},
        files={"file": upload("harbour.jpg", picture("JPEG"), "image/jpeg")},
    )  # fmt: skip
    assert response.status_code == 200, response.content[:2000]
    image = Image.objects.get(alt="A harbour at first light")
    assert image.file.name.endswith(".jpg") and (image.width, image.height) == (1800, 1200)
    centred = image.renditions["share"]["16x9"]

    # The two number fields set the focal point; the wide crop moves with it.
    writer.submit(image_url(image), "image_form", {"focal_x": "0.2", "focal_y": "0.3",
                                                   "_continue": "1"})  # fmt: skip
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.2, 0.3)
    assert image.renditions["share"]["16x9"] != centred

    hero = write(writer, "Resting after a night shift", "Sleep in the dark.\n\n## Why\n\nIt helps.",
                 hero=str(image.pk))  # fmt: skip
    body = f"Morning light helps.\n\n![](image:{image.pk})\n\n## Why\n\nIt sets the clock."
    shown = write(writer, "Morning light and sleep", body)
    assert hero.hero == image and f"(image:{image.pk})" in shown.body
    publish(people, hero)
    publish(people, shown)

    reader = Client()
    page = reader.get(hero.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="hero">.*?</figure>', page, re.S).group(0)
    assert f'srcset="{image.srcset}"' in figure and 'alt="A harbour at first light"' in figure
    page = reader.get(shown.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="body-image">.*?</figure>', page, re.S).group(0)
    assert f'srcset="{image.srcset}"' in figure and "Sam Shore" in figure
    served = reader.get(image.renditions["widths"][0]["webp"])
    assert served.status_code == 200 and "immutable" in served["Cache-Control"]

    # A new caption through the library's form reaches both cached pages at once.
    assert reader.get(hero.get_absolute_url())["X-Cache"] == "HIT"
    writer.submit(image_url(image), "image_form", {"caption": "First light sets the clock.",
                                                   "_continue": "1"})  # fmt: skip
    for article in (hero, shown):
        page = reader.get(article.get_absolute_url()).content.decode()
        assert "First light sets the clock." in page and "Early light helps." not in page

    page = editor.open(image_url(image))
    assert "Resting after a night shift</a> (hero image)" in page
    assert "Morning light and sleep</a> (in the body)" in page
    # Whoever edits it is told that live pages change at once, without review.
    assert "the live ones change for readers at once" in page
    refused = editor.client.get(f"/admin/articles/image/{image.pk}/delete/").content.decode()
    assert "would require deleting the following protected related objects" in refused
    editor.client.post(f"/admin/articles/image/{image.pk}/delete/", {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()


@pytest.mark.django_db
def test_a_writer_uploads_an_image_from_the_body_toolbar(people):
    """As the toolbar's Image dialog does: the upload address read from the body field, a
    multipart POST with the CSRF token, the Markdown it answers put in the body, then the
    real form saved; once published, the page serves the picture with srcset."""
    writer = people["writer"]
    form = writer.open(ADD)
    address = re.search(r'data-writing-upload="([^"]+)"', form).group(1)
    token = writer.client.cookies["csrftoken"].value
    answer = writer.client.post(
        address,
        {"file": upload("pier.jpg", picture("JPEG"), "image/jpeg"),
         "alt": "A pier in the morning mist", "licence": "CC BY 4.0"},
        headers={"X-CSRFToken": token},
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    image = Image.objects.get(alt="A pier in the morning mist")
    assert answer.json()["markdown"] == f"![A pier in the morning mist](image:{image.pk})"
    assert image.renditions["widths"]

    body = f"Mist lifts by nine.\n\n{answer.json()['markdown']}\n\n## Why\n\nThe sun warms it."
    article = write(writer, "Walking in the mist", body)
    publish(people, article)
    page = Client().get(article.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="body-image">.*?</figure>', page, re.S).group(0)
    assert f'srcset="{image.srcset}"' in figure
    assert 'alt="A pier in the morning mist"' in figure
