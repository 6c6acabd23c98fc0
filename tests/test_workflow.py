"""The workflow service: who may make which move, and what each move records."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from articles.models import PLACEHOLDER_TITLE_PREFIX, Article, Status, Transition
from articles.publishing.roles import EDITOR, MEDICAL_REVIEWER, WRITER
from articles.publishing.workflow import PUBLIC_MOVES as TRANSITIONS
from articles.publishing.workflow import InvalidTransition, transition
from faq.models import FAQEntry
from tests.conftest import make_user


def test_writer_submits_and_the_log_records_it(draft, writer):
    """Submitting moves a draft to review and logs user, states and note."""
    log = draft.submit_for_review(writer, note="Ready")
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert (log.from_status, log.to_status, log.user, log.note) == (
        Status.DRAFT,
        Status.IN_REVIEW,
        writer,
        "Ready",
    )
    assert list(draft.transitions()) == [log]


def test_writer_cannot_publish(draft, writer):
    """A writer is refused publishing even from review, and nothing changes."""
    draft.submit_for_review(writer)
    with pytest.raises(PermissionDenied):
        draft.publish(writer)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert Transition.objects.count() == 1


def test_editor_publishes_and_dates_are_set(draft, writer, editor):
    """Publishing sets published_at and first_published_at."""
    draft.submit_for_review(writer)
    draft.publish(editor)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at is not None
    assert draft.first_published_at == draft.published_at


def test_publish_from_draft_is_invalid(draft, editor):
    """Skipping review is refused with a clear error."""
    with pytest.raises(InvalidTransition, match="only items that are in review"):
        draft.publish(editor)


# --- Permission matrix, states, scheduling, readiness, FAQ, roles -----------------------

METHODS = {
    "submit": "submit_for_review",
    "publish": "publish",
    "request_changes": "request_changes",
    "unpublish": "unpublish",
    "sign_off": "sign_off",
    "trash": "move_to_trash",
    "untrash": "restore_from_trash",
}
ROLES = ["writer", "editor", "clinician", "outsider", "none", "anonymous"]
ALLOWED = {
    "writer": {"submit"},
    "editor": {"submit", "publish", "request_changes", "unpublish", "trash", "untrash"},
    "clinician": {"sign_off", "request_changes"},
}
ALLOWED_CASES = [(r, a) for r in ROLES for a in TRANSITIONS if a in ALLOWED.get(r, ())]
REFUSED_CASES = [(r, a) for r in ROLES for a in TRANSITIONS if a not in ALLOWED.get(r, ())]


@pytest.fixture
def users(writer, editor, clinician, outsider):
    return {
        "writer": writer,
        "editor": editor,
        "clinician": clinician,
        "outsider": outsider,
        "none": None,
        "anonymous": AnonymousUser(),
    }


def in_state(item, status):
    """Put an item straight into ``status`` without going through (or logging) the workflow."""
    fields = {"status": status, "live": status == Status.PUBLISHED}
    if status == Status.PUBLISHED:
        fields["published_at"] = fields["first_published_at"] = timezone.now()
    type(item).objects.filter(pk=item.pk).update(**fields)
    item.refresh_from_db()
    return item


def move(item, action, user, note="Because"):
    return getattr(item, METHODS[action])(user, note=note)


@pytest.mark.parametrize(("role", "action"), ALLOWED_CASES)
def test_allowed_move_writes_exactly_one_log_row(role, action, users, draft):
    """A permitted move changes the status and logs action, states, user, note and time."""
    spec = TRANSITIONS[action]
    item = in_state(draft, spec.source)
    log = move(item, action, users[role], note="  Because  ")
    item.refresh_from_db()
    # A sign-off leaves the state as it was.
    target = spec.target or spec.source
    assert item.status == target
    assert list(Transition.objects.all()) == [log]
    log.refresh_from_db()
    assert (log.action, log.from_status, log.to_status, log.user, log.note) == (
        action,
        spec.source,
        target,
        users[role],
        "Because",
    )
    article_type = ContentType.objects.get_for_model(Article)
    assert (log.content_type, log.object_id) == (article_type, item.pk)
    assert log.created_at is not None and log.created_at == item.updated_at


@pytest.mark.parametrize(("role", "action"), REFUSED_CASES)
def test_refused_move_raises_and_changes_nothing(role, action, users, draft):
    """A move without the permission raises PermissionDenied; status and log stay as they were."""
    spec = TRANSITIONS[action]
    item = in_state(draft, spec.source)
    with pytest.raises(PermissionDenied):
        move(item, action, users[role])
    item.refresh_from_db()
    assert item.status == spec.source
    assert not Transition.objects.exists()


@pytest.mark.parametrize("note", ["", "   ", None])
def test_request_changes_needs_a_note(note, draft, writer, editor):
    """Requesting changes without a note is invalid and leaves the item in review."""
    draft.submit_for_review(writer)
    with pytest.raises(InvalidTransition, match="needs a note"):
        draft.request_changes(editor, note)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert Transition.objects.count() == 1


def test_request_changes_sends_back_to_draft(draft, writer, editor):
    """Requesting changes moves in_review -> draft and logs the note."""
    draft.submit_for_review(writer)
    log = draft.request_changes(editor, "Add sources")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert (log.from_status, log.to_status, log.note) == (
        Status.IN_REVIEW,
        Status.DRAFT,
        "Add sources",
    )


def test_unpublish_keeps_first_published_at(published, editor):
    """Unpublishing returns the item to draft but keeps the date it first went live."""
    first = published.first_published_at
    assert first is not None
    published.unpublish(editor)
    published.refresh_from_db()
    assert published.status == Status.DRAFT
    assert published.first_published_at == first
    assert not Article.objects.published().filter(pk=published.pk).exists()


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("submit", Status.IN_REVIEW),
        ("submit", Status.PUBLISHED),
        ("publish", Status.DRAFT),
        ("publish", Status.PUBLISHED),
        ("request_changes", Status.DRAFT),
        ("request_changes", Status.PUBLISHED),
        ("unpublish", Status.DRAFT),
        ("unpublish", Status.IN_REVIEW),
    ],
)
def test_move_from_wrong_state_is_invalid(action, status, draft, editor):
    """A move from the wrong state says which state it needs and changes nothing."""
    item = in_state(draft, status)
    source = TRANSITIONS[action].describe_sources()
    with pytest.raises(InvalidTransition, match=f"only items that are {source} can be moved"):
        move(item, action, editor)
    item.refresh_from_db()
    assert item.status == status
    assert not Transition.objects.exists()


def test_unknown_action_is_invalid(draft, editor):
    """The service refuses an action it does not know, listing the ones it does."""
    with pytest.raises(InvalidTransition, match="Unknown action “archive”.*submit, publish"):
        transition(draft, "archive", editor)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not Transition.objects.exists()


def test_future_published_at_schedules(draft, writer, editor):
    """Publishing at a future time schedules: published, but not yet public."""
    draft.submit_for_review(writer)
    future = timezone.now() + timedelta(days=3)
    draft.publish(editor, at=future)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at == future
    assert draft.is_scheduled and not draft.is_live
    assert not Article.objects.published().filter(pk=draft.pk).exists()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"author": None}, "no author"),
        ({"title": f"{PLACEHOLDER_TITLE_PREFIX} notes.md"}, "untitled import"),
    ],
)
def test_publishing_an_unready_article_is_refused(fields, reason, make_article, writer, editor):
    """An article without an author or with a placeholder title cannot be published."""
    item = make_article(**{"title": "Fine title", **fields})
    item.submit_for_review(writer)
    with pytest.raises(InvalidTransition, match=reason):
        item.publish(editor)
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    assert not Transition.objects.filter(action="publish").exists()


def test_faq_entries_follow_the_same_workflow(make_faq, writer, editor):
    """A writer submits an FAQ entry but cannot publish it; an editor publishes it."""
    faq = make_faq()
    faq.submit_for_review(writer)
    with pytest.raises(PermissionDenied):
        faq.publish(writer)
    faq.publish(editor)
    faq.refresh_from_db()
    assert faq.status == Status.PUBLISHED
    assert FAQEntry.objects.published().filter(pk=faq.pk).exists()
    assert [(t.action, t.user) for t in faq.transitions()] == [
        ("publish", editor),
        ("submit", writer),
    ]
    assert {t.content_type.model for t in Transition.objects.all()} == {"faqentry"}


def test_faq_permissions_are_separate_from_article_ones(make_faq, writer, outsider):
    """Holding publish_article does not let a user publish an FAQ entry."""
    outsider.user_permissions.add(Permission.objects.get(codename="publish_article"))
    faq = make_faq()
    faq.submit_for_review(writer)
    with pytest.raises(PermissionDenied):
        faq.publish(outsider)
    faq.refresh_from_db()
    assert faq.status == Status.IN_REVIEW


# The moves with a permission of their own (the trash's are the delete permission's).
WORKFLOW_ACTIONS = {a for a, m in TRANSITIONS.items() if not m.permission} - {"sign_off"}


@pytest.mark.parametrize(("app_label", "model"), [("articles", "article"), ("faq", "faqentry")])
@pytest.mark.parametrize(("group", "expected"), [(WRITER, {"submit"}), (EDITOR, WORKFLOW_ACTIONS)])
def test_groups_hold_their_workflow_permissions(db, app_label, model, group, expected):
    """After migrations each group holds exactly its role's workflow permissions per model."""
    codenames = set(
        Group.objects.get(name=group)
        .permissions.filter(content_type__app_label=app_label)
        .values_list("codename", flat=True)
    )
    assert {a for a in WORKFLOW_ACTIONS if f"{a}_{model}" in codenames} == expected
    assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= codenames
    assert (f"delete_{model}" in codenames) is (group == EDITOR)


@pytest.mark.parametrize(
    ("group", "perm", "held"),
    [
        (WRITER, "articles.view_author", True),
        (WRITER, "articles.change_author", False),
        (WRITER, "articles.view_transition", False),
        (EDITOR, "articles.change_author", True),
        (EDITOR, "articles.view_transition", True),
        (EDITOR, "articles.change_transition", False),
    ],
)
def test_groups_reference_and_audit_permissions(db, group, perm, held):
    """Writers only view authors/topics; editors manage them and read the transition log."""
    app_label, codename = perm.split(".")
    holds = (
        Group.objects.get(name=group)
        .permissions.filter(content_type__app_label=app_label, codename=codename)
        .exists()
    )
    assert holds is held


@pytest.fixture
def article_with_faqs(draft, make_faq):
    """A draft article with two draft FAQ entries."""
    entries = [make_faq(f"Question {n}?", "An answer.", article=draft) for n in (1, 2)]
    return draft, entries


def test_faq_entries_move_with_their_article(article_with_faqs, writer, editor):
    """Submitting and publishing an article takes its FAQ entries along, each logged."""
    article, entries = article_with_faqs
    article.submit_for_review(writer, note="Ready")
    article.publish(editor)
    article.refresh_from_db()
    for entry in entries:
        entry.refresh_from_db()
        assert entry.status == Status.PUBLISHED
        assert entry.published_at == article.published_at
        assert [t.action for t in entry.transitions()] == ["publish", "submit"]
        assert entry.transitions().last().note == f"With “{article}”. Ready"


def test_only_entries_in_the_same_state_move(article_with_faqs, make_faq, writer, editor):
    """An entry already live stays as it is when its draft article is submitted."""
    article, _ = article_with_faqs
    live = make_faq("Already live?", "Yes.", article=article)
    live.submit_for_review(writer)
    live.publish(editor)
    article.submit_for_review(writer)
    live.refresh_from_db()
    assert live.status == Status.PUBLISHED
    assert live.transitions().count() == 2


def test_scheduled_article_schedules_its_entries(article_with_faqs, writer, editor):
    """Entries publish at the article's future time, not before it."""
    article, entries = article_with_faqs
    article.submit_for_review(writer)
    article.publish(editor, at=timezone.now() + timedelta(days=2))
    assert not FAQEntry.objects.published().exists()
    assert {e.published_at for e in FAQEntry.objects.all()} == {article.published_at}


def test_request_changes_sends_entries_back_with_the_note(article_with_faqs, writer, editor):
    """Entries in review return to draft with their article and carry the editor's note."""
    article, entries = article_with_faqs
    article.submit_for_review(writer)
    article.request_changes(editor, "Cite the trial")
    for entry in entries:
        entry.refresh_from_db()
        assert entry.status == Status.DRAFT
        assert entry.transitions().first().note == f"With “{article}”. Cite the trial"


def test_a_refused_entry_undoes_the_whole_move(article_with_faqs, writer, editor):
    """If one entry may not be published, neither is the article: all or nothing."""
    article, entries = article_with_faqs
    article.submit_for_review(writer)
    FAQEntry.objects.filter(pk=entries[0].pk).update(answer_html="")
    with pytest.raises(InvalidTransition, match="Question 1"):
        article.publish(editor)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    assert not Transition.objects.filter(action="publish").exists()
    assert set(FAQEntry.objects.values_list("status", flat=True)) == {Status.IN_REVIEW}


def test_entries_move_on_the_authority_of_their_article(article_with_faqs, writer, editor):
    """Whoever may publish the article publishes its entries with it: one permission, the
    page's, checked once; each entry's own log still names them."""
    article, entries = article_with_faqs
    article.submit_for_review(writer)
    publisher = make_user("pat")
    publisher.user_permissions.add(Permission.objects.get(codename="publish_article"))
    publisher = type(publisher).objects.get(pk=publisher.pk)  # fresh permission cache
    assert not publisher.has_perm("faq.publish_faqentry")
    article.publish(publisher)
    for entry in entries:
        entry.refresh_from_db()
        assert entry.status == Status.PUBLISHED
        assert entry.transitions().first().user == publisher


def test_a_clinician_sends_back_an_article_with_its_entries(article_with_faqs, writer, clinician):
    """The medical reviewer's Request changes takes the FAQ entries back to draft with the
    article, though the reviewer holds no FAQ permission of their own."""
    article, entries = article_with_faqs
    article.submit_for_review(writer)
    article.request_changes(clinician, note="Check the dose in question 2.")
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    for entry in entries:
        entry.refresh_from_db()
        assert entry.status == Status.DRAFT
        log = entry.transitions().first()
        assert (log.action, log.user) == ("request_changes", clinician)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"meta_description": ""}, "There is no meta description"),
        ({"body": "Intro.\n\n![](https://img.example/a.png)"}, "1 image without alt text"),
    ],
)
def test_the_service_refuses_to_publish_past_a_problem(
    fields, reason, make_article, writer, editor
):
    """A missing description or an image without alt text is refused, with the reason."""
    item = make_article(**fields)
    item.submit_for_review(writer)
    with pytest.raises(InvalidTransition, match=reason):
        transition(item, "publish", editor)
    item.refresh_from_db()
    assert (item.status, item.live) == (Status.IN_REVIEW, False)


def test_the_gate_reads_the_draft_changes_not_the_live_row(make_article, publish, writer, editor):
    """A live article whose pending version drops its description cannot publish that version."""
    item = publish(make_article())
    item.meta_description = ""
    item.save(user=writer)
    item.submit_for_review(writer)
    with pytest.raises(InvalidTransition, match="no meta description"):
        item.publish(editor)
    item.refresh_from_db()
    assert item.meta_description  # the live row keeps the published description


def test_medical_reviewers_read_sign_off_and_send_back_and_nothing_more(db):
    """The Medical reviewer group may view, sign off and request changes; never edit or publish
    (library images they may only view)."""
    codenames = set(
        Group.objects.get(name=MEDICAL_REVIEWER).permissions.values_list("codename", flat=True)
    )
    assert codenames == {
        "view_article", "sign_off_article", "request_changes_article",
        "view_author", "view_topic", "view_image",
        "view_faqentry", "sign_off_faqentry", "request_changes_faqentry",
    }  # fmt: skip
