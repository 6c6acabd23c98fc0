"""In Chromium: the page from the unsaved form, beside it at three widths and in a new tab."""

import pytest

from tests.test_browser import browser  # noqa: F401 - shared fixture
from tests.test_desk_browser import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]


def test_the_preview_follows_typing_at_three_widths_and_opens_in_a_new_tab(
    browser,  # noqa: F811
    live_server,
    writer,
    make_article,
):
    """Typed, unsaved text shows in the panel's frame at phone, tablet and desktop widths,
    in the reader's typeface, and the Preview button opens it in a new tab."""
    article = make_article("Saved title", user=writer)
    page = log_in(browser, live_server, writer)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.click("#preview-panel summary")
    page.fill("#id_title", "Typed but not saved")
    frame = page.frame_locator("iframe[name=preview-frame]")
    heading = frame.locator("h1")
    heading.filter(has_text="Typed but not saved").wait_for()
    text = frame.locator(".prose p").first
    family = text.evaluate("p => getComputedStyle(p).fontFamily")
    assert "Georgia" in family, family
    for label, width in (("Phone", 390), ("Tablet", 768), ("Desktop", 1280)):
        page.click(f"label:has-text('{label} (')")
        # The width the page inside is laid out for, as a reader's screen would give it.
        assert frame.locator("html").evaluate("html => window.innerWidth") == width, label

    with page.context.expect_page() as opened:
        page.click("button[formtarget=_blank]")
    tab = opened.value
    tab.wait_for_load_state()
    assert "Typed but not saved" in tab.inner_text("h1")
    assert "Preview of your unsaved changes" in tab.inner_text(".preview-banner")
    article.refresh_from_db()
    assert article.title == "Saved title"
