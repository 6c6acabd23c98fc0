"""The revision admin: history, compare, restore, preview, stale saves, presence, query budgets."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Revision, Status
from articles.publishing import revisions
from faq.models import FAQEntry
from tests.conftest import forget_cached_pages
from tests.test_admin import CHANGELIST, change_url, form_data
from tests.test_queries import ARTICLE_MAX

NEW_BODY = "Brand new paragraph about rest.\n\n## A section\n\nMore text."
# What readers' pages are built from: content, derived HTML and publication columns.
PUBLIC_COLUMNS = [
    "id", "title", "slug", "summary", "body", "body_html", "search_text", "updated_at",
    "published_at", "live",
]  # fmt: skip
FAQ_COLUMNS = [
    "id", "title", "answer", "answer_html", "search_text", "order", "live", "published_at",
]  # fmt: skip
# Measured 20 before revisions; the versioning budget is +3, and the second step of
# signing in +1 (whether this editor has a device that must be asked for).
ADMIN_SAVE_MAX = 24


@pytest.fixture(autouse=True)
def _forget_presence():
    """Presence lives in the cache: start each test with nobody editing."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reader(db):
    """A logged-in user who is not staff."""
    return get_user_model().objects.create_user("nora", password="pass-for-tests")


def fresh(item):
    return type(item).objects.get(pk=item.pk)


def history_url(item):
    return f"{CHANGELIST}{item.pk}/history/"


def compare_url(item):
    return f"{CHANGELIST}{item.pk}/history/compare/"


def restore_url(item, revision):
    return f"{CHANGELIST}{item.pk}/history/{getattr(revision, 'pk', revision)}/restore/"


def preview_url(item):
    return f"{CHANGELIST}{item.pk}/preview/"


def presence_url(item):
    return f"{CHANGELIST}{item.pk}/presence/"


def text(response):
    return response.content.decode()


def squash(html):
    """HTML with runs of white space made single spaces, as a reader sees it."""
    return re.sub(r"\s+", " ", html)


def messages(response):
    return [str(m) for m in response.context["messages"]]


def save_working(item, user, message="", **fields):
    """Edit the working copy as the admin form does and save it; returns the revision."""
    working = revisions.working_copy(fresh(item))
    for name, value in fields.items():
        setattr(working, name, value)
    return revisions.save(working, user, message=message)


@pytest.fixture
def with_draft_changes(make_article, make_faq, publish, writer):
    """A live article with one FAQ entry, and draft changes to its body and the FAQ answer."""
    article = make_article("Sleep well")
    make_faq("How long should I sleep?", "Eight hours a night.", article=article)
    publish(article)
    save_working(article, writer, body=NEW_BODY)
    working = revisions.working_copy(fresh(article))
    [part] = revisions.working_children(working)["faqs"]
    part.answer = "Seven hours a night."
    revisions.save(working, writer, children={"faqs": [part]})
    article = fresh(article)
    assert article.state_label() == "Live · draft changes"
    return article


def assert_refused(response):
    """Refused: 403, or a redirect to the admin login page."""
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == 403


# --- History page -----------------------------------------------------------------------------


def test_history_lists_revisions_and_transitions(client, make_article, writer, editor):
    """The history shows each revision and move with who, when, what changed and the notes."""
    article = make_article("Sleep well")
    save_working(article, writer, "Tightened the intro", body=NEW_BODY)
    article.submit_for_review(writer, note="Ready for a look")
    article.publish(editor, note="Looks good")
    client.force_login(editor)
    response = client.get(history_url(article))
    assert response.status_code == 200
    html = text(response)
    table = re.search(r'<table id="change-history".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr class=\"history-(revision|transition)\">(.*?)</tr>", table, re.S)
    assert [kind for kind, _ in rows] == ["transition", "transition", "revision", "revision"]
    publish_row, submit_row, edit_row, create_row = (squash(row) for _, row in rows)
    assert "eddie" in publish_row and "Published: In review → Published" in publish_row
    assert "Looks good" in publish_row
    assert "wendy" in submit_row and "Submitted for review: Draft → In review" in submit_row
    assert "Ready for a look" in submit_row
    latest = fresh(article).latest_revision
    assert f"Revision {latest.pk}: saved" in edit_row
    assert "wendy" in edit_row and "Changed body" in edit_row
    assert "Tightened the intro" in edit_row
    assert "Live version" in edit_row and "Working copy" in edit_row
    assert "the system" in create_row and "First version." in create_row
    when = timezone.localtime(latest.created_at)
    assert f'datetime="{when.isoformat()}"' in edit_row
    assert when.strftime("%H:%M") in edit_row


def test_history_names_only_the_fields_that_changed(client, make_article, writer, editor):
    """A body-only first edit of an article without FAQs reads "Changed body." in the history."""
    article = make_article()
    save_working(article, writer, body=NEW_BODY)
    client.force_login(editor)
    html = squash(text(client.get(history_url(article))))
    assert "Changed body." in html
    assert "Changed body, FAQ entries" not in html


def test_history_of_draft_changes_links_to_the_comparison(client, with_draft_changes, editor):
    """A live item with draft changes says so and links to the changes since the live version."""
    client.force_login(editor)
    html = squash(text(client.get(history_url(with_draft_changes))))
    assert "Live · draft changes" in html
    assert f'href="{compare_url(with_draft_changes)}">Changes since the live version' in html
    assert "Changed FAQ entries." in html
    assert "Started draft changes; the live page stays as it is" in html
    assert "Started draft changes; the live page stays as it is: " not in html


@pytest.mark.parametrize("who", ["anonymous", "reader", "outsider"])
def test_history_is_refused_without_permission(client, published, who, request):
    """Anonymous users, non-staff users and staff without view permission cannot read history."""
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(history_url(published))
    assert_refused(response)
    assert "A short summary" not in text(response)


def test_every_transition_appears_on_one_history_page(client, make_article, writer, editor):
    """With 51 revisions over two pages, a move made between them is listed exactly once."""
    article = make_article()
    article.submit_for_review(writer, note="Between the pages")
    later = timezone.now() + datetime.timedelta(minutes=1)
    add_revisions(article, 50, created_at=later)
    client.force_login(editor)
    pages = [text(client.get(history_url(article), {"page": n})) for n in (1, 2)]
    assert [page.count('class="history-revision"') for page in pages] == [50, 1]
    assert sum(page.count("Between the pages") for page in pages) == 1


def test_history_is_readable_by_a_writer(client, published, writer):
    """A writer (view permission) reads the history of a live article."""
    client.force_login(writer)
    assert client.get(history_url(published)).status_code == 200


# --- Compare ----------------------------------------------------------------------------------


def test_compare_defaults_to_changes_since_the_live_version(client, with_draft_changes, editor):
    """With no parameters, compare shows live vs latest and the words changed in body and FAQ."""
    article = with_draft_changes
    client.force_login(editor)
    response = client.get(compare_url(article))
    assert response.status_code == 200
    assert response.context["old"].pk == article.live_revision_id
    assert response.context["new"].pk == article.latest_revision_id
    html = text(response)
    assert "Changes since the live version" in html
    body = re.search(r'<th scope="row">Body</th><td class="diff-text">(.*?)</td>', html, re.S)
    assert '<del><span class="visually-hidden">[removed: </span>Intro' in body.group(1)
    assert re.search(r"<ins>.*?Brand.*?</ins>", body.group(1), re.S)
    assert "## A section" in body.group(1)  # unchanged text stays, unmarked
    faq = html[html.index("FAQ entry “How long should I sleep?”: changed") :]
    assert re.search(r"<del>.*?Eight.*?</del>", faq, re.S)
    assert re.search(r"<ins>.*?Seven.*?</ins>", faq, re.S)


def test_compare_with_explicit_revisions(client, make_article, editor):
    """?from=&to= compares exactly the two revisions named."""
    article = make_article()
    first = article.latest_revision
    second = save_working(article, editor, summary="Sleep is a skill.")
    save_working(article, editor, summary="Sleep is a habit.")
    client.force_login(editor)
    response = client.get(compare_url(article), {"from": first.pk, "to": second.pk})
    assert (response.context["old"], response.context["new"]) == (first, second)
    html = text(response)
    assert "Changes since the live version" not in html
    assert re.search(r"<ins>.*?skill.*?</ins>", html, re.S)
    assert re.search(r"<del>.*?short.*?</del>", html, re.S)
    assert "habit" not in html
    assert [f.label for f in response.context["fields"]] == ["Summary"]


def test_compare_with_the_same_revision_says_they_are_the_same(client, make_article, editor):
    """Comparing a revision with itself reports no differences."""
    article = make_article()
    client.force_login(editor)
    pk = article.latest_revision_id
    html = text(client.get(compare_url(article), {"from": pk, "to": pk}))
    assert "The two versions are the same." in html


def test_compare_ignores_a_revision_of_another_item(client, make_article, editor):
    """A revision id belonging to another item is not shown on this item's compare page."""
    article = make_article("Mine")
    other = make_article("Theirs", summary="Secret words of the other article.")
    client.force_login(editor)
    response = client.get(
        compare_url(article),
        {"from": other.latest_revision_id, "to": article.latest_revision_id},
    )
    assert response.status_code == 200
    assert response.context["old"] is None
    assert "Secret words" not in text(response)
    response = client.get(compare_url(article), {"from": "x", "to": other.latest_revision_id})
    assert response.context["new"] is None
    assert "Secret words" not in text(response)


def test_compare_escapes_markup_in_content(client, make_article, editor):
    """HTML typed into a field is shown as text in the diff, never run."""
    article = make_article()
    save_working(article, editor, summary='Calm <script>alert("x")</script> <b>down</b>.')
    client.force_login(editor)
    html = text(client.get(compare_url(article)))
    assert "<script>alert" not in html and "<b>down" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize("who", ["anonymous", "reader", "outsider"])
def test_compare_is_refused_without_permission(client, with_draft_changes, who, request):
    """Compare needs a staff user with view permission."""
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(compare_url(with_draft_changes))
    assert_refused(response)
    assert "Brand new paragraph" not in text(response)


# --- Restore ----------------------------------------------------------------------------------


def test_restore_view_writes_a_restore_revision(client, make_article, editor):
    """POST to restore makes the old revision the working copy as a new "restore" revision."""
    article = make_article()
    first = article.latest_revision
    save_working(article, editor, summary="Second.")
    client.force_login(editor)
    response = client.post(restore_url(article, first), follow=True)
    assert response.redirect_chain[0] == (change_url(article), 302)
    assert f"Revision {first.pk} restored as the working copy." in messages(response)
    latest = fresh(article).latest_revision
    assert (latest.kind, latest.user) == (Revision.RESTORE, editor)
    assert latest.content["fields"] == first.content["fields"]
    assert fresh(article).summary == "A short summary."
    assert not Article.objects.published().exists()
    assert "Restored" in text(client.get(history_url(article)))


def test_restore_on_a_live_item_never_goes_live(client, with_draft_changes, editor):
    """Restoring the live version or an older one leaves published() exactly as it was."""
    article = with_draft_changes
    public = list(Article.objects.published().values(*PUBLIC_COLUMNS))
    public_faqs = list(FAQEntry.objects.published().values(*FAQ_COLUMNS))
    page = client.get(article.get_absolute_url()).content
    client.force_login(editor)
    for revision in article.revisions():
        client.post(restore_url(article, revision))
        assert list(Article.objects.published().values(*PUBLIC_COLUMNS)) == public
        assert list(FAQEntry.objects.published().values(*FAQ_COLUMNS)) == public_faqs
    client.logout()
    assert client.get(article.get_absolute_url()).content == page
    assert fresh(article).status == Status.DRAFT


def test_restore_view_refuses_get(client, make_article, editor):
    """A GET to the restore URL is refused and writes nothing."""
    article = make_article()
    client.force_login(editor)
    response = client.get(restore_url(article, article.latest_revision))
    assert response.status_code == 405
    assert article.revisions().count() == 1


@pytest.mark.parametrize("who", ["anonymous", "reader", "outsider"])
def test_restore_view_refuses_users_without_permission(client, make_article, editor, who, request):
    """Anonymous, non-staff and permissionless staff users cannot restore."""
    article = make_article()
    first = article.latest_revision
    save_working(article, editor, summary="Second.")
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert_refused(client.post(restore_url(article, first)))
    assert article.revisions().count() == 2
    assert fresh(article).summary == "Second."


def test_writer_cannot_restore_an_item_in_review(client, make_article, writer):
    """A writer's restore on an item in review is forbidden (403) and writes nothing."""
    article = make_article()
    first = article.latest_revision
    save_working(article, writer, summary="Second.")
    article.submit_for_review(writer)
    client.force_login(writer)
    assert client.post(restore_url(article, first)).status_code == 403
    assert article.revisions().count() == 2
    assert fresh(article).status == Status.IN_REVIEW


def test_restore_of_another_items_revision_is_not_found(client, make_article, editor):
    """A revision id of another item in the restore URL gives 404."""
    article, other = make_article("Mine"), make_article("Theirs")
    client.force_login(editor)
    assert client.post(restore_url(article, other.latest_revision)).status_code == 404
    assert article.revisions().count() == 1


# --- Preview --------------------------------------------------------------------------------


def test_preview_shows_the_working_copy_to_staff(client, with_draft_changes, writer):
    """Staff preview shows the draft changes (body and FAQ answer) that readers do not see yet."""
    article = with_draft_changes
    client.force_login(writer)
    response = client.get(preview_url(article))
    assert response.status_code == 200
    html = text(response)
    assert "you are seeing its draft changes" in html
    assert "Brand new paragraph about rest." in html
    assert "Seven hours a night." in html
    assert "Eight hours a night." not in html
    assert response["X-Robots-Tag"] == "noindex"
    client.logout()
    public = text(client.get(article.get_absolute_url()))
    assert "Eight hours a night." in public and "Brand new paragraph" not in public


@pytest.mark.parametrize("who", ["anonymous", "reader", "outsider"])
def test_preview_is_not_reachable_for_anonymous_users(client, with_draft_changes, who, request):
    """Anonymous and non-staff users go to the login page; staff without view permission get 403."""
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(preview_url(with_draft_changes))
    if who == "outsider":
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    assert "Brand new paragraph" not in text(response)


# --- Stale saves ----------------------------------------------------------------------------


def test_a_stale_save_is_refused_then_saved_over_on_purpose(client, make_article, editor, writer):
    """Two editors open the form; the second save is refused with a diff, then overwrites."""
    article = make_article(summary="The original summary.")
    base = fresh(article).latest_revision_id
    other = Client()
    client.force_login(editor)
    other.force_login(writer)
    mine = form_data(client, article, body="Eddie rewrote the body.", _save="Save")
    theirs = form_data(other, article, body="Wendy rewrote the body.", _save="Save")
    assert mine["_base_revision"] == theirs["_base_revision"] == str(base)

    assert client.post(change_url(article), mine).status_code == 302
    saved = fresh(article)
    assert saved.body == "Eddie rewrote the body."

    response = other.post(change_url(article), theirs)
    assert response.status_code == 200
    html = text(response)
    assert "eddie saved a newer version of this item" in html
    assert f"eddie saved revision {saved.latest_revision_id}" in html
    # The input is kept in the form, ready to post again.
    assert re.search(r'<textarea name="body"[^>]*>\s*Wendy rewrote the body\.</textarea>', html)
    conflict = re.search(r'<div class="conflict" role="alert">.*?</table>', html, re.S).group(0)
    assert re.search(r"<del>.*?Eddie.*?</del>", conflict, re.S)
    assert re.search(r"<ins>.*?Wendy.*?</ins>", conflict, re.S)
    assert f'name="_overwrite" value="{saved.latest_revision_id}"' in html
    assert f'name="_base_revision" value="{base}"' in html
    current = fresh(article)
    assert (current.body, current.latest_revision_id) == (
        "Eddie rewrote the body.",
        saved.latest_revision_id,
    )
    assert article.revisions().count() == 2

    again = {**theirs, "_overwrite": str(saved.latest_revision_id)}
    assert other.post(change_url(article), again).status_code == 302
    overwrite = fresh(article).latest_revision
    assert (overwrite.kind, overwrite.based_on_id, overwrite.user) == (
        Revision.OVERWRITE,
        base,
        writer,
    )
    assert fresh(article).body == "Wendy rewrote the body."
    history = text(client.get(history_url(article)))
    assert f"Revision {overwrite.pk}: saved over a newer version" in history
    assert f"the editor had opened revision {base}" in history


@pytest.mark.parametrize("edited", [False, True])
def test_unpublish_wins_over_draft_changes_saved_meanwhile(
    client, make_article, publish, editor, writer, edited
):
    """The editor opened the live page's form; a writer then saved draft changes. Pressing
    Unpublish on the stale form takes the page down all the same and says so; the writer's
    changes stay as the working copy, and the editor's own edits, if any, wait as a conflict."""
    article = publish(make_article("Going down"))
    other = Client()
    client.force_login(editor)
    other.force_login(writer)
    mine = form_data(client, article, _transition="unpublish", _transition_note="Withdrawn.")
    if edited:
        mine["summary"] = "Eddie's summary."
    theirs = form_data(other, article, summary="Wendy's new summary.", _save="Save")
    assert other.post(change_url(article), theirs).status_code == 302

    response = client.post(change_url(article), mine, follow=True)
    current = fresh(article)
    assert (current.live, current.status) == (False, Status.DRAFT)
    assert Client().get(article.get_absolute_url()).status_code == 404
    html = text(response)
    assert "Unpublished: “Going down” is now draft." in html
    assert current.summary == "Wendy's new summary."
    assert ("wendy saved a newer version of this item" in html) is edited
    assert "was not done" not in html


def test_a_stale_overwrite_naming_an_older_revision_is_refused(
    client, make_article, editor, writer
):
    """_overwrite must name the latest revision: one saved after the conflict is caught too."""
    article = make_article()
    base = str(fresh(article).latest_revision_id)
    client.force_login(writer)
    data = form_data(client, article, summary="Wendy's summary.", _save="Save")
    first = save_working(article, editor, summary="Eddie's summary.")
    save_working(article, editor, summary="Eddie's second summary.")
    response = client.post(change_url(article), {**data, "_overwrite": str(first.pk)})
    assert response.status_code == 200
    assert "saved a newer version" in text(response)
    assert data["_base_revision"] == base
    assert fresh(article).summary == "Eddie's second summary."


def test_a_post_without_a_base_revision_is_stale(client, make_article, editor):
    """A change form post that does not carry _base_revision is refused, not saved blind."""
    article = make_article()
    client.force_login(editor)
    data = form_data(client, article, summary="Blind save.", _save="Save")
    del data["_base_revision"]
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "saved a newer version" in text(response)
    assert fresh(article).summary == "A short summary."


# --- Presence ----------------------------------------------------------------------------------


def test_the_change_page_says_who_else_is_editing(client, make_article, editor, writer):
    """After eddie opens the form, wendy's change page says "eddie is editing since HH:MM"."""
    article = make_article()
    before = timezone.localtime()
    client.force_login(editor)
    assert client.get(change_url(article)).status_code == 200
    after = timezone.localtime()
    other = Client()
    other.force_login(writer)
    html = text(other.get(change_url(article)))
    since = re.search(r"eddie is editing since (\d\d:\d\d)\.", html)
    assert since, "no presence note for eddie"
    assert since.group(1) in {before.strftime("%H:%M"), after.strftime("%H:%M")}
    assert "wendy is editing" not in html
    # And eddie, back on the page, sees wendy.
    assert "wendy is editing since" in text(client.get(change_url(article)))


def test_presence_endpoint_reports_editors_and_the_latest_revision(
    client, make_article, editor, writer
):
    """POST presence/ returns JSON: the other editors and who saved the latest revision."""
    article = make_article()
    latest = save_working(article, editor, summary="Eddie's summary.")
    client.force_login(editor)
    client.get(change_url(article))
    other = Client()
    other.force_login(writer)
    response = other.post(presence_url(article))
    assert response.status_code == 200
    data = response.json()
    assert [e["name"] for e in data["editors"]] == ["eddie"]
    assert re.fullmatch(r"\d\d:\d\d", data["editors"][0]["since"])
    assert data["latest_revision"] == latest.pk
    assert (data["latest_by"], data["latest_by_me"]) == ("eddie", False)
    # Eddie leaves: wendy no longer sees him.
    assert client.post(presence_url(article), {"leave": "1"}).json() == {"ok": True}
    assert other.post(presence_url(article)).json()["editors"] == []


@pytest.mark.parametrize("who", ["anonymous", "reader", "outsider"])
def test_presence_endpoint_is_refused_without_permission(client, make_article, who, request):
    """Presence needs a staff user with view permission; nothing is recorded otherwise."""
    article = make_article()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.post(presence_url(article))
    assert_refused(response)
    assert not cache.get(f"publishing:presence:articles.article:{article.pk}")


# --- Query budgets --------------------------------------------------------------------------


def count_queries(client, url, method="get", data=None):
    forget_cached_pages()  # the render itself, not a cached copy
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    return response, len(ctx.captured_queries)


def add_revisions(article, n, created_at=None):
    """n more revisions of the article, written in one query."""
    latest = fresh(article).latest_revision
    when = created_at or timezone.now()
    Revision.objects.bulk_create(
        Revision(
            content_type_id=latest.content_type_id,
            object_id=article.pk,
            object_repr=str(article),
            content=latest.content,
            changed=["summary"],
            user=latest.user,
            message=f"Bulk revision {i}",
            created_at=when + datetime.timedelta(seconds=i),
        )
        for i in range(n)
    )


def test_history_queries_do_not_grow_with_revisions(client, make_article, editor, writer):
    """The history page of an item with 500 revisions uses as many queries as one with 5."""
    few, many = make_article("Few"), make_article("Many")
    for article in (few, many):
        article.submit_for_review(writer, note="Ready")
    add_revisions(few, 4)
    add_revisions(many, 499)
    assert (few.revisions().count(), many.revisions().count()) == (5, 500)
    client.force_login(editor)
    response, few_queries = count_queries(client, history_url(few))
    assert response.status_code == 200
    response, many_queries = count_queries(client, history_url(many))
    assert response.status_code == 200
    assert text(response).count('class="history-revision"') == 50
    assert "Page 1 of 10" in text(response)
    assert many_queries == few_queries


@pytest.fixture
def article_with_five_faqs(make_article, make_faq, publish):
    """A live article with five live FAQ entries."""
    article = make_article("Five questions")
    for n in range(5):
        make_faq(f"Question {n}?", f"Answer {n}.", article=article, order=n)
    return publish(article)


def test_article_page_queries_do_not_grow_with_revisions(client, article_with_five_faqs, writer):
    """The public page with 5 FAQs fits ARTICLE_MAX, with 0 or 20 revisions and draft changes."""
    article = article_with_five_faqs
    url = article.get_absolute_url()
    Revision.objects.all().delete()  # as for content from before versioning began
    assert fresh(article).latest_revision_id is None
    response, before = count_queries(client, url)
    assert response.status_code == 200
    assert text(response).count('class="faq"') == 5
    assert before <= ARTICLE_MAX

    for n in range(20):
        save_working(article, writer, summary=f"Draft summary {n}.")
    assert fresh(article).has_draft_changes
    assert article.revisions().count() == 21  # the baseline, then 20 saves
    response, after = count_queries(client, url)
    assert text(response).count('class="faq"') == 5
    assert "Draft summary" not in text(response)
    assert after == before


@pytest.mark.parametrize("state", ["draft", "live"])
def test_admin_save_of_an_article_with_five_faqs_is_within_budget(
    client, make_article, make_faq, publish, editor, state
):
    """Saving an article with 5 FAQ entries, changing only the summary, takes at most 23 queries."""
    article = make_article("Five questions")
    for n in range(5):
        make_faq(f"Question {n}?", f"Answer {n}.", article=article, order=n)
    if state == "live":
        publish(article)
    client.force_login(editor)
    data = form_data(client, article, summary="Only the summary changes.", _save="Save")
    assert data["faqs-TOTAL_FORMS"] == "5"
    response, queries = count_queries(client, change_url(article), "post", data)
    assert response.status_code == 302
    assert revisions.working_copy(fresh(article)).summary == "Only the summary changes."
    assert fresh(article).latest_revision.changed == ["summary"]
    assert queries <= ADMIN_SAVE_MAX


def test_no_compare_link_compares_a_revision_with_itself(client, with_draft_changes, editor):
    """Each revision offers only the comparisons that show a difference."""
    article = with_draft_changes
    client.force_login(editor)
    html = client.get(history_url(article)).content.decode()
    links = re.findall(r'\?(to=(\d+)&amp;from=(\d+)|from=(\d+)&amp;to=(\d+))"', html)
    assert links, "the history offers no comparison at all"
    for _, to, since, start, end in links:
        assert (to or end) != (since or start), links
    assert f"to={article.latest_revision_id}&amp;from={article.live_revision_id}" in html
