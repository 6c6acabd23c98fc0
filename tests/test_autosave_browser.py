"""In Chromium: a typed change survives a comment, a warning on leaving, and a reload."""

import pytest

from articles.models import Autosave, Comment, Revision
from tests.test_browser import browser  # noqa: F401 - the fixture
from tests.test_desk_browser import axe_violations, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]

TYPED = "A sentence typed and never saved."


def open_form(page, live_server, item):
    page.goto(f"{live_server.url}/admin/articles/article/{item.pk}/change/")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_typed_change_survives_a_comment_and_a_reload(
    browser,  # noqa: F811
    live_server,
    writer,
    make_article,
    scheme,
):
    """Typed text stays through a comment, is warned of on leaving, and is offered back."""
    item = make_article("Keeping words", user=writer)
    page = log_in(browser, live_server, writer, bypass_csp=True, color_scheme=scheme)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    open_form(page, live_server, item)
    page.fill("textarea#id_body", TYPED)
    # Marks this document: a reload would lose the mark.
    page.evaluate("window.stillHere = true")
    page.fill("#id_comment_text", "Is the second paragraph too long?")
    page.click(".comment-new button[type=submit]")
    page.locator(".comment-text:has-text('Is the second paragraph too long?')").wait_for()
    assert page.evaluate("window.stillHere") is True
    assert page.input_value("textarea#id_body") == TYPED
    comment = Comment.objects.get()
    assert page.evaluate("document.activeElement.id") == f"comment-{comment.pk}"
    page.locator("#autosave-state:has-text('kept for you')").wait_for()

    page.reload()
    assert dialogs == ["beforeunload"]
    offer = page.locator(".autosave-offer")
    offer.wait_for()
    assert page.input_value("textarea#id_body") != TYPED
    assert axe_violations(page) == []
    page.click("[data-autosave=restore]")
    assert offer.is_hidden()
    assert page.input_value("textarea#id_body") == TYPED

    with page.expect_navigation():  # the same change page again, saved
        page.click(".action-buttons button[name=_continue]")
    assert Revision.objects.filter(object_id=item.pk).latest("pk").content["fields"]["body"] == (
        TYPED
    )
    assert not Autosave.objects.exists()
    assert page.locator(".autosave-offer").count() == 0
    page.context.close()


def test_preview_in_a_new_tab_keeps_the_warning_and_an_unchanged_form_has_none(
    browser,  # noqa: F811
    live_server,
    writer,
    make_article,
):
    """An untouched form leaves freely; after the preview tab opens, the edits still warn."""
    item = make_article("Previewed words", user=writer)
    page = log_in(browser, live_server, writer)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    open_form(page, live_server, item)
    page.reload()
    assert dialogs == []
    page.fill("textarea#id_body", TYPED)
    with page.context.expect_page() as opened:
        page.click(".action-state button[formtarget=_blank]")
    opened.value.close()
    page.reload()
    assert dialogs == ["beforeunload"]
    page.context.close()


def test_kept_text_that_matches_the_form_is_not_offered(
    browser,  # noqa: F811
    live_server,
    writer,
    make_article,
):
    """Typing and undoing leaves nothing to offer: the slot is quietly forgotten."""
    item = make_article("Undone words", user=writer)
    page = log_in(browser, live_server, writer)
    open_form(page, live_server, item)
    original = page.input_value("textarea#id_body")
    page.fill("textarea#id_body", TYPED)
    page.locator("#autosave-state:has-text('kept for you')").wait_for()
    with page.expect_response(lambda response: response.url.endswith("/autosave/")):
        page.fill("textarea#id_body", original)
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_response(lambda response: response.status == 204):
        page.reload()  # the form now holds what was kept, so the slot is discarded
    assert page.locator(".autosave-offer").is_hidden()
    assert not Autosave.objects.exists()
    page.context.close()
