"""In Chromium: the review conversation end to end, the import page, and axe on our pages."""

import io
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from articles.models import Article, Comment, Image, Status
from tests.test_browser import PASSWORD, browser, unavailable  # noqa: F401 - shared fixture
from tests.test_images import picture

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORT = {"width": 1366, "height": 900}
CITED = [
    {"title": "Insomnia", "publisher": "NHS", "url": "https://www.nhs.uk/conditions/insomnia/",
     "date": "2024-03", "doi": "", "pmid": ""},
    {"title": "A cognitive model of insomnia", "publisher": "Behaviour Research and Therapy",
     "url": "", "date": "2002", "doi": "10.1016/S0005-7967(01)00061-4", "pmid": "12186352"},
]  # fmt: skip

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]


def log_in(browser, live_server, user, viewport=VIEWPORT, **context):  # noqa: F811
    page = browser.new_context(viewport=viewport, **context).new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    # Signed in once the next page has loaded, before anything else asks for one.
    with page.expect_navigation():
        page.click("input[type=submit]")
    return page


def axe_violations(page):
    if not AXE.exists():
        unavailable(f"axe-core not found at {AXE} (make axe, which needs npm)")
    page.add_script_tag(content=AXE.read_text())
    return page.evaluate(
        """async () => (await axe.run()).violations.map(
            v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(" ")).join(", ")}`)"""
    )


def test_comment_request_changes_and_the_writer_finds_it(
    browser,  # noqa: F811
    live_server,
    writer,
    editor,
    make_article,
):
    """Editor comments and sends back; the writer sees note, comment and inbox; mail goes out."""
    for user in (writer, editor):
        user.email = f"{user.username}@example.test"
        user.save()
    article = make_article("Sleep and stress", user=writer)
    article.submit_for_review(writer)

    page = log_in(browser, live_server, editor)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.fill("#id_comment_text", "Which study is the 40% from?")
    page.select_option("#id_comment_field", "body")
    page.click(".comment-new button[type=submit]")
    # Posted in place: the page stays, the comment appears and the notice is announced.
    page.locator("#comments :text('Which study is the 40% from?')").wait_for()
    page.locator("#comment-notice:has-text('Comment added.')").wait_for(state="attached")
    page.fill("#id_transition_note", "Please cite the study.")
    request_changes = page.locator("button[name=_transition][value=request_changes]")
    box = request_changes.bounding_box()
    assert box["y"] + box["height"] <= VIEWPORT["height"] and box["height"] >= 24
    request_changes.click()
    assert "is now draft" in page.inner_text(".messagelist").lower()

    page = log_in(browser, live_server, writer)
    desk = page.locator("#sent-back")
    assert "Sleep and stress" in desk.inner_text()
    assert "Please cite the study." in desk.inner_text()
    assert "Which study is the 40% from?" in desk.inner_text()
    assert "(2 unread)" in page.inner_text("#user-tools").lower()
    page.click("#sent-back a:has-text('Sleep and stress')")
    bar = page.locator(".action-bar")
    assert "Please cite the study." in bar.inner_text()
    assert "1 open comment" in bar.inner_text()
    assert "Which study is the 40% from?" in page.inner_text("#comments")
    assert Comment.objects.get().field == "body"
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT

    assert mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())
    sent = {(message.to[0], message.body.split("\n")[0]) for message in mail.outbox}
    assert ("eddie@example.test", "wendy sent “Sleep and stress” for review.") in sent
    assert (
        "wendy@example.test",
        "eddie asked for changes to “Sleep and stress”: Please cite the study.",
    ) in sent
    assert any(to == "wendy@example.test" and "commented" in body for to, body in sent)


def test_importing_many_files_shows_progress_and_links(
    browser,  # noqa: F811
    live_server,
    editor,
    seed_a,
    seed_b,
):
    """Two files go in one at a time; the report ends at 2 of 2 with a link per draft."""
    page = log_in(browser, live_server, editor)
    page.goto(f"{live_server.url}/admin/articles/article/import/")
    page.set_input_files("input[type=file]", [str(seed_a), str(seed_b)])
    page.click("#import-form [type=submit]")
    page.locator("#import-summary:has-text('2 of 2')").wait_for()
    assert page.locator("#import-progress").get_attribute("value") == "2"
    assert page.locator("#import-rows a:has-text('Open “')").count() == 2
    assert Article.objects.count() == 2


PROSE = (
    "Intro paragraph.[^1]\n\n## A section\n\n> A quoted line.\n\n```\nsleep --early\n```\n\n"
    "| Hours | Feeling |\n|---|---|\n| 8 | Rested |\n\nMore text."
)
SCHEMES = ["light", "dark"]
SCREENS = [{"width": 1366, "height": 900}, {"width": 390, "height": 844}]


@pytest.mark.parametrize("viewport", SCREENS, ids=["laptop", "phone"])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_nothing_on_the_pages_we_own(
    browser,  # noqa: F811
    live_server,
    writer,
    editor,
    clinician,
    make_article,
    make_faq,
    publish_reviewed,
    scheme,
    viewport,
):
    """Every admin page a writer, editor and reviewer reach, in each scheme and width: no axe."""
    due = publish_reviewed(make_article("A review falling due", medical_review=True))
    Article.objects.filter(pk=due.pk).update(review_due=due.last_reviewed)
    # With a source, so the sources rows hold values as well as blanks; a quote, code and a
    # table, so the preview and the reviewer's read-only text show each of prose.css's parts.
    article = make_article(
        "A page to check", user=writer, sources=CITED, medical_review=True, body=PROSE
    )
    question = make_faq("Does it check?", user=writer)
    article.submit_for_review(writer)
    # One in the trash, for its page and the list's filter; the live one to trash.
    trashed = make_article("A page in the trash", user=writer)
    trashed.move_to_trash(editor)
    image = Image(alt="A quiet bedroom at dusk", licence="CC BY 4.0")
    image.file.save("bedroom.jpg", picture(1200, 800), save=False)
    image.save()
    admin = "/admin/articles/article"
    library = "/admin/articles/image"
    everyone = [
        "/admin/",
        "/admin/articles/notification/",
        "/admin/account/",
        "/admin/password_change/",
        f"{library}/",
        f"{library}/{image.pk}/change/",
    ]
    pages = [
        *everyone,
        f"{admin}/add/",
        f"{admin}/{article.pk}/change/",
        "/admin/faq/faqentry/",
        "/admin/faq/faqentry/add/",
        f"/admin/faq/faqentry/{question.pk}/change/",
        f"/admin/faq/faqentry/{question.pk}/history/",
        f"{admin}/{article.pk}/history/",
        f"{admin}/{article.pk}/history/compare/",
        f"{admin}/{article.pk}/comments/",
        f"{admin}/import/",
        f"{admin}/",
        f"{library}/add/",
    ]
    # The article in review is the reviewer's sign-off form.
    reviewer_pages = [*everyone, f"{admin}/{article.pk}/change/", f"{admin}/?review=awaiting"]
    editor_pages = [
        *pages,
        "/admin/articles/undeliveredmail/",
        "/admin/activity/",
        f"/admin/activity/?item=articles.article:{article.pk}",
        f"{admin}/{due.pk}/delete/",
        f"{admin}/{trashed.pk}/change/",
        f"{admin}/?state=trashed",
    ]
    found, runs = {}, 0
    for user, paths in ((writer, pages), (editor, editor_pages), (clinician, reviewer_pages)):
        # axe is injected as an inline script, which the admin's CSP rightly refuses.
        page = log_in(browser, live_server, user, bypass_csp=True, color_scheme=scheme,
                      viewport=viewport)  # fmt: skip
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, f"{user.username} {path}: {response.status}"
            runs += 1
            if violations := axe_violations(page):
                found[f"{user.username} {path}"] = violations
        page.context.close()
    assert runs == len(pages) + len(editor_pages) + len(reviewer_pages)
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_reader_pages(
    browser,  # noqa: F811
    live_server,
    published,
    make_article,
    publish,
    editor,
    scheme,
):
    """Home, articles with and without a hero image, search, topics, authors, FAQ, 404."""
    # Cited sources too: the Sources section and the links to it.
    pictured = make_article(
        "Pictured piece",
        hero_image_alt="A quiet bedroom at dusk",
        body="Intro.[^1]\n\n## One\n\nA.[^2]\n\n## Two\n\nB.\n\n## Three\n\nC.",
        sources=CITED,
    )
    pictured.hero_image.save("bedroom.jpg", picture(), save=False)
    pictured.save(user=editor)
    publish(pictured)
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    found = {}
    paths = [
        "/", published.get_absolute_url(), pictured.get_absolute_url(),
        "/search/?q=published", "/search/?q=zebra",
        "/topics/", "/authors/", "/faq/", "/faq/sleep/", "/no-such-page/",
    ]  # fmt: skip
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        if violations := axe_violations(page):
            found[path] = violations
    context.close()
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_change_form_fits_a_phone(
    browser,  # noqa: F811
    live_server,
    editor,
    make_article,
):
    """At 390 px nothing pushes the article form sideways, preview and comment boxes included."""
    article = make_article("A long enough title to wrap on a narrow screen", user=editor)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.fill("textarea#id_body", "## A heading that is long enough to need wrapping\n\nText.")
    page.locator(".field-body .markdownx-preview h2").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("button[name=_continue]").is_visible()
    context.close()
