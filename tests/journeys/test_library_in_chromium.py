"""In Chromium, under the admin's real Content Security Policy: a writer uploads a photo
to the library, clicks its focal point, chooses it as one article's hero from the
library's dialog and puts it in a second article's body from the toolbar; once both are
published, each page serves it as a <picture> with srcset, the image lists both, and a
new caption reaches the page a reader already had."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article, Image
from tests.journeys.conftest import picture
from tests.journeys.test_in_chromium import PHONE, choose, press, sign_in
from tests.test_browser import browser  # noqa: F401 - shared fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]


def marker_at(page):
    """Where the focal marker's centre sits, as fractions of the preview image."""
    return page.evaluate(
        """() => {
            const img = document.querySelector(".focal-preview img").getBoundingClientRect();
            const dot = document.querySelector(".focal-marker").getBoundingClientRect();
            return [(dot.left + dot.width / 2 - img.left) / img.width,
                    (dot.top + dot.height / 2 - img.top) / img.height];
        }"""
    )


def draft(page, live_server, title, body):
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_title", title)
    page.fill("#id_summary", "Morning light, and why it helps.")
    page.fill("#id_body", body)
    choose(page, "id_author", "Maya Okafor")
    choose(page, "id_topic", "Sleep")
    page.fill("#id_meta_description", "How morning light helps you sleep at night.")


def save(page, title):
    page.click(".action-bar button[name=_continue]")
    page.wait_for_url("**/change/")
    return Article.objects.get(title=title)


def insert_from_library(page, dialog, at):
    page.locator("#id_body").evaluate(f"a => {{ a.focus(); a.setSelectionRange({at}, {at}); }}")
    page.click(".writing-toolbar[aria-controls=id_body] [data-tool=image]")
    dialog.locator("input[role=combobox]").fill("harbour")
    dialog.locator("[role=option]:has-text('A harbour at first light')").click()
    dialog.wait_for(state="detached")


def test_a_library_image_from_upload_to_two_pages(browser, live_server):  # noqa: F811
    """Upload, focal point, hero chooser, body toolbar (twice), publication, srcset on both
    pages, a new caption on the reader's page."""
    call_command("load_sample_content", stdout=io.StringIO())
    writer = sign_in(browser, live_server, "writer")
    errors = []
    writer.on("pageerror", lambda error: errors.append(str(error)))
    writer.on("console", lambda m: errors.append(m.text) if "Policy" in m.text else None)

    writer.goto(f"{live_server.url}/admin/articles/image/add/")
    writer.set_input_files(
        "#id_file", {"name": "harbour.jpg", "mimeType": "image/jpeg", "buffer": picture("JPEG")}
    )
    writer.fill("#id_alt", "A harbour at first light")
    writer.fill("#id_caption", "Early light helps.")
    writer.fill("#id_credit", "Sam Shore")
    writer.fill("#id_licence", "Licensed from Example Photos, 2026")
    writer.click("input[name=_continue]")
    writer.wait_for_url("**/change/")
    image = Image.objects.get(alt="A harbour at first light")
    assert marker_at(writer) == pytest.approx([0.5, 0.5], abs=0.02)
    centred = image.renditions["share"]["16x9"]

    # A click on the preview sets both numbers and moves the marker there.
    box = writer.locator(".focal-preview img").bounding_box()
    writer.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
    assert float(writer.input_value("#id_focal_x")) == pytest.approx(0.25, abs=0.01)
    assert float(writer.input_value("#id_focal_y")) == pytest.approx(0.75, abs=0.01)
    assert marker_at(writer) == pytest.approx([0.25, 0.75], abs=0.02)
    with writer.expect_navigation():  # the same change page again, saved
        writer.click("input[name=_continue]")
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == pytest.approx((0.25, 0.75), abs=0.01)
    assert image.renditions["share"]["16x9"] != centred  # the crop follows the point
    assert marker_at(writer) == pytest.approx([0.25, 0.75], abs=0.02)

    # The hero, from the library's dialog: searched, chosen, shown as a thumbnail.
    draft(
        writer, live_server, "Light in the morning", "Light helps.\n\n## Why\n\nIt sets the clock."
    )
    writer.click(".image-chooser .image-choose")
    dialog = writer.locator("dialog.writing-dialog[open]")
    dialog.locator("input[role=combobox]").fill("harbour")
    dialog.locator("[role=option]:has-text('A harbour at first light')").click()
    dialog.wait_for(state="detached")
    assert writer.input_value("#id_hero") == str(image.pk)
    assert writer.locator(".image-chosen img").evaluate("i => i.complete && i.naturalWidth > 0")
    assert writer.locator(".image-chooser .image-choose:focus").count() == 1
    # And in its body too, from the toolbar.
    insert_from_library(writer, dialog, 12)
    first = save(writer, "Light in the morning")
    assert first.hero_id == image.pk
    assert f"![A harbour at first light](image:{image.pk})" in first.body

    # The same image again, in a second article's body, from the toolbar.
    draft(writer, live_server, "Waking up gently", "Open the curtains.\n\n## Why\n\nLight.")
    insert_from_library(writer, dialog, 18)
    second = save(writer, "Waking up gently")
    assert f"![A harbour at first light](image:{image.pk})" in second.body
    assert errors == [], errors  # nothing refused by the policy, no script errors

    editor = sign_in(browser, live_server, "editor")
    reviewer = sign_in(browser, live_server, "reviewer")
    for article in (first, second):
        url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
        writer.goto(url)
        assert "Submitted for review" in press(writer, "submit", "Ready.")
        reviewer.goto(url)
        if reviewer.locator("button[value=sign_off]").count():
            assert "Signed off" in press(reviewer, "sign_off", "Accurate.")
        editor.goto(url)
        if editor.locator("#id_publish_despite_advice").count():
            editor.check("#id_publish_despite_advice")
        assert "Published" in press(editor, "publish")

    reader = browser.new_context(viewport=PHONE, color_scheme="dark").new_page()
    for article, where in ((first, "figure.hero"), (first, ".prose"), (second, ".prose")):
        reader.goto(f"{live_server.url}{Article.objects.get(pk=article.pk).get_absolute_url()}")
        for kind in ("avif", "webp"):
            source = reader.locator(f"{where} picture source[type='image/{kind}']")
            assert "640w" in source.get_attribute("srcset")
        shown = reader.locator(f"{where} picture img")
        assert shown.get_attribute("alt") == "A harbour at first light"
        assert shown.get_attribute("width") and shown.get_attribute("sizes")
        shown.scroll_into_view_if_needed()
        reader.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=shown.element_handle()
        )
        # The first type the browser can show: Chromium shows AVIF.
        assert ".avif" in shown.evaluate("img => img.currentSrc")

    writer.goto(f"{live_server.url}/admin/articles/image/{image.pk}/change/")
    used = writer.inner_text(".field-usage")
    assert "Light in the morning (hero image)" in used and "Waking up gently" in used

    # A new caption from the library's form reaches the page the reader already had.
    writer.fill("#id_caption", "The first light of the day.")
    with writer.expect_navigation():
        writer.click("input[name=_continue]")
    reader.goto(f"{live_server.url}{Article.objects.get(pk=first.pk).get_absolute_url()}")
    caption = reader.inner_text("figure.hero figcaption")
    assert caption.startswith("The first light of the day.") and "Sam Shore" in caption
