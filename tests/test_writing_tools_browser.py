"""In Chromium: the writing tools above the body. Ctrl+B, the link picker (live articles
only), a citation from the sources table, an image uploaded through the dialog and shown
on the public page, axe with each dialog open in both themes, and the toolbar on a phone."""

import io

import pytest
from PIL import Image as Pillow

from articles.models import Article, Image
from tests.test_browser import PASSWORD, browser  # noqa: F401 - shared fixture
from tests.test_desk_browser import CITED, axe_violations, log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]
BODY = "textarea#id_body"


def jpeg():
    buffer = io.BytesIO()
    Pillow.new("RGB", (1200, 800), (200, 140, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def body(page):
    return page.locator(BODY).input_value()


def open_form(page, live_server, article):
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.locator(".writing-toolbar[aria-controls=id_body]").wait_for()


def select(page, start, end):
    page.locator(BODY).evaluate(f"(a) => {{ a.focus(); a.setSelectionRange({start}, {end}); }}")


def test_bold_link_picker_and_citation(
    browser,  # noqa: F811
    live_server,
    writer,
    make_article,
    publish,
):
    """Ctrl+B wraps the selection; Ctrl+K finds the live article by part of its title (the
    draft with the same words is never offered) and writes its path; Citation writes [^1]."""
    live = publish(make_article("Sleep hygiene basics"))
    make_article("Sleep hygiene secrets")  # a draft
    article = make_article("Resting", user=writer, sources=CITED[:1], body="Rest well tonight.")
    page = log_in(browser, live_server, writer)
    open_form(page, live_server, article)
    toolbar = page.locator(".writing-toolbar")
    assert toolbar.get_attribute("role") == "toolbar"
    names = [b.get_attribute("aria-label") for b in toolbar.locator("button").all()]
    assert names == ["Heading", "Bold", "Italic", "Bulleted list", "Link", "Citation", "Image"]
    assert "Control+B" in toolbar.locator("[data-tool=bold]").get_attribute("aria-keyshortcuts")

    typed = []
    page.locator(BODY).evaluate(
        "(a) => a.addEventListener('input', () => document.body.dataset.typed = a.value)"
    )
    select(page, 5, 9)
    page.keyboard.press("Control+b")
    assert body(page) == "Rest **well** tonight."
    assert (
        page.locator(BODY).evaluate("a => a.value.slice(a.selectionStart, a.selectionEnd)")
        == "well"
    )
    typed.append(page.evaluate("document.body.dataset.typed"))
    assert typed == ["Rest **well** tonight."]  # the previews heard an input event
    # The browser's own undo takes it back.
    page.keyboard.press("Control+z")
    assert body(page) == "Rest well tonight."

    select(page, 0, 4)
    page.keyboard.press("Control+k")
    dialog = page.locator("dialog.writing-dialog[open]")
    dialog.locator("input[role=combobox]").fill("hygiene")
    dialog.locator("[role=option]:has-text('Sleep hygiene basics')").wait_for()
    offered = dialog.locator("[role=option]").all_inner_texts()
    assert not any("secrets" in text for text in offered), offered
    page.keyboard.press("Enter")
    assert body(page) == f"[Rest]({live.get_absolute_url()}) well tonight."
    page.locator("#id_body:focus").wait_for()

    # An external address typed in.
    page.locator(BODY).evaluate(
        "(a) => { a.focus(); a.setSelectionRange(a.value.length, a.value.length); }"
    )
    page.click(".writing-toolbar [data-tool=link]")
    dialog.locator("input[role=combobox]").fill("https://www.nhs.uk/")
    page.keyboard.press("Enter")
    assert body(page).endswith("tonight.[https://www.nhs.uk/](https://www.nhs.uk/)")

    page.click(".writing-toolbar [data-tool=cite]")
    dialog.locator("button:has-text('[^1]')").click()
    assert body(page).endswith("[^1]")
    page.locator("#id_body:focus").wait_for()


def test_heading_italic_and_list(
    browser,  # noqa: F811
    live_server,
    writer,
    make_article,
):
    """Each writes Markdown at the selection, by its shortcut or its button."""
    article = make_article("Lists", user=writer, body="Tea\nMilk")
    page = log_in(browser, live_server, writer)
    open_form(page, live_server, article)
    select(page, 0, 8)
    page.keyboard.press("Control+Shift+8")
    assert body(page) == "- Tea\n- Milk"
    page.click(".writing-toolbar [data-tool=list]")
    assert body(page) == "Tea\nMilk"
    select(page, 1, 1)
    page.keyboard.press("Control+Alt+2")
    assert body(page) == "## Tea\nMilk"
    select(page, 7, 11)
    page.keyboard.press("Control+i")
    assert body(page) == "## Tea\n*Milk*"
    page.locator(BODY).fill("")
    page.click(".writing-toolbar [data-tool=list]")
    assert body(page) == "- List item"
    assert page.locator(BODY).evaluate("a => a.value.slice(a.selectionStart, a.selectionEnd)") == (
        "List item"
    )


def test_faq_answers_on_the_article_have_the_toolbar(
    browser,  # noqa: F811
    live_server,
    writer,
    make_article,
    make_faq,
):
    """A saved FAQ answer and one added with "Add another" each get one working toolbar;
    the inline's hidden template row gets none, so the copy carries no dead one."""
    article = make_article("With questions", user=writer)
    make_faq("Does light help?", answer="Yes, mostly.", user=writer, article=article)
    page = log_in(browser, live_server, writer)
    open_form(page, live_server, article)
    page.click("#faqs-group summary")
    saved = page.locator("#id_faqs-0-answer")
    saved.evaluate("a => { a.focus(); a.setSelectionRange(0, 3); }")
    page.keyboard.press("Control+b")
    assert saved.input_value() == "**Yes**, mostly."
    assert page.locator("#faqs-empty .writing-toolbar").count() == 0
    page.click("#faqs-group .add-row a")
    added = page.locator("#id_faqs-1-answer")
    added.fill("Light in the morning.")
    toolbars = page.locator("#faqs-1 .writing-toolbar")
    assert toolbars.count() == 1
    added.evaluate("a => { a.focus(); a.setSelectionRange(0, 5); }")
    toolbars.locator("[data-tool=italic]").click()
    assert added.input_value() == "*Light* in the morning."


def test_citation_without_sources_points_to_the_sources_table(
    browser,  # noqa: F811
    live_server,
    writer,
    make_article,
):
    article = make_article("Uncited", user=writer, body="Text.")
    page = log_in(browser, live_server, writer)
    open_form(page, live_server, article)
    page.click(".writing-toolbar [data-tool=cite]")
    page.locator(".writing-announce:has-text('add one in Sources first')").wait_for()
    assert "sources" in page.evaluate("document.activeElement.id")
    assert body(page) == "Text."


def test_an_image_uploaded_through_the_dialog_shows_on_the_public_page(
    browser,  # noqa: F811
    live_server,
    writer,
    editor,
    make_article,
):
    article = make_article("Morning light", user=writer, body="Light helps.\n\n## Why\n\nIt does.")
    page = log_in(browser, live_server, writer)
    open_form(page, live_server, article)
    select(page, 12, 12)
    page.click(".writing-toolbar [data-tool=image]")
    dialog = page.locator("dialog.writing-dialog[open]")
    dialog.locator("input[type=file]").set_input_files(
        {"name": "harbour.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}
    )
    dialog.get_by_label("Alt text").fill("A harbour at first light")
    dialog.get_by_label("Licence").fill("CC BY 4.0")
    dialog.locator("button:has-text('Upload and insert')").click()
    dialog.wait_for(state="detached", timeout=20000)
    image = Image.objects.get()
    assert image.alt == "A harbour at first light" and image.renditions["widths"]
    assert body(page) == (
        f"Light helps.\n\n![A harbour at first light](image:{image.pk})\n\n## Why\n\nIt does."
    )
    # Chosen again from the library by searching.
    select(page, 0, 0)
    page.click(".writing-toolbar [data-tool=image]")
    dialog.locator("input[role=combobox]").fill("harbour")
    dialog.locator("[role=option]:has-text('A harbour at first light') img").wait_for()
    page.keyboard.press("Escape")
    page.locator("#id_body:focus").wait_for()

    with page.expect_navigation():  # the same change page again, saved
        page.click("button[name=_continue]")
    article = Article.objects.get(pk=article.pk)
    assert f"(image:{image.pk})" in article.body
    article.submit_for_review(writer)
    article.publish(editor)
    reader = browser.new_context().new_page()
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    picture = reader.locator("article picture, main picture").first
    assert picture.locator("img").get_attribute("srcset")
    assert picture.locator("img").get_attribute("alt") == "A harbour at first light"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_with_each_dialog_open(
    browser,  # noqa: F811
    live_server,
    writer,
    make_article,
    publish,
    scheme,
):
    """The toolbar and its link, citation and image dialogs, light and dark: no axe violations."""
    publish(make_article("Sleep hygiene basics"))
    article = make_article("Resting", user=writer, sources=CITED, body="Rest well.")
    page = log_in(browser, live_server, writer, bypass_csp=True, color_scheme=scheme)
    open_form(page, live_server, article)
    found = {}
    run = """async () => (await axe.run()).violations.map(
        v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(" ")).join(", ")}`)"""
    if violations := axe_violations(page):  # injects axe
        found["toolbar"] = violations
    dialog = page.locator("dialog.writing-dialog[open]")
    for tool, wait in (
        ("link", "[role=option]"),
        ("cite", "button"),
        ("image", "input[type=file]"),
    ):
        page.click(f".writing-toolbar [data-tool={tool}]")
        dialog.locator(wait).first.wait_for()
        if tool == "link":
            dialog.locator("input[role=combobox]").fill("sleep")
            dialog.locator("[role=option]").first.wait_for()
        if violations := page.evaluate(run):
            found[tool] = violations
        page.keyboard.press("Escape")
        dialog.wait_for(state="detached")
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_toolbar_fits_a_phone(
    browser,  # noqa: F811
    live_server,
    writer,
    make_article,
):
    article = make_article("Resting", user=writer)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", writer.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    open_form(page, live_server, article)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    bar = page.locator(".writing-toolbar")
    assert bar.evaluate("b => b.scrollWidth <= b.clientWidth")
    for button in bar.locator("button").all():
        box = button.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.click(".writing-toolbar [data-tool=image]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    dialog = page.locator("dialog.writing-dialog[open]").bounding_box()
    assert dialog["x"] >= 0 and dialog["x"] + dialog["width"] <= 390
    context.close()
