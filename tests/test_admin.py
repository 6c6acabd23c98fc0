"""The editorial admin: lists, workflow buttons, forged requests, bulk actions, the log."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status, Transition
from articles.publishing import markdown

CHANGELIST = "/admin/articles/article/"


def change_url(item):
    return f"{CHANGELIST}{item.pk}/change/"


class _FormFields(HTMLParser):
    """The values a browser would submit from the admin change form."""

    SKIP_TYPES = {"submit", "button", "file", "image", "reset"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data, self._in_form, self._textarea, self._select = {}, False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name") or ""
        if tag == "form":
            self._in_form = attrs.get("id", "").endswith("_form")
        if not self._in_form or "__prefix__" in name:
            return
        if tag == "input" and name and attrs.get("type", "text") not in self.SKIP_TYPES:
            if attrs.get("type") in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data[name] = attrs.get("value") or "on"
            else:
                self.data[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.data[name] = ""
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_data(client, item, **overrides):
    """GET the change page and return its form fields, as a browser would POST them."""
    response = client.get(change_url(item))
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = {name: value.removeprefix("\n") for name, value in parser.data.items()}
    return {**data, **overrides}


def buttons(response):
    return set(re.findall(r'name="_transition" value="(\w+)"', response.content.decode()))


def messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def in_state(make_article, writer, editor):
    """An article taken through the workflow to the given status."""

    def make(status, title="A calm mind"):
        item = make_article(title)
        if status != Status.DRAFT:
            item.submit_for_review(writer)
        if status == Status.PUBLISHED:
            item.publish(editor)
        item.refresh_from_db()
        return item

    return make


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_changelist_shows_status_author_topic(db, role, request, client, in_state):
    """Writers and editors see the article list with status, author and topic columns."""
    in_state(Status.IN_REVIEW, "Listed article")
    client.force_login(request.getfixturevalue(role))
    response = client.get(CHANGELIST)
    html = response.content.decode()
    assert response.status_code == 200
    for column in ("status_badge", "author", "topic"):
        assert f"column-{column}" in html
    assert ">Listed article</a>" in html
    assert '<span class="status status-in_review">In review</span>' in html
    assert '<td class="field-author nowrap">Ada Byline</td>' in html
    assert '<td class="field-topic nowrap">Sleep</td>' in html


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [(Status.DRAFT, "Drafty", "Livewire"), (Status.PUBLISHED, "Livewire", "Drafty")],
)
def test_changelist_filters_by_status(status, shown, hidden, client, editor, in_state):
    """The status filter lists only items in that state."""
    in_state(Status.DRAFT, "Drafty")
    in_state(Status.PUBLISHED, "Livewire")
    client.force_login(editor)
    html = client.get(CHANGELIST, {"status__exact": status}).content.decode()
    assert shown in html
    assert hidden not in html


@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [
        ("writer", Status.DRAFT, {"submit"}),
        ("writer", Status.IN_REVIEW, set()),
        ("writer", Status.PUBLISHED, set()),
        ("editor", Status.DRAFT, {"submit"}),
        ("editor", Status.IN_REVIEW, {"publish", "request_changes"}),
        ("editor", Status.PUBLISHED, {"unpublish"}),
    ],
)
def test_change_page_offers_exactly_the_allowed_moves(
    db, role, status, expected, request, client, in_state
):
    """The change page shows a button for each move the user may make from this state."""
    item = in_state(status)
    client.force_login(request.getfixturevalue(role))
    response = client.get(change_url(item))
    assert response.status_code == 200
    assert buttons(response) == expected


def test_change_page_button_labels(client, writer, in_state):
    """A writer on a draft sees “Submit for review” but no “Publish” button."""
    client.force_login(writer)
    html = client.get(change_url(in_state(Status.DRAFT))).content.decode()
    assert ">Submit for review</button>" in html
    assert ">Publish</button>" not in html


def test_change_page_shows_transition_history(client, editor, in_state):
    """After a submit, the history table names the writer and the change."""
    item = in_state(Status.IN_REVIEW)
    client.force_login(editor)
    html = client.get(change_url(item)).content.decode()
    table = re.search(r'<table class="transition-history">.*?</table>', html, re.S)
    assert table, "no transition history table on the change page"
    assert "wendy" in table.group(0)
    assert "Draft → In review" in table.group(0)


def test_writer_saves_edits_and_submits_in_one_post(client, writer, in_state):
    """Posting the form with _transition=submit saves the edit and submits the draft."""
    item = in_state(Status.DRAFT)
    client.force_login(writer)
    data = form_data(client, item, title="A calmer mind", _transition="submit")
    response = client.post(change_url(item), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.status) == ("A calmer mind", Status.IN_REVIEW)
    log = Transition.objects.get()
    assert (log.action, log.user) == ("submit", writer)


def test_writer_forged_publish_button_is_refused(client, writer, in_state):
    """A writer posting _transition=publish on an in-review item gets an error; nothing moves."""
    item = in_state(Status.IN_REVIEW)
    client.force_login(writer)
    response = client.post(change_url(item), {"_transition": "publish"}, follow=True)
    assert any("permission to publish" in m for m in messages(response))
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    assert not Transition.objects.filter(action="publish").exists()


def test_writer_forged_status_fields_are_ignored(client, writer, in_state):
    """A writer posting status and published_at in the form cannot publish or schedule."""
    item = in_state(Status.DRAFT)
    client.force_login(writer)
    data = form_data(
        client,
        item,
        status=Status.PUBLISHED,
        published_at_0="2030-01-01",
        published_at_1="10:00:00",
        published_at="2030-01-01 10:00:00",
        _save="Save",
    )
    assert "published_at_0" not in form_data(client, item)  # read-only for writers
    response = client.post(change_url(item), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    assert item.published_at is None
    assert not Transition.objects.exists()


def test_writer_cannot_run_bulk_publish(client, writer, in_state):
    """The bulk publish action is not offered to writers; forging it changes nothing."""
    item = in_state(Status.IN_REVIEW)
    client.force_login(writer)
    assert 'value="bulk_publish"' not in client.get(CHANGELIST).content.decode()
    response = client.post(
        CHANGELIST,
        {"action": "bulk_publish", "_selected_action": [item.pk], "index": "0"},
        follow=True,
    )
    assert "No action selected." in messages(response)
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    assert not Transition.objects.filter(action="publish").exists()


@pytest.mark.parametrize(
    ("note", "status", "message"),
    [
        ("Add sources", Status.DRAFT, "Requested changes: "),
        ("", Status.IN_REVIEW, "Request changes needs a note"),
    ],
)
def test_editor_requests_changes_from_change_page(note, status, message, client, editor, in_state):
    """Request changes with a note sends the item back to draft; without one it is refused."""
    item = in_state(Status.IN_REVIEW)
    client.force_login(editor)
    data = form_data(client, item, _transition="request_changes", _transition_note=note)
    response = client.post(change_url(item), data, follow=True)
    assert any(m.startswith(message) for m in messages(response))
    item.refresh_from_db()
    assert item.status == status
    logged = Transition.objects.filter(action="request_changes")
    assert list(logged.values_list("note", flat=True)) == ([note] if note else [])


def test_editor_bulk_publish(client, editor, in_state):
    """Bulk publish publishes items in review and reports a draft in the selection as an error."""
    ready = [in_state(Status.IN_REVIEW, f"Ready {n}") for n in (1, 2)]
    unready = in_state(Status.DRAFT, "Not ready")
    client.force_login(editor)
    response = client.post(
        CHANGELIST,
        {
            "action": "bulk_publish",
            "_selected_action": [item.pk for item in [*ready, unready]],
            "index": "0",
        },
        follow=True,
    )
    shown = messages(response)
    assert "Publish: 2 item(s) done." in shown
    assert any("Not ready" in m and "only items that are in review" in m for m in shown)
    statuses = dict(Article.objects.values_list("title", "status"))
    assert statuses == {
        "Ready 1": Status.PUBLISHED,
        "Ready 2": Status.PUBLISHED,
        "Not ready": Status.DRAFT,
    }
    assert Transition.objects.filter(action="publish").count() == 2


def test_writer_can_view_but_not_edit_an_item_in_review(client, writer, in_state):
    """An item in review is read-only to its writer: no title input, and a POST changes nothing."""
    item = in_state(Status.IN_REVIEW)
    client.force_login(writer)
    response = client.get(change_url(item))
    html = response.content.decode()
    assert response.status_code == 200
    assert item.title in html
    assert 'name="title"' not in html
    response = client.post(change_url(item), {"title": "Hijacked", "_save": "Save"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title == "A calm mind"


def test_faq_entries_appear_inline_on_the_article(client, editor, in_state, make_faq):
    """An FAQ linked to an article is edited inline on the article's change page."""
    item = in_state(Status.DRAFT)
    make_faq("How long should a nap last?", article=item)
    client.force_login(editor)
    html = client.get(change_url(item)).content.decode()
    assert 'name="faqs-TOTAL_FORMS"' in html
    assert "How long should a nap last?" in html


@pytest.mark.parametrize(
    "url", ["/admin/", CHANGELIST, "/admin/articles/transition/", "/admin/faq/faqentry/"]
)
def test_anonymous_is_sent_to_login(db, client, url):
    """Anonymous visitors to the admin are redirected to the login page."""
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("editor", "/admin/articles/transition/", 200),
        ("writer", "/admin/articles/transition/", 403),
        ("outsider", "/admin/articles/transition/", 403),
        ("editor", "/admin/articles/transition/add/", 403),
    ],
)
def test_transition_log_admin_is_read_only(db, role, url, status, request, client, in_state):
    """Editors can read the transition log; nobody can add to it, and writers cannot see it."""
    in_state(Status.IN_REVIEW)
    client.force_login(request.getfixturevalue(role))
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        assert "A calm mind" in response.content.decode()


def test_transition_log_entry_cannot_be_changed(client, editor, in_state):
    """Even an editor sees a log entry without a save button, and a POST is refused."""
    in_state(Status.IN_REVIEW)
    log = Transition.objects.get()
    client.force_login(editor)
    url = f"/admin/articles/transition/{log.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(url, {"note": "tampered"}).status_code == 403
    log.refresh_from_db()
    assert log.note == ""


def test_writer_cannot_edit_a_published_faq_through_the_article_inline(
    client, writer, in_state, make_faq, publish
):
    """A published FAQ shown inline on a writer's draft cannot be changed from there."""
    item = in_state(Status.DRAFT)
    faq = publish(make_faq("Is coffee bad for sleep?", "Late coffee can be.", article=item))
    client.force_login(writer)
    data = form_data(client, item, **{"faqs-0-answer": "Tampered answer.", "_save": "Save"})
    client.post(change_url(item), data)
    faq.refresh_from_db()
    assert faq.status == Status.PUBLISHED
    assert faq.answer == "Late coffee can be."


def test_editors_see_what_waits_for_review_on_the_admin_index(
    client, writer, editor, make_article, make_faq
):
    """The admin index lists items in review for editors, oldest first, and not for writers."""
    waiting = make_article("Waiting article")
    waiting.submit_for_review(writer)
    question = make_faq("Waiting question?")
    question.submit_for_review(writer)
    make_article("Still a draft")

    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    queue = html[html.index('id="review-queue"') :]
    assert queue.index("Waiting article") < queue.index("Waiting question?")
    assert "Still a draft" not in queue

    client.force_login(writer)
    assert 'id="review-queue"' not in client.get(reverse("admin:index")).content.decode()


def test_an_faq_entry_of_an_article_opens_read_only_with_a_link_to_it(
    client, editor, make_article, make_faq
):
    """An entry shown on an article is edited on the article: its own page says so."""
    article = make_article("Holder")
    entry = make_faq("Shown where?", "On the article.", article=article)
    client.force_login(editor)
    response = client.get(f"/admin/faq/faqentry/{entry.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/admin/articles/article/{article.pk}/change/">Holder</a>' in html
    assert 'name="answer"' not in html


@pytest.mark.parametrize(
    ("state", "listed"),
    [("draft", "Draft one"), ("in_review", "Waiting one"), ("live", "Live one"),
     ("changes", "Changed one"), ("scheduled", "Later one")],
)  # fmt: skip
def test_state_filter_lists_each_state(client, editor, in_state, publish, state, listed):
    """The state filter tells live pages with draft changes and scheduled ones apart."""
    import datetime

    from django.utils import timezone

    in_state(Status.DRAFT, "Draft one")
    in_state(Status.IN_REVIEW, "Waiting one")
    in_state(Status.PUBLISHED, "Live one")
    changed = in_state(Status.PUBLISHED, "Changed one")
    changed.summary = "Edited after publishing."
    changed.save(user=editor)
    later = in_state(Status.DRAFT, "Later one")
    publish(later, at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(editor)
    html = client.get(CHANGELIST, {"state": state}).content.decode()
    shown = {t for t in ("Draft one", "Waiting one", "Live one", "Changed one", "Later one")
             if f">{t}</a>" in html}  # fmt: skip
    assert shown == {listed}


def test_an_overnested_body_is_a_form_error_that_keeps_the_text(client, writer, in_state):
    """A list nested 300 deep gets a message on the body field, not a 500; nothing is saved."""
    item = in_state(Status.DRAFT)
    client.force_login(writer)
    nested = "".join("  " * level + "- item\n" for level in range(300))[:60_000]
    response = client.post(change_url(item), form_data(client, item, body=nested))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "nested more than 10 levels deep on line 11" in str(errors["body"])
    assert "- item" in response.content.decode()
    item.refresh_from_db()
    assert "- item" not in item.body


@pytest.fixture
def unparsed(monkeypatch):
    """From here on, parsing Markdown fails the test."""

    def arm():
        def explode(*args, **kwargs):
            raise AssertionError("text past the limits was parsed")

        monkeypatch.setattr(markdown, "_parse", explode)

    return arm


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Sleep." + "z" * 99_994, "This is 100,000 characters long; the limit is 60,000."),
        ("Sleep.\n" * 2_501, "The text has 2,501 lines that are not blank"),
    ],
)
def test_a_body_past_the_limits_is_refused_unparsed_and_kept(
    client, writer, in_state, unparsed, body, message
):
    """The form names the limit and keeps the text; no part of the page parses it."""
    item = in_state(Status.DRAFT)
    client.force_login(writer)
    data = form_data(client, item, body=body)
    unparsed()
    response = client.post(change_url(item), data)
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["body"])
    assert "Sleep." in response.content.decode()
    item.refresh_from_db()
    assert item.body != body


def test_the_search_panel_shows_a_body_past_the_limits_unparsed(client, writer, in_state, unparsed):
    """Unsaved text past the limits is counted and shown as written, never parsed."""
    item = in_state(Status.DRAFT)
    client.force_login(writer)
    data = form_data(client, item, body="Sleep well tonight.\n" * 2_501)
    unparsed()
    response = client.post(f"{PANEL}?pk={item.pk}", data)
    assert response.status_code == 200
    assert "The text has 7503 words." in response.content.decode()


def test_a_save_parses_the_body_once(client, writer, in_state, monkeypatch):
    """The form's check, the revision and the row share one parse of the new body."""
    item = in_state(Status.DRAFT)
    client.force_login(writer)
    body = "## Why sleep matters\n\nSleep *well*, with [a source](https://a.example/)."
    data = form_data(client, item, body=body)
    parsed, parse = [], markdown._parse
    monkeypatch.setattr(markdown, "_parse", lambda text: parsed.append(text) or parse(text))
    assert client.post(change_url(item), data).status_code == 302
    assert parsed.count(body) == 1
    item.refresh_from_db()
    assert '<h2 id="why-sleep-matters">' in item.body_html


def test_publishing_from_the_form_is_refused_with_the_problems(client, editor, in_state):
    """The Publish button on an article with no meta description says why and moves nothing."""
    item = in_state(Status.IN_REVIEW)
    Article.objects.filter(pk=item.pk).update(meta_description="")
    client.force_login(editor)
    data = form_data(client, item, _transition="publish", _publish_despite_advice="1")
    response = client.post(change_url(item), data, follow=True)
    assert any("There is no meta description" in m for m in messages(response))
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW


def test_improvements_warn_until_the_editor_confirms(client, editor, in_state):
    """Suggestions stop the first press of Publish with a list; ticking the box publishes."""
    item = in_state(Status.IN_REVIEW)
    client.force_login(editor)
    page = client.get(change_url(item)).content.decode()
    assert 'name="_publish_despite_advice"' in page
    response = client.post(
        change_url(item), form_data(client, item, _transition="publish"), follow=True
    )
    warning = next(m for m in messages(response) if "Not published yet" in m)
    assert "write 300 or more" in warning
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    data = form_data(client, item, _transition="publish", _publish_despite_advice="1")
    client.post(change_url(item), data)
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED


def test_bulk_publish_refuses_items_with_problems_and_names_them(client, editor, in_state):
    """Bulk publish publishes the ready item and lists the reason for the one it refuses."""
    ready, missing = in_state(Status.IN_REVIEW, "Ready"), in_state(Status.IN_REVIEW, "Bare")
    Article.objects.filter(pk=missing.pk).update(meta_description="")
    client.force_login(editor)
    response = client.post(
        CHANGELIST,
        {"action": "bulk_publish", "_selected_action": [ready.pk, missing.pk], "index": "0"},
        follow=True,
    )
    shown = messages(response)
    assert "Publish: 1 item(s) done." in shown
    assert any("“Bare”" in m and "no meta description" in m for m in shown)
    assert dict(Article.objects.values_list("title", "status")) == {
        "Ready": Status.PUBLISHED,
        "Bare": Status.IN_REVIEW,
    }


def test_a_writer_reading_a_submitted_article_sees_it_rendered(client, writer, in_state):
    """Read-only, the body shows as the page will, not as Markdown source."""
    item = in_state(Status.IN_REVIEW)
    client.force_login(writer)
    page = client.get(change_url(item)).content.decode()
    assert '<h2 id="a-section">A section</h2>' in page
    assert "## A section" not in page


def test_the_action_bar_comes_first_with_save_and_the_moves(client, writer, in_state):
    """Status, Save and the workflow buttons open the form, before any field."""
    item = in_state(Status.DRAFT)
    client.force_login(writer)
    page = client.get(change_url(item)).content.decode()
    bar = page.index('class="action-bar"')
    assert bar < page.index('name="_continue"') < page.index('name="title"')
    assert bar < page.index('value="submit"') < page.index('name="title"')
    # Preview posts the form as it stands to a new tab (see test_unsaved_preview.py).
    assert 'formtarget="_blank"' in page[bar : page.index('name="title"')]


def test_the_request_changes_note_waits_in_the_action_bar(client, writer, editor, in_state):
    """Sent back, the writer sees the editor's note at the top of the form until resubmitting."""
    item = in_state(Status.IN_REVIEW)
    item.request_changes(editor, note="Add a source for the cortisol claim.")
    client.force_login(writer)
    page = client.get(change_url(item)).content.decode()
    note = page.index('class="review-note"')
    assert "Add a source for the cortisol claim." in page[note : note + 300]
    assert page.index('class="action-bar"') < note < page.index('name="title"')
    item.submit_for_review(writer)
    assert 'class="review-note"' not in client.get(change_url(item)).content.decode()


PANEL = "/admin/articles/article/search-panel/"


def test_the_search_panel_follows_unsaved_text_and_saves_nothing(client, writer, in_state):
    """Posting the form as typed returns previews, counters, checks and JSON-LD for that text."""
    item = in_state(Status.DRAFT)
    revisions_before = item.revisions().count()
    client.force_login(writer)
    data = form_data(
        client,
        item,
        title="Sleep <b>tight</b>",
        meta_description="d" * 130,
        focus_keyword="sleep",
        body="## Why sleep matters\n\n![](https://img.example/x.png)",
    )
    response = client.post(f"{PANEL}?pk={item.pk}", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="serp-title">Sleep &lt;b&gt;tight&lt;/b&gt;</div>' in html
    assert "Meta description: 130 of 160 characters — <strong>good</strong>" in html
    assert "The keyphrase is in a subheading." in html
    assert "Problem</span> 1 image without alt text" in html
    assert "&quot;headline&quot;: &quot;Sleep &lt;b&gt;tight&lt;/b&gt;&quot;" in html.replace(
        "\\u003C", "&lt;"
    ).replace("\\u003E", "&gt;")
    item.refresh_from_db()
    assert item.title == "A calm mind"
    assert item.revisions().count() == revisions_before


def test_the_search_panel_needs_staff_and_post(client, writer, in_state):
    """Anonymous users are sent to log in; a GET is refused."""
    item = in_state(Status.DRAFT)
    assert client.post(f"{PANEL}?pk={item.pk}", {}).status_code == 302
    client.force_login(writer)
    assert client.get(f"{PANEL}?pk={item.pk}").status_code == 405


def panel_lengths(html):
    """{label: (meter status, verdict)} and {check message: status} of a search panel."""
    meters = {
        label: (status, verdict)
        for status, label, verdict in re.findall(
            r'<div class="counter counter-(\w+)">\s*<div class="counter-label"[^>]*>'
            r"([^:]+): \d+ of \d+ characters — <strong>([^<]+)</strong>",
            html,
        )
    }
    found = re.findall(r'<li class="check check-(\w+)">.*?</span> ([^<]*)</li>', html)
    return meters, {message: status for status, message in found}


@pytest.mark.parametrize(
    ("fields", "verdict", "status"),
    [
        ({"title": "", "meta_title": ""}, "missing", "problem"),
        ({"title": "Short", "meta_title": ""}, "short", "improve"),
        ({"title": "Short", "meta_title": "A search title of a good length for results"}, "good",
         "good"),
        ({"title": "Short", "meta_title": "t" * 90}, "will be cut in results", "improve"),
    ],
)  # fmt: skip
def test_the_length_meters_and_the_checks_agree(client, writer, fields, verdict, status):
    """A new article's search title meter and its check give one rating: no title is
    missing in both, never “Good: the search title is 0 characters”."""
    client.force_login(writer)
    html = client.post(PANEL, {**fields, "meta_description": "d" * 130}).content.decode()
    meters, checks = panel_lengths(html)
    assert meters["Search title"] == (status, verdict)
    title_checks = [s for m, s in checks.items() if "search title" in m or "no title" in m]
    assert title_checks == [status], checks
    assert meters["Meta description"] == ("good", "good")
    assert "Good</span> The search title is 0 characters" not in html


def test_the_readability_meters_and_the_checks_agree(client, writer):
    """The Flesch, passive voice and transition meters show each check's own figure and
    rating, and the checks come problems first."""
    client.force_login(writer)
    hard = "Consequently, cardiovascular complications are frequently underestimated. " * 6
    plain = "Your heart works hard every day. " * 14
    html = client.post(PANEL, {"title": "Heart", "body": hard + plain}).content.decode()
    found = re.findall(r'<li class="check check-(\w+)">.*?</span> ([^<]*)</li>', html)
    readings = {
        reading: status
        for status, reading in re.findall(
            r'<div class="counter counter-(\w+)">\s*<div class="counter-label"[^>]*>'
            r"((?:Flesch reading ease|Passive voice|Transition words): -?\d+%?) — ",
            html,
        )
    }
    assert len(readings) == 3, html
    # Each check's message opens with the figure its meter shows.
    opens = {
        "Flesch reading ease": "The Flesch reading ease is {} (",
        "Passive voice": "{} of sentences are in the passive voice",
        "Transition words": "{} of sentences have a transition word",
    }
    for reading, status in readings.items():
        label, figure = reading.split(": ")
        matching = [s for s, message in found if message.startswith(opens[label].format(figure))]
        assert matching == [status], (reading, found)
    order = {"problem": 0, "improve": 1, "good": 2}
    statuses = [status for status, _ in found]
    assert statuses == sorted(statuses, key=order.get)


def test_the_hero_image_input_has_a_label(client, editor, in_state):
    """The file input is named by a <label for>, not by a legend that labels nothing."""
    item = in_state(Status.DRAFT)
    client.force_login(editor)
    page = client.get(change_url(item)).content.decode()
    assert re.search(r'<label[^>]*for="id_hero_image"', page)


def test_admin_search_uses_the_text_index_in_every_state(client, editor, make_article, publish):
    """The changelist's search finds drafts and live items by a word or its prefix in the
    body, and an exact address, through the full-text index."""
    publish(make_article("Calm evenings", body="Breathing slowly before bed helps anxiety."))
    make_article("Draft on worry", body="Anxious thoughts at night.")
    make_article("Unrelated", body="Nothing to see.", slug="exact-address")
    client.force_login(editor)

    def titles(query):
        html = client.get("/admin/articles/article/", {"q": query}).content.decode()
        return {t for t in ("Calm evenings", "Draft on worry", "Unrelated") if f">{t}<" in html}

    assert titles("anxiety") == {"Calm evenings"}
    assert titles("anx") == {"Calm evenings", "Draft on worry"}
    assert titles("exact-address") == {"Unrelated"}
    assert titles('"(anx):*') == {"Calm evenings", "Draft on worry"}  # words only
    faq = client.get("/admin/faq/faqentry/", {"q": "sleep"})
    assert faq.status_code == 200


def test_the_faq_list_shows_the_latest_changes_first(client, editor, make_faq):
    """FAQ entries are listed by their last change, newest first, as the index on it runs."""
    older = make_faq("Does a warm bath help sleep?", order=2)
    make_faq("Is napping good for you?", order=1)
    older.title = "Does a warm bath before bed help sleep?"
    older.save()
    client.force_login(editor)
    html = client.get("/admin/faq/faqentry/").text
    assert html.index("Does a warm bath before bed") < html.index("Is napping good")


def test_admin_search_past_the_match_limit_counts_no_further(
    client, editor, make_article, monkeypatch
):
    """A search with more matches than MATCH_LIMIT lists the newest that many, says there
    are more, and never counts the rest; at or under the limit the count is exact."""
    from articles.admin import ArticleAdmin
    from articles.publishing import search

    monkeypatch.setattr(search, "MATCH_LIMIT", 2)
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 1)  # pages, as 1,000 matches would be
    for day in range(3):
        make_article(f"Sleep note {day}", body="Sleep hygiene, night after night.")
    make_article("Other", body="Nothing alike.")
    client.force_login(editor)

    def listed(page):
        html = client.get("/admin/articles/article/", {"q": "sleep", "p": page}).text
        return html, re.findall(r">(Sleep note \d)<", html)

    with CaptureQueriesContext(connection) as queries:
        html, first = listed(1)
    assert "More than 2 articles match" in html
    assert "More than 2 results" in html
    assert first == ["Sleep note 2"]  # the newest first
    assert listed(2)[1] == ["Sleep note 1"]
    assert "Sleep note 0" not in listed(3)[0]
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert not [sql for sql in counts if "articles_article" in sql]

    monkeypatch.setattr(search, "MATCH_LIMIT", 3)
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 100)
    html, found = listed(1)
    assert "More than" not in html
    assert "3 articles" in html
    assert found == ["Sleep note 2", "Sleep note 1", "Sleep note 0"]


def test_a_filter_narrowing_a_search_past_the_match_limit_counts_what_it_leaves(
    client, editor, make_article, publish, monkeypatch
):
    """More matches in the table than MATCH_LIMIT, but one live: the Live list of the
    search, or one filtered by a lookup in its address (as the desk links), says one
    article, with no pages past it, not "more than" the limit."""
    from articles.admin import ArticleAdmin
    from articles.publishing import search

    monkeypatch.setattr(search, "MATCH_LIMIT", 2)
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 1)  # a wrong count shows a page 2
    notes = [make_article(f"Sleep note {n}", body="Sleep hygiene.") for n in range(3)]
    publish(notes[0])
    client.force_login(editor)
    for narrowed in ({"state": "live"}, {"status__exact": "published"}):
        html = client.get("/admin/articles/article/", {"q": "sleep", **narrowed}).text
        assert re.findall(r">(Sleep note \d)<", html) == ["Sleep note 0"]
        assert "More than" not in html and "1 article" in html and "p=2" not in html
    assert "More than 2 articles match" in client.get("/admin/articles/article/?q=sleep").text


@pytest.mark.parametrize("typed", ["24/12/2030 09:30", "2030-12-24T09:30", "24/12/2030 09:30:00"])
def test_publish_at_takes_the_sites_date_format(client, editor, in_state, typed):
    """An editor schedules with a UK date as typed (or ISO); the page goes live then."""
    item = in_state(Status.IN_REVIEW)
    client.force_login(editor)
    page = client.get(change_url(item)).content.decode()
    assert 'placeholder="24/12/2026 09:30"' in page and "Day/month/year" in page
    data = form_data(
        client, item, _transition="publish", _publish_at=typed, _publish_despite_advice="1"
    )
    client.post(change_url(item), data)
    item.refresh_from_db()
    local = timezone.localtime(item.published_at)
    assert item.is_scheduled and (local.day, local.month, local.hour, local.minute) == (
        24, 12, 9, 30,
    )  # fmt: skip


def test_a_publish_at_that_is_not_a_date_is_refused_clearly(client, editor, in_state):
    """12/31/2030 (month first) is not a UK date: nothing moves, and the message says how."""
    item = in_state(Status.IN_REVIEW)
    client.force_login(editor)
    data = form_data(
        client,
        item,
        _transition="publish",
        _publish_at="12/31/2030 09:30",
        _publish_despite_advice="1",
    )
    response = client.post(change_url(item), data, follow=True)
    assert "such as 24/12/2026 09:30" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW


def test_the_change_form_has_one_save_and_one_history(client, writer, in_state):
    """The action bar's Save and History are the only ones: no second row of Save buttons."""
    item = in_state(Status.DRAFT)
    client.force_login(writer)
    page = client.get(change_url(item)).content.decode()
    saves = re.findall(r'<(?:button|input)[^>]*type="submit"[^>]*>', page)
    labelled_save = [tag for tag in saves if re.search(r'name="_(save|continue|addanother)"', tag)]
    assert len(labelled_save) == 1 and 'name="_continue"' in labelled_save[0]
    assert page.count(">History</a>") == 1


def test_a_form_sent_back_with_its_slug_emptied_shows_its_errors(client, editor, published):
    """An emptied slug (made again on save) and a missing field: the form comes back with
    the error, not a server error, and its links use the address the item holds."""
    client.force_login(editor)
    response = client.post(change_url(published), form_data(client, published, slug="", title=""))
    page = response.content.decode()
    assert response.status_code == 200 and "This field is required." in page
    assert f'href="{published.get_absolute_url()}"' in page


def test_items_with_no_revision_yet_open_in_the_admin(client, editor):
    """generate_content's rows (bulk-made, with no revision) open on their change form
    and history, and a save gives them their first revisions."""
    call_command("generate_content", "2", "--faqs", "1", stdout=io.StringIO())
    client.force_login(editor)
    article = Article.objects.first()
    assert article.latest_revision_id is None
    assert client.get(change_url(article)).status_code == 200
    assert client.get(f"/admin/articles/article/{article.pk}/history/").status_code == 200
    response = client.post(change_url(article), form_data(client, article, summary="Edited."))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).latest_revision_id is not None
