"""The preview of the change form as it stands, unsaved: the whole public page, nothing saved."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article
from articles.publishing.models import Revision
from tests.journeys.browser import form_data


def login(client, user):
    client.force_login(user)


def the_form(client, article):
    """The change form's fields as the browser would post them."""
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    return form_data(page.content.decode(), form_id="article_form")


def test_the_preview_shows_unsaved_edits_and_saves_nothing(client, writer, make_article, make_faq):
    """Title, summary, body and a new FAQ answer from the form, in the public template."""
    article = make_article("Saved title", user=writer)
    make_faq("Saved question?", "Saved answer.", article=article, user=writer)
    login(client, writer)
    data = the_form(client, article)
    data.update(title="Typed title", summary="Typed summary.", body="Typed *body* text.")
    answer = next(key for key in data if key.endswith("-answer"))
    data[answer] = "Typed answer."
    revisions = Revision.objects.count()
    url = reverse("admin:articles_article_preview", args=[article.pk])
    page = client.post(url, data)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Typed title</h1>" in html or ">Typed title</h1>" in html
    assert "Typed summary." in html and "<em>body</em>" in html and "Typed answer." in html
    assert "Preview of your unsaved changes" in html
    assert page["X-Frame-Options"] == "SAMEORIGIN" and page["X-Robots-Tag"] == "noindex"
    assert "no-store" in page["Cache-Control"] or "private" in page["Cache-Control"]
    article.refresh_from_db()
    assert article.title == "Saved title" and Revision.objects.count() == revisions


def test_the_add_form_previews_before_the_first_save(client, writer, author):
    """A new article is previewed from the add form, and nothing is created."""
    login(client, writer)
    data = {"title": "Not saved yet", "body": "Words.", "author": author.pk, "sources": "[]"}
    page = client.post(reverse("admin:articles_article_preview_new"), data)
    assert page.status_code == 200 and "Not saved yet" in page.content.decode()
    assert not Article.objects.exists()


def test_a_chosen_image_is_not_stored_by_a_preview(
    client, writer, make_article, settings, tmp_path
):
    """The upload goes in with the save, not the preview: no file reaches the storage."""
    settings.MEDIA_ROOT = tmp_path
    article = make_article("Pictured", user=writer)
    login(client, writer)
    data = the_form(client, article)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buffer, "JPEG")
    data["hero_image"] = SimpleUploadedFile("new.jpg", buffer.getvalue(), "image/jpeg")
    data["hero_image_alt"] = "A new picture"
    page = client.post(reverse("admin:articles_article_preview", args=[article.pk]), data)
    assert page.status_code == 200
    assert not any(tmp_path.rglob("*.jpg"))


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_only_people_who_may_edit_it_can_preview_unsaved_text(client, request, make_article, who):
    """Someone who may not change the article gets no page rendered from their post."""
    article = make_article("Guarded")
    if who == "outsider":
        login(client, request.getfixturevalue("outsider"))
    url = reverse("admin:articles_article_preview", args=[article.pk])
    page = client.post(url, {"title": "<script>alert(1)</script>", "body": "x"})
    assert page.status_code in (302, 403)
    assert b"alert(1)" not in page.content


def test_the_change_form_offers_the_preview_in_a_new_tab_and_beside_the_form(
    client, writer, make_article
):
    """Preview posts the form to a new tab, and the panel's button into its frame."""
    article = make_article("Offered", user=writer)
    login(client, writer)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    url = reverse("admin:articles_article_preview", args=[article.pk]).encode()
    assert b'formaction="' + url + b'" formtarget="_blank"' in html
    assert b'formtarget="preview-frame"' in html and b'name="preview-frame"' in html
