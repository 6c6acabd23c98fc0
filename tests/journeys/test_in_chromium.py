"""In Chromium, on the desk: the health article's path from first draft to readers, as the
demo writer, editor and medical reviewer click through it, with a real hero image chosen
in the file input; then the public page on a phone in dark mode."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.journeys.conftest import PASSWORDS, picture
from tests.test_browser import browser  # noqa: F401 - shared fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TITLE = "Cluster headaches: what to do during an attack"


def sign_in(browser, live_server, username):  # noqa: F811
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORDS[username])
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def choose(page, field, text):
    """Pick ``text`` in an autocomplete field, as a person types and chooses."""
    page.click(f"#{field} + .select2")
    page.fill(".select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def open_faqs(page):
    """Unfold the FAQ entries, folded under the article's own text."""
    if not page.locator("#faqs-group details").evaluate("details => details.open"):
        page.click("#faqs-group summary")


def press(page, action, note=""):
    if note:
        page.fill("#id_transition_note", note)
    # A move answers with the same change page: wait for the new one, not the URL.
    with page.expect_navigation():
        page.click(f"button[name=_transition][value={action}]")
    return page.inner_text(".messagelist")


def test_the_health_article_journey_in_chromium(browser, live_server, tmp_path):  # noqa: F811
    """Writer drafts with a hero image, sources and a question; editor and clinician send
    it back; the clinician signs off; the editor publishes; a reader on a phone sees it."""
    call_command("load_sample_content", stdout=io.StringIO())
    photo = tmp_path / "attack.jpg"
    photo.write_bytes(picture("JPEG"))

    writer = sign_in(browser, live_server, "writer")
    writer.goto(f"{live_server.url}/admin/articles/article/add/")
    writer.fill("#id_title", TITLE)
    writer.fill("#id_summary", "Oxygen, a quiet room and when to call for help.")
    writer.fill("#id_body", "Attacks are short but severe.[^1]\n\n## During an attack\n\n"
                "Sit upright and breathe slowly.[^1]\n")  # fmt: skip
    choose(writer, "id_author", "Maya Okafor")
    choose(writer, "id_topic", "Sleep")
    writer.fill("#id_sources-0-title", "Cluster headaches")
    writer.fill("#id_sources-0-publisher", "NHS")
    writer.fill("#id_sources-0-url", "https://www.nhs.uk/conditions/cluster-headaches/")
    writer.set_input_files("#id_hero_image", str(photo))
    writer.fill("#id_hero_image_alt", "A man sitting upright in a dark room")
    writer.fill("#id_meta_description", "What to do during a cluster headache attack.")
    open_faqs(writer)
    writer.click("text=Add another FAQ entry")
    writer.fill("#id_faqs-0-title", "Does oxygen help?")
    writer.fill("#id_faqs-0-answer", "For many people, yes, prescribed by a specialist.")
    writer.click(".action-bar button[name=_continue]")
    writer.wait_for_url("**/change/")
    article = Article.objects.get(title=TITLE)
    assert article.hero_renditions["widths"], "the upload made no renditions"
    assert "Submitted for review" in press(writer, "submit", "First draft.")

    editor = sign_in(browser, live_server, "editor")
    editor.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    assert "Requested changes" in press(editor, "request_changes", "Add when to call 999.")
    writer.reload()
    writer.fill("#id_body", writer.input_value("#id_body") + "\nCall 999 if it is the first.\n")
    with writer.expect_navigation():
        writer.click("button[name=_continue]")
    assert "Submitted for review" in press(writer, "submit", "Added 999.")

    reviewer = sign_in(browser, live_server, "reviewer")
    url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    reviewer.goto(url)
    assert "Requested changes" in press(reviewer, "request_changes", "Oxygen needs a flow rate.")
    writer.reload()
    open_faqs(writer)
    writer.fill("#id_faqs-0-answer", "Yes: high-flow oxygen, prescribed by a specialist.")
    with writer.expect_navigation():
        writer.click("button[name=_continue]")
    assert "Submitted for review" in press(writer, "submit", "Flow rate.")
    reviewer.goto(url)
    message = press(reviewer, "sign_off", "Accurate.")
    assert "Signed off the medical review" in message
    assert reviewer.locator("button[value=sign_off]").count() == 0

    editor.goto(url)
    if editor.locator("#id_publish_despite_advice").count():
        editor.check("#id_publish_despite_advice")
    assert "Published" in press(editor, "publish")

    reader = browser.new_context(viewport=PHONE, color_scheme="dark").new_page()
    reader.goto(f"{live_server.url}{Article.objects.get(pk=article.pk).get_absolute_url()}")
    assert reader.inner_text("h1") == TITLE
    hero = reader.locator("figure.hero img")
    assert hero.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "Medically reviewed by" in reader.inner_text("main")
    assert "Does oxygen help?" in reader.inner_text("main")
    shots = Path(tmp_path)
    reader.screenshot(path=str(shots / "phone-dark.png"), full_page=True)
