"""In Chromium, on a phone in dark mode and under the admin's real policy: an editor moves
a live article to the trash, a reader gets the 410 page, the editor restores it."""

import pytest

from articles.models import Article, Status
from tests.test_browser import browser  # noqa: F401 - shared fixture
from tests.test_desk_browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]
PHONE = {"width": 390, "height": 844}


def test_trash_and_restore_on_a_phone(browser, live_server, editor, make_article, publish):  # noqa: F811
    """The confirmation fits the screen, the move lands, readers get 410, Restore works."""
    article = publish(make_article("Cold weather advice"))
    address = article.get_absolute_url()
    page = log_in(browser, live_server, editor, viewport=PHONE, color_scheme="dark")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/delete/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.fill("#id_note", "Replaced by the winter guide.")
    page.click("#trash-form input[type=submit]")
    assert "Moved “Cold weather advice” to the trash" in page.inner_text(".messagelist")
    assert Article.objects.get(pk=article.pk).status == Status.TRASHED

    reader = browser.new_context(viewport=PHONE, java_script_enabled=False).new_page()
    response = reader.goto(f"{live_server.url}{address}")
    assert response.status == 410 and reader.inner_text("h1") == "Page removed"

    page.click(".messagelist a:has-text('Open it to restore')")
    # The click only starts the navigation; measure the change page once it has loaded.
    page.wait_for_url(f"**/admin/articles/article/{article.pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("#restore-form button")
    assert "Restored “Cold weather advice”" in page.inner_text(".messagelist")
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert reader.goto(f"{live_server.url}{address}").status == 404
    assert errors == []
