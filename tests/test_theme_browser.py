"""In Chromium: our admin colours follow the admin's theme toggle as well as the system."""

import pytest

from tests.test_browser import browser  # noqa: F401 - the fixture
from tests.test_desk_browser import CITED, PROSE, axe_violations, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]

BADGE = ".action-bar .status"
PREVIEW = ".field-body .markdownx-preview"


def colours(page):
    """The badge's text colour and the preview's paper, as computed."""
    return page.evaluate(
        """([badge, preview]) => {
            const b = getComputedStyle(document.querySelector(badge));
            const p = getComputedStyle(document.querySelector(preview));
            return [b.color, p.backgroundColor];
        }""",
        [BADGE, PREVIEW],
    )


def form_colours(browser, live_server, user, item, scheme, theme=None):  # noqa: F811
    page = log_in(browser, live_server, user, color_scheme=scheme)
    if theme:
        # Where the toggle keeps its choice; the admin's theme.js reads it on every page.
        page.evaluate("theme => localStorage.setItem('theme', theme)", theme)
    page.goto(f"{live_server.url}/admin/articles/article/{item.pk}/change/")
    assert page.evaluate("document.documentElement.dataset.theme") == (theme or "auto")
    found = colours(page)
    page.context.close()
    return found


def test_the_theme_toggle_gives_our_dark_colours_under_a_light_system(
    browser,  # noqa: F811
    live_server,
    writer,
    make_article,
):
    """One press of the toggle under a light system gives the colours a dark system gives."""
    item = make_article("Toggled", user=writer)
    light = form_colours(browser, live_server, writer, item, "light")
    dark = form_colours(browser, live_server, writer, item, "dark")
    assert all(a != b for a, b in zip(light, dark, strict=True))

    page = log_in(browser, live_server, writer, color_scheme="light")
    page.goto(f"{live_server.url}/admin/articles/article/{item.pk}/change/")
    assert colours(page) == light
    page.locator("#user-tools .theme-toggle").click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert colours(page) == dark
    page.context.close()


def test_a_stored_theme_wins_over_the_system(browser, live_server, writer, make_article):  # noqa: F811
    """A theme kept by the toggle overrides the system both ways: dark on light, light on dark."""
    item = make_article("Stored", user=writer)
    light = form_colours(browser, live_server, writer, item, "light")
    dark = form_colours(browser, live_server, writer, item, "dark")
    assert form_colours(browser, live_server, writer, item, "light", theme="dark") == dark
    assert form_colours(browser, live_server, writer, item, "dark", theme="light") == light


@pytest.mark.parametrize(("scheme", "theme"), [("light", "dark"), ("dark", "light")])
def test_axe_finds_nothing_when_the_toggle_overrides_the_system(
    browser,  # noqa: F811
    live_server,
    writer,
    editor,
    make_article,
    scheme,
    theme,
):
    """The theme chosen against the system's: the form, its preview and read-only text pass axe."""
    item = make_article("Toggled", user=writer, sources=CITED, body=PROSE)
    item.submit_for_review(writer)
    found = {}
    # The editor may change it (form and preview); the writer reads it while it is in review.
    for user in (editor, writer):
        page = log_in(browser, live_server, user, bypass_csp=True, color_scheme=scheme)
        page.evaluate("theme => localStorage.setItem('theme', theme)", theme)
        page.goto(f"{live_server.url}/admin/articles/article/{item.pk}/change/")
        if user == editor:
            page.locator(".field-body .markdownx-preview pre").wait_for()
        else:
            page.locator(".rendered-text pre").wait_for()
        if violations := axe_violations(page):
            found[user.username] = violations
        page.context.close()
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
