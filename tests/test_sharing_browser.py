"""In Chromium: a share link made on the change form, opened in a browser without an
account, feedback sent with the page's own form, no script needed; axe on both pages."""

import re

import pytest

from articles.models import Comment, ShareLink
from tests.test_browser import browser  # noqa: F401 - shared fixture
from tests.test_desk_browser import VIEWPORT, axe_violations, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]


def violations_within(page, selector):
    """axe's findings inside one part of the page: the section this feature adds."""
    axe_violations(page)  # injects axe
    return page.evaluate(
        """async (selector) => (await axe.run(selector)).violations.map(
            v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(" ")).join(", ")}`)""",
        selector,
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_share_link_from_the_form_to_feedback(
    browser,  # noqa: F811
    live_server,
    writer,
    editor,
    make_article,
    scheme,
):
    """The editor makes a labelled link; a visitor with scripts off reads the draft under
    the banner and sends feedback, which is a comment; neither page has axe violations;
    revoking it from the form closes the page."""
    article = make_article("Worry at night", user=writer)
    page = log_in(browser, live_server, editor, bypass_csp=True, color_scheme=scheme)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.fill("#id_share_label", "For Dr Lee")
    page.select_option("#id_share_days", "3")
    with page.expect_navigation():  # the change page again, with the new link
        page.click("#share-form button[type=submit]")
    message = page.inner_text(".messagelist")
    address = re.search(r"https?://\S+/share/[A-Za-z0-9_-]+/", message).group(0)
    row = page.locator("#sharing tbody tr")
    assert row.count() == 1 and "For Dr Lee" in row.inner_text()
    assert violations_within(page, "#sharing") == []

    visitor = browser.new_context(
        viewport=VIEWPORT, java_script_enabled=False, color_scheme=scheme
    ).new_page()
    visitor.goto(address)
    assert "Preview shared for review" in visitor.inner_text(".preview-banner")
    assert visitor.locator("h1").inner_text() == "Worry at night"
    visitor.fill("#id_name", "Dr Lee")
    visitor.fill("#id_text", "Paragraph two needs a source.")
    with visitor.expect_navigation():  # the same shared page, thanking them
        visitor.click("#feedback-form button[type=submit]")
    assert "your feedback was sent" in visitor.inner_text("#feedback")
    assert Comment.objects.get().text.endswith("Paragraph two needs a source.")
    assert ShareLink.objects.get().opened_count == 1

    # axe is injected as a script, which the visitor's context has turned off.
    checker = browser.new_context(viewport=VIEWPORT, bypass_csp=True, color_scheme=scheme)
    shared = checker.new_page()
    shared.goto(address)
    assert axe_violations(shared) == []
    checker.close()

    page.reload()
    page.click("#sharing tbody button[type=submit]")
    assert "revoked" in page.inner_text(".messagelist")
    assert visitor.goto(address).status == 410
