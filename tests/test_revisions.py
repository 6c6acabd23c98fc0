"""Every edit is a version: revisions, the working copy, the live page, restore and diffs."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles.models import Article, Revision, Status, Transition
from articles.publishing import diff, revisions
from articles.publishing.workflow import InvalidTransition, transition
from faq.models import FAQEntry
from tests.conftest import graph_nodes, parse_page
from tests.test_admin import CHANGELIST, change_url, form_data

NEW_BODY = "Brand new paragraph about rest.\n\n## A section\n\nFresh words."
DAY = datetime.timedelta(days=1)
NEW_ANSWER = "Seven to nine hours, for most adults."

# Columns of the row that readers' pages are built from.
PUBLIC_COLUMNS = [
    "title", "slug", "summary", "body", "body_html", "search_text", "sections", "word_count",
    "author_id", "topic_id", "meta_title", "meta_description", "updated_at", "published_at",
    "live",
]  # fmt: skip
FAQ_COLUMNS = [
    "title", "slug", "answer", "answer_html", "search_text", "order", "live", "published_at",
]  # fmt: skip


def public_row(article):
    return Article.objects.published().filter(pk=article.pk).values(*PUBLIC_COLUMNS).get()


def faq_rows(article):
    return list(FAQEntry.objects.filter(article=article).values(*FAQ_COLUMNS))


def fresh(item):
    """A new instance from the database, without cached properties."""
    return type(item).objects.get(pk=item.pk)


def page_date_modified(client, article):
    page = parse_page(client.get(article.get_absolute_url()).content.decode())
    return graph_nodes(page, "WebPage")[0]["dateModified"]


def edit_live(article, user=None):
    """Edit the body, summary and FAQ answer of the working copy, as the admin form does."""
    working = revisions.working_copy(fresh(article))
    working.body, working.summary = NEW_BODY, "A fresh summary."
    assert revisions.save(working, user) is not None
    working = revisions.working_copy(fresh(article))
    [part] = revisions.working_children(working)["faqs"]
    part.answer = NEW_ANSWER
    assert revisions.save(working, user, children={"faqs": [part]}) is not None


@pytest.fixture
def live_with_faq(make_article, make_faq, publish):
    """A live article with one live FAQ entry, published together."""
    article = make_article("Sleep well")
    faq = make_faq("How long should I sleep?", "Eight hours.", article=article)
    publish(article)
    faq.refresh_from_db()
    assert faq.live and article.live
    return fresh(article), faq


# --- Writing revisions ------------------------------------------------------------------


def test_create_writes_the_first_revision(draft):
    """Creating an item writes one revision of kind "save" and points latest_revision at it."""
    revision = draft.revisions().get()
    assert revision.kind == Revision.SAVE
    assert fresh(draft).latest_revision_id == revision.pk == draft.latest_revision_id
    assert revision.content["fields"]["title"] == "Draft article"
    assert revision.changed == []


@pytest.fixture
def edited(draft):
    """A draft article saved once more with a real change (two revisions)."""
    draft.summary = "An edited summary."
    assert draft.save() is not None
    return fresh(draft)


def test_each_changing_save_writes_a_revision(edited, editor):
    """Each save that changes content adds a revision naming the changed fields."""
    first = edited.revisions().first()
    edited.body = "Another body."
    second = edited.save()
    edited.title, edited.summary = "Another title", "Another summary."
    third = revisions.save(edited, editor, message="  Retitled  ")
    assert [r.pk for r in edited.revisions()][:3] == [third.pk, second.pk, first.pk]
    assert edited.revisions().count() == 4
    assert second.changed == ["body"]
    assert third.changed == ["title", "summary"]
    assert (third.user, third.message, third.kind) == (editor, "Retitled", Revision.SAVE)
    assert fresh(edited).latest_revision_id == third.pk
    assert second.content["fields"]["body"] == "Another body."
    assert fresh(edited).body == "Another body."  # a draft's row follows its working copy


def test_an_unchanged_save_right_after_create_writes_no_revision(draft):
    """Saving a just-created article without changing anything writes no revision."""
    assert fresh(draft).save() is None
    assert draft.revisions().count() == 1


def test_an_unchanged_save_writes_no_revision(edited):
    """Saving without changing anything, from the same or a fresh instance, writes nothing."""
    assert edited.save() is None
    assert fresh(edited).save() is None
    assert edited.revisions().count() == 2


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_ending_differences_write_no_revision(edited, newline):
    """The same Markdown with CRLF (or CR) line endings is not a change."""
    edited.body = edited.body.replace("\n", newline)
    assert edited.save() is None
    assert edited.revisions().count() == 2
    assert "\r" not in fresh(edited).body


def test_a_crlf_admin_post_writes_no_revision(client, editor, edited):
    """A browser posting the unchanged form with CRLF line endings writes no revision."""
    client.force_login(editor)
    data = form_data(client, edited, _save="Save")
    data["body"] = data["body"].replace("\n", "\r\n")
    assert "\r\n" in data["body"]
    response = client.post(change_url(edited), data, follow=True)
    assert "Nothing had changed" in " ".join(str(m) for m in response.context["messages"])
    assert edited.revisions().count() == 2


def test_revision_content_holds_every_content_field_and_the_faqs(draft, make_faq):
    """A revision holds all content fields (no workflow fields) and the FAQ entries' fields."""
    faq = make_faq("Is napping good?", "In moderation.", article=draft, order=3)
    revision = fresh(draft).latest_revision
    assert draft.revisions().count() == 2
    fields = revision.content["fields"]
    assert set(fields) == {f.name for f in Article.content_fields()}
    expected = {
        "title", "slug", "summary", "body", "author", "topic", "medical_review",
        "review_interval", "hero_image", "hero_image_alt", "meta_title", "meta_description",
        "focus_keyword", "canonical_url", "noindex",
    }  # fmt: skip
    assert expected <= set(fields)
    workflow_and_derived = {
        "status", "live", "published_at", "first_published_at", "live_revision",
        "latest_revision", "body_html", "created_at", "updated_at",
    }  # fmt: skip
    assert not set(fields) & workflow_and_derived
    assert fields["author"] == draft.author_id
    [entry] = revision.content["children"]["faqs"]
    assert entry["pk"] == faq.pk
    assert entry["fields"]["title"] == "Is napping good?"
    assert entry["fields"]["answer"] == "In moderation."
    assert entry["fields"]["order"] == 3
    assert "article" not in entry["fields"]
    assert "status" not in entry["fields"]


def test_faq_entries_on_an_article_have_no_revisions_of_their_own(draft, make_faq):
    """An FAQ entry on an article is versioned in the article; a standalone one has its own."""
    attached = make_faq("Attached?", "Yes.", article=draft)
    standalone = make_faq("Standalone?", "Yes.")
    attached.answer = "Still attached."
    attached.save()
    assert not attached.revisions().exists()
    assert draft.revisions().count() == 3
    assert fresh(draft).latest_revision.content["children"]["faqs"][0]["fields"]["answer"] == (
        "Still attached."
    )
    assert standalone.revisions().count() == 1


def test_revisions_are_immutable(draft):
    """Saving an existing Revision raises; the stored content is untouched."""
    revision = draft.revisions().get()
    revision.content = {"fields": {"title": "Tampered"}}
    with pytest.raises(ValueError, match="immutable"):
        revision.save()
    assert Revision.objects.get(pk=revision.pk).content["fields"]["title"] == "Draft article"


# --- Saving never writes workflow fields ----------------------------------------------------


WORKFLOW = ["status", "live", "published_at", "first_published_at", "live_revision_id"]


def workflow_values(item):
    return Article.objects.filter(pk=item.pk).values(*WORKFLOW).get()


def test_a_stale_instance_saved_after_publish_keeps_the_workflow_fields(edited, publish):
    """An instance loaded as a draft and saved after publishing cannot unpublish or redate."""
    draft = edited
    stale = fresh(draft)
    publish(draft)
    after_publish = workflow_values(draft)
    assert stale.save() is None  # nothing changed: nothing at all is written
    assert workflow_values(draft) == after_publish
    stale.summary = "Edited on a stale instance."
    stale.save()
    now = workflow_values(draft)
    # The save starts draft changes (status, through the logged "edit" move); the rest stays.
    assert now == {**after_publish, "status": Status.DRAFT}
    assert Transition.objects.filter(action="edit").count() == 1
    assert (stale.status, stale.live) == (Status.DRAFT, True)
    assert public_row(draft)["summary"] == "An edited summary."


def test_forged_workflow_fields_on_a_draft_are_not_written(draft):
    """Setting status, live and dates on a draft instance and saving writes none of them."""
    draft.status, draft.live = Status.PUBLISHED, True
    draft.published_at = draft.first_published_at = timezone.now()
    draft.summary = "Forged."
    draft.save()
    assert workflow_values(draft) == {
        "status": Status.DRAFT, "live": False, "published_at": None,
        "first_published_at": None, "live_revision_id": None,
    }  # fmt: skip
    assert not Article.objects.published().exists()
    assert fresh(draft).summary == "Forged."


def test_forged_workflow_fields_on_create_are_ignored(make_article):
    """An item created with status published and live set starts as an unseen draft."""
    article = make_article("Forged", status=Status.PUBLISHED, live=True,
                           published_at=timezone.now())  # fmt: skip
    assert workflow_values(article)["status"] == Status.DRAFT
    assert not Article.objects.published().exists()


# --- The live page stays as it is until publish ---------------------------------------------


def test_editing_a_live_item_leaves_the_public_page_alone(client, live_with_faq, writer):
    """Draft changes to body and FAQ answer change neither the page nor the public rows."""
    article, _ = live_with_faq
    url = article.get_absolute_url()
    page_before = client.get(url).content
    row_before, faqs_before = public_row(article), faq_rows(article)
    modified_before = page_date_modified(client, article)

    edit_live(article, writer)

    assert client.get(url).content == page_before
    assert public_row(article) == row_before
    assert faq_rows(article) == faqs_before
    assert page_date_modified(client, article) == modified_before
    current = fresh(article)
    assert current.state_label() == "Live · draft changes"
    # The working copy has both edits.
    working = revisions.working_copy(current)
    assert (working.body, working.summary) == (NEW_BODY, "A fresh summary.")
    assert "Brand new paragraph" in working.body_html
    assert revisions.working_children(current)["faqs"][0].answer == NEW_ANSWER


def test_publishing_draft_changes_updates_the_page(client, live_with_faq, writer, editor):
    """After submit and publish the page shows the new body and answer, and dateModified moves."""
    article, faq = live_with_faq
    url = article.get_absolute_url()
    # A day back, so a move of dateModified shows at the page's one-second precision.
    Article.objects.filter(pk=article.pk).update(updated_at=article.updated_at - DAY)
    updated_before = fresh(article).updated_at
    modified_before = page_date_modified(client, article)
    edit_live(article, writer)
    assert fresh(article).updated_at == updated_before

    fresh(article).submit_for_review(writer)
    assert fresh(article).state_label() == "Live · draft changes in review"
    assert fresh(article).updated_at == updated_before
    assert "Brand new paragraph" not in client.get(url).content.decode()
    fresh(article).publish(editor)

    html = client.get(url).content.decode()
    assert "Brand new paragraph about rest." in html
    assert "Intro paragraph." not in html
    assert NEW_ANSWER in html
    assert "Eight hours." not in html
    current = fresh(article)
    assert current.updated_at > updated_before
    assert page_date_modified(client, article) != modified_before
    assert (current.status, current.state_label()) == (Status.PUBLISHED, "Live")
    assert current.live_revision_id == current.latest_revision_id
    assert public_row(article)["summary"] == "A fresh summary."
    faq.refresh_from_db()
    assert faq.answer == NEW_ANSWER and faq.live


def test_saving_an_faq_part_keeps_the_articles_draft_changes(live_with_faq, writer):
    """Saving an FAQ entry of a live article with draft changes keeps those draft changes."""
    article, _ = live_with_faq
    working = revisions.working_copy(fresh(article))
    working.body = NEW_BODY
    revisions.save(working, writer)
    [part] = revisions.working_children(fresh(article))["faqs"]
    part.answer = NEW_ANSWER
    revision = part.save()
    assert revision.changed == ["FAQ entries"]
    current = fresh(article)
    assert revisions.working_copy(current).body == NEW_BODY
    assert revisions.working_children(current)["faqs"][0].answer == NEW_ANSWER


def test_a_live_save_is_logged_as_an_edit_move(published, writer):
    """The first save to a live item logs an "edit" move from published to draft, once."""
    published.summary = "One."
    first = published.save()
    published.summary = "Two."
    published.save()
    [edit] = Transition.objects.filter(action="edit")
    assert (edit.from_status, edit.to_status, edit.user) == (Status.PUBLISHED, Status.DRAFT, None)
    assert edit.revision_id == first.pk


def test_a_live_save_by_a_writer_is_logged_with_the_writer(published, writer):
    """A writer's save of a live item starts draft changes and the edit move names the writer."""
    item = fresh(published)
    item.summary = "Writer's new summary."
    revision = revisions.save(item, writer)
    edit = Transition.objects.get(action="edit")
    assert (edit.user, edit.revision_id, revision.user) == (writer, revision.pk, writer)


# --- State labels -----------------------------------------------------------------------


def test_state_labels_through_the_life_of_an_article(make_article, writer, editor):
    """state_label() reads Draft, In review, Live, Live · draft changes (in review)."""
    article = make_article()
    assert fresh(article).state_label() == "Draft"
    article.submit_for_review(writer)
    assert fresh(article).state_label() == "In review"
    article.publish(editor)
    assert fresh(article).state_label() == "Live"
    article = fresh(article)
    article.summary = "Changed."
    article.save()
    assert fresh(article).state_label() == "Live · draft changes"
    assert fresh(article).has_draft_changes
    article.submit_for_review(writer)
    assert fresh(article).state_label() == "Live · draft changes in review"
    article.request_changes(editor, "Not yet")
    assert fresh(article).state_label() == "Live · draft changes"
    article.submit_for_review(writer)
    article.publish(editor)
    assert fresh(article).state_label() == "Live"
    assert not fresh(article).has_draft_changes


def test_state_label_of_a_scheduled_article(make_article, writer, editor):
    """A publication set for the future reads "Scheduled", and with edits "… · draft changes"."""
    article = make_article()
    article.submit_for_review(writer)
    article.publish(editor, at=timezone.now() + datetime.timedelta(days=2))
    assert fresh(article).state_label() == "Scheduled"
    article = fresh(article)
    article.summary = "Changed before it goes out."
    article.save()
    assert fresh(article).state_label() == "Scheduled · draft changes"


# --- Transitions and revisions ------------------------------------------------------------


def test_each_transition_records_the_revision_it_acted_on(make_article, writer, editor):
    """Submit, publish, edit, request changes and unpublish each log the revision they moved."""
    article = make_article()
    first = fresh(article).latest_revision_id
    assert article.submit_for_review(writer).revision_id == first
    assert article.publish(editor).revision_id == first
    assert fresh(article).live_revision_id == first

    article = fresh(article)
    article.summary = "Draft changes."
    edited = article.save()
    assert Transition.objects.get(action="edit").revision_id == edited.pk
    assert article.submit_for_review(writer).revision_id == edited.pk
    assert article.request_changes(editor, "Shorter").revision_id == edited.pk
    article.summary = "Shorter."
    shorter = article.save()
    article.submit_for_review(writer)
    assert article.publish(editor).revision_id == shorter.pk
    assert fresh(article).live_revision_id == shorter.pk
    assert article.unpublish(editor).revision_id == shorter.pk
    assert not Transition.objects.filter(revision=None).exists()


def test_a_second_publish_is_refused_and_logs_nothing(make_article, writer, editor):
    """Publishing an already published item, even from a stale instance, raises; no log row."""
    article = make_article()
    article.submit_for_review(writer)
    stale = fresh(article)  # loaded in review, as by a second editor
    article.publish(editor)
    logged = Transition.objects.count()
    with pytest.raises(InvalidTransition):
        stale.publish(editor)
    with pytest.raises(InvalidTransition):
        transition(fresh(article), "publish", editor)
    assert Transition.objects.count() == logged
    assert Transition.objects.filter(action="publish").count() == 1


def test_unpublishing_draft_changes_takes_the_page_down_with_the_working_copy(
    client, live_with_faq, editor
):
    """Unpublishing a live item with draft changes: 404 for readers; the row holds the edits."""
    article, faq = live_with_faq
    url = article.get_absolute_url()
    edit_live(article, editor)
    latest = fresh(article).latest_revision_id

    log = fresh(article).unpublish(editor)
    assert log.revision_id == latest
    assert client.get(url).status_code == 404
    row = fresh(article)
    assert (row.status, row.live, row.body) == (Status.DRAFT, False, NEW_BODY)
    assert "Brand new paragraph" in row.body_html
    assert not Article.objects.published().exists()
    faq.refresh_from_db()
    assert (faq.answer, faq.live) == (NEW_ANSWER, False)
    # The working copy is now just the row: saving it again changes nothing.
    assert row.save() is None


# --- Restore ----------------------------------------------------------------------------------


def test_restore_writes_a_new_revision_equal_to_the_old_one(draft, editor):
    """Restoring revision 1 adds a "restore" revision with revision 1's content."""
    draft.summary = "Second."
    old = draft.save()
    draft.summary = "Third."
    draft.body = "Third body."
    draft.save()
    restored = revisions.restore(fresh(draft), old, editor)
    assert restored.kind == Revision.RESTORE
    assert restored.user == editor
    assert draft.revisions().count() == 4
    assert restored.content == old.content
    assert restored.changed == ["summary", "body"]
    assert f"Restored revision {old.pk}" in restored.message
    row = fresh(draft)
    assert (row.summary, row.body) == ("Second.", old.content["fields"]["body"])
    assert row.latest_revision_id == restored.pk


def test_restore_of_a_live_item_does_not_change_the_public_page(
    client, live_with_faq, writer, editor
):
    """Restoring an old revision of a live item is a draft change; the page stays as it is."""
    article, _ = live_with_faq
    url = article.get_absolute_url()
    first_live = article.live_revision
    edit_live(article, writer)
    fresh(article).submit_for_review(writer)
    fresh(article).publish(editor)
    page, row, faqs = client.get(url).content, public_row(article), faq_rows(article)
    assert NEW_ANSWER in page.decode()

    restored = revisions.restore(fresh(article), first_live, editor)
    assert restored.kind == Revision.RESTORE
    assert restored.content["fields"] == first_live.content["fields"]
    assert client.get(url).content == page
    assert (public_row(article), faq_rows(article)) == (row, faqs)
    current = fresh(article)
    assert current.state_label() == "Live · draft changes"
    assert current.live_revision_id != restored.pk
    assert revisions.working_copy(current).body == first_live.content["fields"]["body"]
    assert revisions.working_children(current)["faqs"][0].answer == "Eight hours."


def test_restore_brings_back_a_removed_faq_entry(draft, make_faq, editor):
    """An FAQ entry removed from a draft article comes back when an earlier revision is restored."""
    faq = make_faq("Can I nap?", "Twenty minutes.", article=draft)
    with_faq = fresh(draft).latest_revision
    # As the admin posts it: the inline forms left, and the entry marked for deletion.
    removal = revisions.save(fresh(draft), editor, children={"faqs": []}, removed={"faqs": [faq]})
    assert removal.changed == ["FAQ entries"]
    assert not FAQEntry.objects.filter(article=draft).exists()

    revisions.restore(fresh(draft), with_faq, editor)
    [back] = FAQEntry.objects.filter(article=draft)
    assert (back.title, back.answer, back.status, back.live) == (
        "Can I nap?",
        "Twenty minutes.",
        Status.DRAFT,
        False,
    )
    [entry] = fresh(draft).latest_revision.content["children"]["faqs"]
    assert entry["fields"]["answer"] == "Twenty minutes."


def test_removing_a_part_without_listing_the_others(draft, make_faq, editor):
    """save(removed=...) alone takes the entry away, as its docstring says."""
    faq = make_faq("Can I nap?", "Twenty minutes.", article=draft)
    removal = revisions.save(fresh(draft), editor, removed={"faqs": [faq]})
    assert removal is not None
    assert not FAQEntry.objects.filter(article=draft).exists()
    assert "children" not in removal.content or removal.content["children"]["faqs"] == []


def test_restore_brings_back_a_live_faq_entry_pending_removal(
    client, live_with_faq, writer, editor
):
    """A live FAQ entry removed in draft changes is back after a restore, and stays published."""
    article, faq = live_with_faq
    before = fresh(article).latest_revision
    revisions.save(fresh(article), editor, children={"faqs": []}, removed={"faqs": [faq]})
    assert revisions.working_children(fresh(article))["faqs"] == []
    assert FAQEntry.objects.filter(pk=faq.pk, live=True).exists()  # still on the live page

    revisions.restore(fresh(article), before, editor)
    [back] = revisions.working_children(fresh(article))["faqs"]
    assert (back.title, back.answer) == ("How long should I sleep?", "Eight hours.")
    assert "Eight hours." in client.get(article.get_absolute_url()).content.decode()
    fresh(article).submit_for_review(writer)
    fresh(article).publish(editor)
    assert "Eight hours." in client.get(article.get_absolute_url()).content.decode()


def test_restore_refuses_a_revision_of_another_item(draft, make_article, editor):
    """A revision of one article cannot be restored onto another."""
    other = make_article("Another article")
    with pytest.raises(ValueError, match="another item"):
        revisions.restore(fresh(draft), other.revisions().get(), editor)
    assert draft.revisions().count() == 1


# --- Diffs -------------------------------------------------------------------------------------


def test_word_diff_names_the_changed_words():
    """word_diff marks the replaced words; changed_words returns exactly those."""
    ops = diff.word_diff("Sleep eight hours a night.", "Sleep seven hours a night.")
    assert ("delete", "eight") in ops and ("insert", "seven") in ops
    assert "".join(text for op, text in ops if op != "insert") == "Sleep eight hours a night."
    assert "".join(text for op, text in ops if op != "delete") == "Sleep seven hours a night."
    assert diff.changed_words(ops) == ("seven", "eight")


def test_changed_words_for_added_and_removed_text():
    """Pure insertions and deletions show up on the right side only."""
    assert diff.changed_words(diff.word_diff("Rest well.", "Rest very well.")) == ("very", "")
    assert diff.changed_words(diff.word_diff("Rest very well.", "Rest well.")) == ("", "very")
    assert diff.changed_words(diff.word_diff("Same.", "Same.")) == ("", "")
    assert diff.changed_words(diff.word_diff(None, "New")) == ("New", "")


def test_render_diff_escapes_html_and_marks_changes_accessibly():
    """render_diff escapes markup in content and uses <ins>/<del> with hidden added/removed."""
    added = str(diff.render_diff(diff.word_diff("Safe.", 'Safe <script>alert("x")</script>.')))
    removed = str(diff.render_diff(diff.word_diff("Safe <b>bold</b>.", "Safe.")))
    html = added + removed
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in added
    assert "&lt;b&gt;bold&lt;/b&gt;" in removed
    assert "<ins>" in html and "<del>" in html
    assert '<span class="visually-hidden">[added: </span>' in html
    assert '<span class="visually-hidden">[removed: </span>' in html


def test_render_diff_shortens_long_unchanged_runs():
    """A long unchanged stretch shows only its ends; the change itself is kept."""
    same = "word " * 200
    html = str(diff.render_diff(diff.word_diff(same + "old", same + "new")))
    assert " … " in html
    assert len(html) < len(same)
    assert "old" in html and "new" in html


def test_compare_reports_field_and_faq_changes(draft, make_faq):
    """compare() lists a changed body and a changed FAQ answer, with the words that changed."""
    faq = make_faq("Can I nap?", "Twenty minutes.", article=draft)
    old = fresh(draft).latest_revision.content
    draft = fresh(draft)
    draft.body = draft.body.replace("More text.", "Much more text.")
    draft.save()
    faq = FAQEntry.objects.get(pk=faq.pk)
    faq.answer = "Thirty minutes."
    faq.save()
    fields, parts = diff.compare(Article, old, fresh(draft).latest_revision.content)
    assert [f.label for f in fields] == ["Body"]
    assert "<ins>" in fields[0].html and "Much" in fields[0].html
    [part] = parts
    assert part.status == "changed" and "Can I nap?" in part.label
    assert diff.changed_words(diff.word_diff(part.fields[0].old, part.fields[0].new)) == (
        "Thirty",
        "Twenty",
    )


# --- Writers cannot publish draft changes -------------------------------------------------------


@pytest.fixture
def changes_in_review(published, writer):
    """A live article whose draft changes a writer has submitted for review."""
    article = fresh(published)
    article.body = NEW_BODY
    revisions.save(article, writer)
    article.submit_for_review(writer)
    article = fresh(article)
    assert article.state_label() == "Live · draft changes in review"
    return article


def assert_still_unpublished(article, client):
    current = fresh(article)
    assert current.status != Status.PUBLISHED
    assert current.live_revision_id != current.latest_revision_id
    assert "Brand new paragraph" not in client.get(article.get_absolute_url()).content.decode()
    assert public_row(article)["body"] == "Intro paragraph.\n\n## A section\n\nMore text."


def test_writer_cannot_publish_draft_changes_through_the_service(changes_in_review, writer, client):
    """transition(..., "publish", writer) is refused and logs nothing."""
    logged = Transition.objects.count()
    with pytest.raises(PermissionDenied):
        transition(changes_in_review, "publish", writer)
    assert Transition.objects.count() == logged
    assert_still_unpublished(changes_in_review, client)


def test_writer_cannot_publish_draft_changes_with_the_method(changes_in_review, writer, client):
    """article.publish(writer) is refused."""
    with pytest.raises(PermissionDenied):
        changes_in_review.publish(writer)
    assert_still_unpublished(changes_in_review, client)


def test_writer_cannot_publish_draft_changes_with_a_forged_button(
    changes_in_review, writer, client
):
    """A writer's admin POST with _transition=publish changes nothing."""
    client.force_login(writer)
    response = client.post(change_url(changes_in_review), {"_transition": "publish"}, follow=True)
    assert any("permission to publish" in str(m) for m in response.context["messages"])
    assert not Transition.objects.filter(action="publish", user=writer).exists()
    assert_still_unpublished(changes_in_review, client)


def test_writer_cannot_publish_draft_changes_from_a_draft_form(published, writer, client):
    """A writer saving draft changes with _transition=publish saves them but does not publish."""
    client.force_login(writer)
    data = form_data(client, published, body=NEW_BODY, _transition="publish")
    response = client.post(change_url(published), data, follow=True)
    assert response.status_code == 200
    assert revisions.working_copy(fresh(published)).body == NEW_BODY
    assert not Transition.objects.filter(action="publish", user=writer).exists()
    assert_still_unpublished(published, client)


def test_writer_cannot_bulk_publish_draft_changes(changes_in_review, writer, client):
    """The bulk_publish action is refused to a writer."""
    client.force_login(writer)
    response = client.post(
        CHANGELIST,
        {"action": "bulk_publish", "_selected_action": [changes_in_review.pk], "index": "0"},
        follow=True,
    )
    assert "No action selected." in [str(m) for m in response.context["messages"]]
    assert_still_unpublished(changes_in_review, client)


def test_writer_restoring_the_live_revision_does_not_publish(published, writer, client):
    """A writer restoring the live version over draft changes leaves them unpublished drafts."""
    live = fresh(published).live_revision
    article = fresh(published)
    article.body = NEW_BODY
    revisions.save(article, writer)
    client.force_login(writer)
    url = f"{CHANGELIST}{published.pk}/history/{live.pk}/restore/"
    assert client.post(url).status_code == 302
    current = fresh(published)
    assert current.latest_revision.kind == Revision.RESTORE
    assert current.status == Status.DRAFT
    assert current.live_revision_id == live.pk
    assert not Transition.objects.filter(action="publish", user=writer).exists()
    assert_still_unpublished(published, client)


def test_writer_cannot_restore_draft_changes_in_review(changes_in_review, writer, client):
    """The restore view refuses a writer on an item in review."""
    client.force_login(writer)
    live = changes_in_review.live_revision_id
    url = f"{CHANGELIST}{changes_in_review.pk}/history/{live}/restore/"
    assert client.post(url).status_code == 403
    assert fresh(changes_in_review).latest_revision.kind == Revision.SAVE
    assert_still_unpublished(changes_in_review, client)
