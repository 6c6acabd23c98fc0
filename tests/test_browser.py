"""In a real browser: writer and editor publish through the admin; readers need no JavaScript."""

import json
import os
import shutil

import pytest

from articles.models import Article, Status

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the dev extra is not installed
    sync_playwright = None

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "pass-for-tests"  # as set by tests/conftest.py

# Playwright's sync API keeps an event loop in this thread; the ORM calls made here
# between page actions are ordinary blocking calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def unavailable(message):
    """CI must run these tests; elsewhere a missing browser only skips them."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright."""
    if sync_playwright is None:
        unavailable("Playwright is not installed (pip install -e '.[dev]')")
    if not os.path.exists(CHROMIUM):
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def log_in(browser, live_server, username):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_roles")
def test_writer_and_editor_publish_through_the_admin(
    browser, live_server, writer, editor, author, topic
):
    """Draft → review → published by clicking, with the live Markdown preview sanitized."""
    page = log_in(browser, live_server, writer.username)
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_title", "Sleep and the anxious mind")
    page.fill("#id_summary", "Why worry keeps you up.")
    page.fill("#id_meta_description", "Why worry keeps you awake at night, and what helps.")
    # The search panel follows the typing, without a save.
    panel = page.locator(".search-panel")
    panel.locator("text=Meta description: 51 of 160 characters").wait_for()
    assert "Why worry keeps you awake" in panel.locator(".serp-description").inner_text()
    page.fill("textarea#id_body", "## Why it happens\n\n**Stress** <script>alert(1)</script>")
    preview = page.locator(".field-body .markdownx-preview")
    preview.locator("h2").wait_for()
    assert "<strong>Stress</strong>" in preview.inner_html()
    assert "<script" not in preview.inner_html()
    for field, name in (("author", author.name), ("topic", topic.name)):
        page.click(f".field-{field} .select2-selection")
        page.fill(".select2-search__field", name[:3])
        page.click(f".select2-results__option:has-text('{name}')")
    page.click(".action-bar button[name=_continue]")
    page.wait_for_url("**/change/")
    if os.environ.get("DESK_SCREENSHOT"):
        page.screenshot(path=os.environ["DESK_SCREENSHOT"])
    # At 1366×900 the moves sit in the action bar, in view without scrolling, 24 px or taller.
    submit = page.locator("button[name=_transition][value=submit]")
    box = submit.bounding_box()
    assert box["y"] + box["height"] <= 900 and box["height"] >= 24
    with page.expect_navigation():  # back to the same change page
        page.click("button[name=_transition][value=submit]")
    assert "is now in review" in page.inner_text(".messagelist")
    assert page.locator("button[name=_transition][value=publish]").count() == 0
    article = Article.objects.get(title="Sleep and the anxious mind")
    assert article.status == Status.IN_REVIEW

    page = log_in(browser, live_server, editor.username)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    with page.expect_navigation():
        page.click("button[name=_transition][value=publish]")
    # A short article draws suggestions: publishing past them is the editor's choice.
    assert "Not published yet" in page.inner_text(".messagelist")
    assert "write 300 or more" in page.inner_text(".messagelist")
    page.check("input[name=_publish_despite_advice]")
    with page.expect_navigation():
        page.click("button[name=_transition][value=publish]")
    assert "is now live" in page.inner_text(".messagelist")
    assert editor.username in page.inner_text(".transition-history")

    reader = browser.new_context(java_script_enabled=False).new_page()
    response = reader.goto(f"{live_server.url}/articles/{article.slug}/")
    assert response.status == 200
    assert reader.inner_text("h1") == "Sleep and the anxious mind"
    # Styled under the page's own policy: the inline stylesheet is the one it allows.
    assert "Georgia" in reader.locator("body").evaluate("b => getComputedStyle(b).fontFamily")
    assert reader.locator("article .prose h2").inner_text() == "Why it happens"
    assert reader.locator(".byline a[rel=author]").inner_text() == author.name
    graph = json.loads(reader.locator("script[type='application/ld+json']").text_content())
    types = {node["@type"] for node in graph["@graph"] if isinstance(node["@type"], str)}
    assert {"Article", "BreadcrumbList"} <= types
    assert types & {"WebPage", "MedicalWebPage"}
