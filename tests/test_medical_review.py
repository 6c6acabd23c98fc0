"""Medical review: sign-off on a version gates publishing, stale reviews show, cycles fall due."""

import datetime
import io
import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Author, Notification, ReviewReminder, Status, Transition
from articles.publishing import reminders, review
from articles.publishing.workflow import InvalidTransition, transition
from tests.conftest import make_user
from tests.test_admin import CHANGELIST, buttons, change_url, form_data, messages


@pytest.fixture
def health(topic):
    topic.medical = True
    topic.save()
    return topic


@pytest.fixture
def in_review(make_article, writer, health):
    article = make_article("Sleep and low mood", user=writer)
    article.submit_for_review(writer)
    return article


def fresh(item):
    return type(item).objects.get(pk=item.pk)


def edit(item, user, **fields):
    """Save the working copy with ``fields`` changed, as the admin form would."""
    from articles.publishing.revisions import working_copy

    copy = working_copy(fresh(item))
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save(user=user)
    return fresh(item)


# --- The gate ----------------------------------------------------------------------------


def test_health_content_is_not_published_without_a_sign_off(in_review, editor):
    """In a medical topic, publish is refused until a clinician signs off; nothing changes."""
    with pytest.raises(InvalidTransition, match="medical reviewer must sign off this exact"):
        in_review.publish(editor)
    article = fresh(in_review)
    assert (article.status, article.live, article.reviewed_by) == (Status.IN_REVIEW, False, None)
    assert not Transition.objects.filter(action="publish").exists()


def test_an_article_can_require_review_outside_a_health_topic(make_article, writer, editor):
    """Ticking "needs medical review" gates an article whose topic is not medical."""
    article = make_article("Careful piece", medical_review=True)
    article.submit_for_review(writer)
    with pytest.raises(InvalidTransition, match="sign off"):
        article.publish(editor)


def test_sign_off_binds_to_the_revision_and_publishing_writes_the_review(
    in_review, clinician, editor
):
    """The log names reviewer, note and revision; publishing it sets reviewed_by and the date."""
    log = in_review.sign_off(clinician, note="Dosages checked against NICE.")
    article = fresh(in_review)
    assert (log.action, log.user, log.note) == (
        "sign_off",
        clinician,
        "Dosages checked against NICE.",
    )
    assert log.revision_id == article.latest_revision_id
    assert article.status == Status.IN_REVIEW  # a sign-off is not a decision to publish
    article.publish(editor)
    article = fresh(article)
    assert article.live and article.reviewed_by == clinician.author_profile
    assert article.last_reviewed == timezone.localdate(log.created_at)
    assert article.review_due == review.add_months(article.last_reviewed, 12)
    assert article.reviewed_digest == article.live_digest != ""


def test_an_edit_after_sign_off_needs_a_new_one(in_review, clinician, editor):
    """The sign-off is on one version: an editor's edit after it makes publish refuse again."""
    in_review.sign_off(clinician)
    edited = edit(in_review, editor, body="Intro paragraph.\n\n## A section\n\nA new claim.")
    with pytest.raises(InvalidTransition, match="was on an earlier version"):
        edited.publish(editor)
    edited.sign_off(clinician)
    edited.publish(editor)
    assert fresh(edited).live


def test_only_medical_reviewers_sign_off(in_review, writer, editor):
    """Writers and editors may not sign off; the log stays empty of sign-offs."""
    for user in (writer, editor):
        with pytest.raises(PermissionDenied):
            in_review.sign_off(user)
    assert not review.sign_offs(in_review).exists()


def test_a_reviewer_without_a_profile_or_credentials_cannot_sign_off(in_review, db):
    """The page names the reviewer with credentials, so both must exist first."""
    nobody = make_user("newdoc", "Medical reviewer")
    with pytest.raises(InvalidTransition, match="not linked to an author profile"):
        in_review.sign_off(nobody)
    Author.objects.create(name="Dr New", slug="dr-new", user=nobody)
    with pytest.raises(InvalidTransition, match="gives no credentials"):
        in_review.sign_off(nobody)
    assert not review.sign_offs(in_review).exists()


def test_a_reviewer_requests_changes_with_a_note(in_review, clinician, writer):
    """Sending it back needs a note; the owner hears of it."""
    with pytest.raises(InvalidTransition, match="needs a note"):
        in_review.request_changes(clinician, note="")
    in_review.request_changes(clinician, note="The second dose is wrong.")
    assert fresh(in_review).status == Status.DRAFT
    assert Notification.objects.filter(
        recipient=writer, verb="changes_requested", message__contains="second dose"
    ).exists()


def test_a_sign_off_on_draft_changes_waits_for_their_publication(
    make_article, publish_reviewed, writer, clinician, editor, client
):
    """Signing off draft changes to a live page leaves the page's review as it was until
    they are published; the live page's date is always that of a real review."""
    article = publish_reviewed(make_article("Live piece", medical_review=True))
    first = article.last_reviewed
    Article.objects.filter(pk=article.pk).update(last_reviewed=first - datetime.timedelta(days=40))
    article = edit(article, writer, summary="A better summary.")
    article.submit_for_review(writer)
    article.sign_off(clinician)
    assert fresh(article).last_reviewed == first - datetime.timedelta(days=40)
    article.publish(editor)
    assert fresh(article).last_reviewed == timezone.localdate()


def test_a_periodic_review_of_an_unchanged_live_page_renews_it(
    make_article, publish_reviewed, clinician, client
):
    """A clinician signs off a live page with no draft changes: the date and due date move
    on, and the page says so at once."""
    article = publish_reviewed(make_article("Live piece", medical_review=True))
    old = datetime.date(2025, 1, 10)
    Article.objects.filter(pk=article.pk).update(last_reviewed=old, review_due=old)
    assert "10 January 2025" in client.get(article.get_absolute_url()).text
    article.sign_off(clinician, note="Still accurate.")
    article = fresh(article)
    assert article.status == Status.PUBLISHED and article.last_reviewed == timezone.localdate()
    assert article.review_due == review.add_months(timezone.localdate(), 12)
    assert "10 January 2025" not in client.get(article.get_absolute_url()).text


# --- Nobody sets the review by hand -------------------------------------------------------


def test_a_writer_cannot_set_the_reviewer_through_the_form(client, writer, make_article, clinician):
    """reviewed_by and last_reviewed are not form fields; forging them changes nothing."""
    article = make_article("Mine", user=writer)
    client.force_login(writer)
    data = form_data(client, article)
    assert "reviewed_by" not in data and "last_reviewed" not in data
    data.update(
        reviewed_by=str(clinician.author_profile.pk), last_reviewed="2020-01-01", _save="Save"
    )
    assert client.post(change_url(article), data).status_code == 302
    article = fresh(article)
    assert article.reviewed_by is None and article.last_reviewed is None


def test_a_save_never_writes_review_fields(make_article, clinician, writer):
    """Code that sets them on the instance and saves leaves the row's review alone."""
    article = make_article("Mine", user=writer)
    article.reviewed_by = clinician.author_profile
    article.last_reviewed = datetime.date(2020, 1, 1)
    article.save(user=writer)
    assert fresh(article).reviewed_by is None


# --- Stale reviews -------------------------------------------------------------------------


def test_an_edit_after_sign_off_shows_changed_since_review(in_review, clinician, editor):
    """Staff see it on the working copy when the medical text changed, not for an SEO edit."""
    in_review.sign_off(clinician)
    edited = edit(in_review, editor, meta_title="A better title for search")
    assert not review.standing(edited).changed_since
    assert review.standing(edited).awaiting  # still its own version to sign off
    edited = edit(edited, editor, body="Intro.\n\n## A section\n\nA changed dose.")
    standing = review.standing(edited)
    assert standing.changed_since and standing.awaiting and standing.last.user == clinician


def test_a_live_page_changed_after_review_keeps_the_real_review_date(
    make_article, publish_reviewed, writer, editor, client
):
    """A page published without a new sign-off (review not required) keeps the review date
    in its text and schema, and staff see it listed as changed since review."""
    article = publish_reviewed(make_article("Optional review"))
    reviewed_on = fresh(article).last_reviewed
    Article.objects.filter(pk=article.pk).update(last_reviewed=datetime.date(2025, 6, 1))
    article = edit(article, writer, body="Intro.\n\n## A section\n\nRewritten advice.")
    article.submit_for_review(writer)
    article.publish(editor)
    article = fresh(article)
    assert reviewed_on and article.last_reviewed == datetime.date(2025, 6, 1)
    assert review.live_changed_since(article)
    page = client.get(article.get_absolute_url()).text
    assert "1 June 2025" in page
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    graph = [n for b in blocks for n in json.loads(b).get("@graph", [json.loads(b)])]
    assert {n.get("lastReviewed") for n in graph} - {None} == {"2025-06-01"}
    client.force_login(editor)
    listing = client.get(CHANGELIST, {"review": "changed"}).text
    assert "Optional review" in listing
    assert "Changed since review" in client.get(change_url(article)).text


# --- Review cycles ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "due"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2026, 11, 23), 12, datetime.date(2027, 11, 23)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 5, 15), 18, datetime.date(2027, 11, 15)),
    ],
)
def test_due_dates_add_calendar_months(day, months, due):
    """A review due "in a month" from 31 January falls on the last day of February."""
    assert review.due_date(day, months) == due


def test_the_due_date_follows_the_topic_then_the_article(
    make_article, publish_reviewed, health, writer, clinician, editor
):
    """The topic's interval applies, an article's own overrides it, and changing the topic's
    moves the due dates of the articles that follow it."""
    health.review_interval = 6
    health.save()
    follows = publish_reviewed(make_article("Follows the topic"))
    own = publish_reviewed(make_article("Has its own", review_interval=3))
    today = timezone.localdate()
    assert fresh(follows).review_due == review.add_months(today, 6)
    assert fresh(own).review_due == review.add_months(today, 3)
    health.review_interval = 24
    health.save()
    assert fresh(follows).review_due == review.add_months(today, 24)
    assert fresh(own).review_due == review.add_months(today, 3)
    # A new interval on the article is content: it applies once published.
    changed = edit(own, writer, review_interval=9)
    assert fresh(changed).review_due == review.add_months(today, 3)
    changed.submit_for_review(writer)
    changed.sign_off(clinician)
    changed.publish(editor)
    assert fresh(changed).review_due == review.add_months(today, 9)


def test_a_new_topic_interval_moves_its_standalone_faq_reviews_too(
    make_faq, publish_reviewed, health
):
    """A standalone health FAQ entry follows its topic's interval like an article does."""
    entry = publish_reviewed(make_faq("Is worry normal?", "Yes.", topic=health))
    today = timezone.localdate()
    assert fresh(entry).review_due == review.add_months(today, health.review_interval)
    health.review_interval = 3
    health.save()
    assert fresh(entry).review_due == review.add_months(today, 3)


@pytest.fixture
def due_article(make_article, publish_reviewed, writer):
    article = publish_reviewed(make_article("Falls due", user=writer, medical_review=True))
    return article


def set_due(article, day):
    Article.objects.filter(pk=article.pk).update(review_due=day)


def reminders_to(user):
    return list(Notification.objects.filter(recipient=user, verb="review_due"))


def test_reminders_go_to_the_owner_and_the_reviewer_once(due_article, writer, clinician, editor):
    """Due within 30 days: one reminder each to the owner and the clinician, however often
    the daily run repeats; overdue: one more each; nobody else hears."""
    today = timezone.localdate()
    set_due(due_article, today + datetime.timedelta(days=20))
    due = today + datetime.timedelta(days=20)
    assert reminders.send(today) == 1
    assert reminders.send(today) == 0
    assert reminders.send(today + datetime.timedelta(days=1)) == 0
    assert [n.message for n in reminders_to(writer)] == [
        f"The medical review of “Falls due” is due on {due:%-d %B %Y}."
    ]
    assert len(reminders_to(clinician)) == 1 and reminders_to(editor) == []
    later = today + datetime.timedelta(days=21)
    assert reminders.send(later) == 1
    assert reminders.send(later) == 0
    assert "is overdue" in reminders_to(writer)[0].message
    assert len(reminders_to(writer)) == len(reminders_to(clinician)) == 2
    assert ReviewReminder.objects.count() == 2


def test_nothing_is_sent_for_reviews_far_off(due_article, writer):
    """A review due in two months is not mentioned yet."""
    today = timezone.localdate()
    set_due(due_article, today + datetime.timedelta(days=60))
    assert reminders.send(today) == 0 and reminders_to(writer) == []


def test_without_a_linked_reviewer_every_clinician_hears(due_article, writer, clinician):
    """If the reviewer's account is gone, all medical reviewers are told."""
    other = make_user("otto", "Medical reviewer")
    Author.objects.filter(user=clinician).update(user=None)
    set_due(due_article, timezone.localdate())
    assert reminders.send(timezone.localdate()) == 1
    assert len(reminders_to(other)) == len(reminders_to(clinician)) == 1


def test_the_daily_run_is_queued_once_and_requeues_itself(db):
    """schedule() queues one run at the next 06:00; calling it again queues no second one;
    the run sends and queues the next."""
    from django_tasks_db.models import DBTaskResult

    first = reminders.schedule()
    assert reminders.schedule() == first
    queued = DBTaskResult.objects.filter(task_path=reminders.remind.module_path)
    assert queued.count() == 1
    assert timezone.localtime(first).time() == reminders.RUN_AT
    assert first > timezone.now()
    queued.update(status="SUCCESSFUL")
    assert reminders.remind.call() == 0
    assert queued.filter(status="READY").count() == 1


# --- The admin ----------------------------------------------------------------------------


def test_the_clinician_signs_off_from_the_change_page(client, in_review, clinician):
    """The reviewer sees Sign off and Request changes, never Publish, and the sign-off works."""
    client.force_login(clinician)
    page = client.get(change_url(in_review))
    assert buttons(page) == {"sign_off", "request_changes"}
    assert "Not signed off yet" in page.text
    response = client.post(
        change_url(in_review),
        {"_transition": "sign_off", "_transition_note": "Checked."},
        follow=True,
    )
    revision = fresh(in_review).latest_revision_id
    assert any(
        f"Signed off the medical review of “{in_review}” (revision {revision}). An editor can "
        "now publish it." in m
        for m in messages(response)
    ), messages(response)
    assert review.sign_offs(in_review).get().note == "Checked."
    page = client.get(change_url(in_review))
    assert "Signed off on this version by rita" in page.text
    # Done for this version: the step is no longer offered, and the bar says where it stands.
    assert buttons(page) == {"request_changes"}
    assert "Medical sign-off: signed off by rita on" in page.text


def test_the_history_reads_a_sign_off_as_a_step_not_a_state_change(
    client, in_review, clinician, editor
):
    """The history says "Signed off the medical review", never "In review → In review"."""
    in_review.sign_off(clinician, note="Dose checked.")
    client.force_login(editor)
    html = client.get(change_url(in_review).replace("/change/", "/history/")).text
    assert "Signed off the medical review" in html
    assert "In review → In review" not in html
    assert "Submitted for review:\n        Draft → In review" in html


def test_the_desk_lists_sign_offs_waiting_and_reviews_due(
    client, in_review, due_article, clinician, editor
):
    """The clinician's dashboard lists what waits for sign-off; everyone sees reviews due."""
    set_due(due_article, timezone.localdate() - datetime.timedelta(days=2))
    client.force_login(clinician)
    home = client.get("/admin/").text
    queue = home[home.index('id="sign-off-queue"') :]
    assert "Sleep and low mood" in queue[: queue.index("</section>")]
    due = home[home.index('id="reviews-due"') :]
    assert "Falls due" in due[: due.index("</section>")] and "overdue" in due
    client.force_login(editor)
    home = client.get("/admin/").text
    assert 'id="sign-off-queue"' not in home and 'id="reviews-due"' in home


@pytest.mark.parametrize(
    ("value", "shown", "hidden"),
    [
        ("awaiting", "Sleep and low mood", "Falls due"),
        ("overdue", "Falls due", "Sleep and low mood"),
    ],
)
def test_the_changelist_filters_by_review(
    client, in_review, due_article, editor, value, shown, hidden
):
    """The medical review filter lists what awaits sign-off and what is overdue."""
    set_due(due_article, timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(editor)
    listing = client.get(CHANGELIST, {"review": value}).text
    assert shown in listing and hidden not in listing


def test_reviewer_transition_records_revision_in_history(in_review, clinician):
    """The history lists the sign-off with the reviewer and the note."""
    transition(in_review, "sign_off", clinician, note="Fine.")
    log = fresh(in_review).transitions().first()
    assert (log.action, log.user, log.note) == ("sign_off", clinician, "Fine.")


def test_the_staff_preview_says_changed_since_review(client, in_review, clinician, editor):
    """The preview of a version edited after sign-off tells staff, and never the public."""
    in_review.sign_off(clinician)
    edited = edit(in_review, editor, body="Intro.\n\n## A section\n\nA changed dose.")
    client.force_login(editor)
    preview = client.get(f"{CHANGELIST}{edited.pk}/preview/").text
    assert "Changed since review" in preview and "signed off" in preview
    client.logout()
    assert client.get(f"{CHANGELIST}{edited.pk}/preview/").status_code == 302


def test_the_imported_seed_goes_live_only_with_a_clinicians_sign_off(
    seed_a, health, author, writer, editor, clinician, client
):
    """The seed article filed under a health topic is refused until signed off, then its page
    names the clinician, visibly and as the MedicalWebPage's reviewedBy."""
    call_command("import_content", str(seed_a), stdout=io.StringIO(), stderr=io.StringIO())
    article = Article.objects.get()
    article.topic, article.author = health, author
    article.save(user=editor)
    article.submit_for_review(writer)
    with pytest.raises(InvalidTransition, match="must sign off"):
        article.publish(editor)
    article.sign_off(clinician)
    article.publish(editor)
    page = client.get(fresh(article).get_absolute_url()).text
    assert 'Medically reviewed by <a href="/authors/dr-rita-review/">Dr Rita Review</a>' in page
    assert '"@type": "MedicalWebPage"' in page and '"name": "Dr Rita Review"' in page


def test_submitting_health_content_tells_the_clinicians(
    make_article, health, writer, editor, clinician
):
    """Editors hear of every submission; clinicians of those that need their sign-off."""
    make_article("Health piece").submit_for_review(writer)
    assert Notification.objects.filter(recipient=clinician, verb="submitted").count() == 1
    health.medical = False
    health.save()
    make_article("Other piece").submit_for_review(writer)
    assert Notification.objects.filter(recipient=clinician, verb="submitted").count() == 1
    assert Notification.objects.filter(recipient=editor, verb="submitted").count() == 2


def test_the_desk_and_a_quiet_reminder_run_cost_the_same_for_2_or_20_due(
    client, make_article, publish_reviewed, editor, writer
):
    """The reviews-due panel reads no row one by one, and a run with nothing new to say
    costs the same however many reminders went out before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    client.force_login(editor)

    def costs():
        with CaptureQueriesContext(connection) as page:
            assert client.get("/admin/").status_code == 200
        reminders.send(today)
        with CaptureQueriesContext(connection) as run:
            assert reminders.send(today) == 0
        return len(page), len(run)

    for n in range(2):
        set_due(publish_reviewed(make_article(f"Due {n}", user=writer)), today)
    few = costs()
    for n in range(2, 20):
        set_due(publish_reviewed(make_article(f"Due {n}", user=writer)), today)
    assert costs() == few


# --- FAQ entries: health content of every shape is signed off ------------------------------

FAQ_CHANGELIST = "/admin/faq/faqentry/"


@pytest.fixture
def health_question(make_faq, writer, health, clinician):
    """A standalone FAQ entry in a health topic, submitted for review."""
    entry = make_faq("How much paracetamol is safe?", "No more than 4 g a day.", topic=health,
                     user=writer)  # fmt: skip
    entry.submit_for_review(writer)
    return entry


def test_a_standalone_health_question_waits_for_a_clinician(
    client, health_question, clinician, editor
):
    """An FAQ entry in a health topic is not published without a sign-off of its version;
    once signed off through its change page, it goes live naming the reviewer."""
    with pytest.raises(InvalidTransition, match="medical reviewer must sign off this exact"):
        health_question.publish(editor)
    client.force_login(clinician)
    url = f"{FAQ_CHANGELIST}{health_question.pk}/change/"
    page = client.get(url)
    assert buttons(page) == {"sign_off", "request_changes"}
    assert "Not signed off yet" in page.text
    client.post(url, {"_transition": "sign_off", "_transition_note": "Dose is right."})
    health_question.publish(editor)
    entry = fresh(health_question)
    assert entry.is_live and entry.reviewed_by.name == "Dr Rita Review"
    assert entry.last_reviewed == timezone.localdate()
    html = client.get(health_question.get_absolute_url().split("#")[0]).text
    assert "Medically reviewed by" in html and "Dr Rita Review</a>, GP" in html


def test_an_edit_after_a_questions_sign_off_needs_a_new_one(health_question, clinician, editor):
    """As for articles: the sign-off binds to the version, and an editor's edit voids it."""
    health_question.sign_off(clinician)
    edit(health_question, editor, answer="No more than 3 g a day.")
    with pytest.raises(InvalidTransition, match="earlier version"):
        health_question.publish(editor)


def test_a_question_on_an_article_is_signed_off_with_it(
    make_article, make_faq, writer, clinician, editor, health
):
    """An article's FAQ entry is never signed off on its own; publishing the signed-off
    article gives the entry the article's review."""
    article = make_article("Pain relief", user=writer)
    entry = make_faq("Is ibuprofen safe?", "Usually, with food.", article=article, topic=health)
    article.submit_for_review(writer)
    assert not entry.needs_medical_review()
    with pytest.raises(InvalidTransition):
        fresh(entry).sign_off(clinician)
    article.sign_off(clinician)
    article.publish(editor)
    entry = fresh(entry)
    assert entry.is_live
    assert (entry.reviewed_by, entry.last_reviewed) == (
        fresh(article).reviewed_by,
        fresh(article).last_reviewed,
    )


def test_one_version_is_signed_off_once(in_review, clinician):
    """A second sign-off of the same version is refused, and saying so names the first."""
    in_review.sign_off(clinician)
    with pytest.raises(InvalidTransition, match="signed off by rita"):
        fresh(in_review).sign_off(clinician)
    assert review.sign_offs(in_review).count() == 1


def test_the_clinicians_desk_lists_questions_waiting_and_they_hear_of_them(
    client, health_question, clinician
):
    """A standalone health question in review is on the clinician's desk, and its
    submission told them."""
    assert Notification.objects.filter(recipient=clinician, verb="submitted").exists()
    client.force_login(clinician)
    desk = client.get("/admin/").text
    section = desk[desk.index('id="sign-off-queue"') :]
    assert "How much paracetamol is safe?" in section[: section.index("</section>")]
    listing = client.get(FAQ_CHANGELIST, {"review": "awaiting"}).text
    assert "How much paracetamol is safe?" in listing


def test_a_health_question_on_a_page_about_something_else_waits_for_sign_off(
    make_article, make_faq, topic, writer, editor, clinician
):
    """An FAQ entry in a health topic makes its article health content: no publication
    without a clinician, and the sign-off queue lists the article."""
    from articles.models import Article, Topic
    from articles.publishing.workflow import InvalidTransition

    anxiety = Topic.objects.create(name="Anxiety", slug="anxiety", medical=True)
    article = make_article("Packing for a trip", topic=topic)
    make_faq("Is travel worry normal?", "Often.", article=article, topic=anxiety)
    article.submit_for_review(writer)
    assert Article.objects.filter(Article.medical_review_q(), pk=article.pk).exists()
    with pytest.raises(InvalidTransition):
        article.publish(editor)
    article.sign_off(clinician)
    article.publish(editor)
    entry = fresh(article).faqs.get()
    assert entry.live and entry.reviewed_by.slug == "dr-rita-review"
