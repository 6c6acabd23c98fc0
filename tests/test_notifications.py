"""Who hears of each move, the inbox, and e-mail sent by the task worker, never inline."""

import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from articles.models import Notification, Status


def run_worker():
    """The worker, as `manage.py db_worker` runs it, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())


@pytest.fixture
def with_addresses(writer, editor):
    for user in (writer, editor):
        user.email = f"{user.username}@example.test"
        user.save()


def inbox(user):
    return list(Notification.objects.filter(recipient=user).values_list("verb", flat=True))


# The worker closes its database connection when done, as a process would, so the
# tests that run it commit for real instead of inside a rolled-back transaction.
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_roles")
def test_a_submission_tells_the_editors_by_the_worker_not_inline(
    with_addresses, make_article, writer, editor
):
    """Submitting writes the editor's notification and queues the mail; the worker sends it."""
    item = make_article(user=writer)
    item.submit_for_review(writer)
    assert inbox(editor) == ["submitted"] and inbox(writer) == []
    assert mail.outbox == [], "no mail is sent while the request runs"
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    run_worker()
    (message,) = mail.outbox
    assert message.to == ["eddie@example.test"]
    assert "wendy sent “A calm mind” for review." in message.body
    assert f"/admin/articles/article/{item.pk}/change/" in message.body
    assert Notification.objects.get(recipient=editor).emailed_at is not None
    assert DBTaskResult.objects.get(task_path__endswith=".deliver").status == "SUCCESSFUL"
    # The sweep that sends whatever a cut-off run leaves is queued for a minute later.
    assert DBTaskResult.objects.get(task_path__endswith=".sweep").status == "READY"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_roles")
def test_requesting_changes_tells_the_owner_with_the_note(
    with_addresses, make_article, writer, editor
):
    """The writer who created the item gets the editor's note, in the inbox and by mail."""
    item = make_article(user=writer)
    item.submit_for_review(writer)
    item.request_changes(editor, note="Cite the 2019 trial.")
    note = Notification.objects.get(recipient=writer)
    assert note.verb == "changes_requested"
    assert note.message == "eddie asked for changes to “A calm mind”: Cite the 2019 trial."
    run_worker()
    assert [m.to for m in mail.outbox] == [["eddie@example.test"], ["wendy@example.test"]]


def test_publishing_tells_the_owner(make_article, writer, editor):
    """The owner hears that the article is live; the editor who published does not."""
    item = make_article(user=writer)
    item.submit_for_review(writer)
    item.publish(editor)
    assert inbox(writer) == ["published"]
    assert Notification.objects.get(recipient=writer).message.endswith("it is live.")


def test_taking_a_page_down_tells_its_owner(make_article, writer, editor):
    """The writer hears that their live article was unpublished, with the editor's note."""
    article = make_article("Mine", user=writer)
    article.submit_for_review(writer)
    article.publish(editor)
    article.unpublish(editor, note="The guidance changed.")
    told = Notification.objects.get(recipient=writer, verb="unpublished")
    assert "took “Mine” down" in told.message and "The guidance changed." in told.message


def test_a_refused_move_tells_no_one(make_article, writer, editor):
    """A writer's forged publish is refused and leaves no notification and no task."""
    item = make_article(user=writer)
    item.submit_for_review(writer)
    before = Notification.objects.count(), DBTaskResult.objects.count()
    with pytest.raises(PermissionDenied):
        item.publish(writer)
    assert (Notification.objects.count(), DBTaskResult.objects.count()) == before


def test_faq_entries_moving_with_their_article_add_no_notifications(
    make_article, make_faq, writer, editor
):
    """An article with three FAQ entries makes one notification per person, not four."""
    item = make_article(user=writer)
    for n in range(3):
        make_faq(f"Question {n}?", article=item)
    item.submit_for_review(writer)
    assert inbox(editor) == ["submitted"]


def test_the_inbox_shows_only_mine_and_opening_marks_read(client, make_article, writer, editor):
    """The inbox lists the user's own notifications; opening one marks it read and goes there."""
    item = make_article(user=writer)
    item.submit_for_review(writer)
    item.request_changes(editor, note="Shorter intro.")
    client.force_login(writer)
    page = client.get("/admin/").content.decode()
    assert "Inbox <strong>(1 unread)</strong>" in page
    listing = client.get("/admin/articles/notification/").content.decode()
    assert "Shorter intro." in listing and "sent “A calm mind” for review" not in listing
    mine = Notification.objects.get(recipient=writer)
    response = client.get(f"/admin/articles/notification/{mine.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/articles/article/{item.pk}/change/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    theirs = Notification.objects.get(recipient=editor)
    assert client.get(f"/admin/articles/notification/{theirs.pk}/open/").status_code == 404


def test_items_record_their_owner(make_article, writer, editor):
    """The first save names the owner; later saves by others do not change it."""
    item = make_article(user=writer)
    assert item.owner == writer
    item.summary = "Edited by the editor."
    item.save(user=editor)
    item.refresh_from_db()
    assert item.owner == writer
    assert item.status == Status.DRAFT


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_roles")
def test_a_line_break_in_a_title_makes_a_one_line_subject(
    with_addresses, make_article, writer, editor
):
    """A title with a line feed in it sends one e-mail, its subject on one line."""
    item = make_article("A calm\nmind", user=writer)
    item.submit_for_review(writer)
    run_worker()
    (message,) = mail.outbox
    assert message.subject == "[Wellbeing Journal] wendy sent “A calm mind” for review."
    assert Notification.objects.get().emailed_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_roles")
def test_a_line_break_in_a_comment_makes_a_one_line_subject(
    client, with_addresses, make_article, writer, editor
):
    """A comment with CR LF sends one e-mail with a one-line subject, the body keeps both lines."""
    item = make_article(user=writer)
    client.force_login(editor)
    text = "Check the dose.\r\nAnd the second source." + " Long." * 30
    client.post(f"/admin/articles/article/{item.pk}/comments/", {"text": text})
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["wendy@example.test"]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.subject.startswith(
        "[Wellbeing Journal] eddie commented on “A calm mind”: Check the dose. And the second"
    )
    assert len(message.subject) <= 120 and message.subject.endswith("…")
    assert "Check the dose.\nAnd the second source." in message.body
