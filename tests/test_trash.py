"""Delete is the trash: a deleted live article answers 410 (or the 301 chosen), is
restorable with its history for TRASH_DAYS, and is then emptied, with nothing orphaned."""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article, Comment, Notification, Revision, Status, Transition
from articles.publishing import pagecache, trash
from faq.models import FAQEntry

CHANGE = "/admin/articles/article/{}/change/"
DELETE = "/admin/articles/article/{}/delete/"
UNTRASH = "/admin/articles/article/{}/untrash/"
PURGE = "/admin/articles/article/{}/purge/"
LIST = "/admin/articles/article/"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]


@pytest.fixture
def reviewed(make_article, make_faq, publish_reviewed, writer, editor):
    """A live, signed-off article with a question, a comment and three revisions."""
    article = make_article("Winter colds", user=writer, medical_review=True)
    make_faq("Do colds pass?", "Usually in a week.", article=article)
    article.summary = "What helps."
    article.save(user=writer)
    on = {"content_type": ContentType.objects.get_for_model(article), "object_id": article.pk}
    Comment.objects.create(**on, user=editor, text="Fine.")
    return publish_reviewed(Article.objects.get(pk=article.pk))


def records(item):
    on = {"content_type": ContentType.objects.get_for_model(item), "object_id": item.pk}
    return {
        model.__name__: model.objects.filter(**on).count()
        for model in (Revision, Transition, Comment)
    }


def test_deleting_a_live_article_in_the_admin_puts_it_in_the_trash(
    client, editor, writer, reviewed
):
    """The delete page moves it to the trash: its URL answers 410 in the site's layout, it
    leaves the list (the trash filter shows it), its history stays, the owner is told."""
    url = reviewed.get_absolute_url()
    before = records(reviewed)
    withdrawals = pagecache.generation._counts()[1]
    client.force_login(editor)
    page = client.get(DELETE.format(reviewed.pk)).content.decode()
    assert "answers <strong>410 Gone</strong>" in page and "for 30 days" in page
    response = client.post(DELETE.format(reviewed.pk), {"note": "Out of date."}, follow=True)
    assert "Moved “Winter colds” to the trash" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.status == Status.TRASHED and not reviewed.live and reviewed.trashed_at
    assert FAQEntry.objects.get(article=reviewed).status == Status.TRASHED
    assert pagecache.generation._counts()[1] == withdrawals + 1
    client.logout()
    gone = client.get(url)
    assert gone.status_code == 410 and "<h1>Page removed</h1>" in gone.content.decode()
    assert gone["Cache-Control"] == "no-cache"  # it may be restored: never kept as final
    client.force_login(editor)
    assert "Winter colds" not in client.get(LIST).content.decode()
    assert "Winter colds" in client.get(LIST + "?state=trashed").content.decode()
    after = records(reviewed)
    assert after["Revision"] == before["Revision"] and after["Comment"] == before["Comment"]
    assert Transition.objects.for_object(reviewed).first().note == "Out of date."
    assert Notification.objects.filter(recipient=writer, verb="trashed").exists()


def test_the_editor_may_send_its_readers_elsewhere_with_a_301(client, editor, reviewed, published):
    """A path on this site makes the old address a 301; a foreign URL is refused with the
    reason and nothing moves."""
    client.force_login(editor)
    refused = client.post(DELETE.format(reviewed.pk), {"redirect_to": "https://evil.test/x"})
    assert "Give a path on this site" in refused.content.decode()
    assert Article.objects.get(pk=reviewed.pk).status == Status.PUBLISHED
    target = published.get_absolute_url()
    client.post(DELETE.format(reviewed.pk), {"redirect_to": f"https://example.test{target}"})
    client.logout()
    moved = client.get(reviewed.get_absolute_url())
    assert (moved.status_code, moved["Location"]) == (301, target)


def test_restoring_brings_it_back_as_a_draft_with_its_history(client, editor, reviewed):
    """Restore from the trashed item's page: a draft, its address its own (404 until it is
    published again), every revision and log entry kept, the move logged."""
    before = records(reviewed)
    trash.trash(reviewed, editor)
    client.force_login(editor)
    page = client.get(CHANGE.format(reviewed.pk)).content.decode()
    assert "In the trash since" in page and 'name="_continue"' not in page
    assert 'class="deletelink"' not in page  # the banner's Delete for good is the one
    response = client.post(UNTRASH.format(reviewed.pk), follow=True)
    assert "Restored “Winter colds” from the trash as a draft" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.status == Status.DRAFT and reviewed.trashed_at is None
    assert FAQEntry.objects.get(article=reviewed).status == Status.DRAFT
    after = records(reviewed)
    assert after["Revision"] == before["Revision"]
    assert after["Transition"] == before["Transition"] + 2  # moved to the trash, and back
    assert Transition.objects.for_object(reviewed).first().action == "untrash"
    client.logout()
    assert client.get(reviewed.get_absolute_url()).status_code == 404


def test_writers_cannot_trash_restore_or_empty(client, writer, editor, reviewed):
    """Only those who may delete (editors) reach the trash's pages; GET never moves it."""
    client.force_login(writer)
    assert client.post(DELETE.format(reviewed.pk)).status_code == 403
    trash.trash(reviewed, editor)
    assert client.post(UNTRASH.format(reviewed.pk)).status_code == 403
    assert client.post(PURGE.format(reviewed.pk)).status_code == 403
    client.force_login(editor)
    assert client.get(UNTRASH.format(reviewed.pk)).status_code == 405
    assert client.get(PURGE.format(reviewed.pk)).status_code == 405
    assert Article.objects.get(pk=reviewed.pk).status == Status.TRASHED


def test_deleting_for_good_leaves_nothing_orphaned(client, editor, reviewed):
    """Delete for good removes the item, its question and every record about both; the
    address still answers 410."""
    question = FAQEntry.objects.get(article=reviewed)
    trash.trash(reviewed, editor)
    client.force_login(editor)
    client.post(PURGE.format(reviewed.pk))
    assert not Article.objects.filter(pk=reviewed.pk).exists()
    assert not FAQEntry.objects.filter(pk=question.pk).exists()
    assert set(records(reviewed).values()) == {0} and set(records(question).values()) == {0}
    client.logout()
    assert client.get(reviewed.get_absolute_url()).status_code == 410


def test_the_worker_empties_the_trash_after_thirty_days(editor, reviewed, make_article):
    """Trashing queues the emptying for 30 days on; a run then deletes what is due and
    keeps what is not."""
    trash.trash(reviewed, editor)
    queued = DBTaskResult.objects.get(task_path=trash.run.module_path, status="READY")
    reviewed.refresh_from_db()
    assert queued.run_after == reviewed.trashed_at + datetime.timedelta(days=30)
    recent = make_article("Trashed today")
    trash.trash(recent, editor)
    Article.objects.filter(pk=reviewed.pk).update(
        trashed_at=timezone.now() - datetime.timedelta(days=30, seconds=1)
    )
    DBTaskResult.objects.filter(pk=queued.pk).update(run_after=timezone.now())
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())
    assert not Article.objects.filter(pk=reviewed.pk).exists()
    assert Article.objects.get(pk=recent.pk).status == Status.TRASHED
    # The run queued the next one, for the day the recent one falls due.
    nxt = DBTaskResult.objects.filter(task_path=trash.run.module_path, status="READY")
    assert nxt.get().run_after == Article.objects.get(pk=recent.pk).trashed_at + (
        datetime.timedelta(days=30)
    )


def test_the_bulk_action_moves_the_selection_to_the_trash(client, editor, make_article):
    """The change list offers the trash, not Django's delete for good."""
    items = [make_article(f"Old note {n}") for n in range(3)]
    client.force_login(editor)
    listing = client.get(LIST).content.decode()
    assert 'value="bulk_trash"' in listing and 'value="delete_selected"' not in listing
    client.post(LIST, {"action": "bulk_trash", "_selected_action": [items[0].pk, items[1].pk]})
    states = dict(Article.objects.values_list("title", "status"))
    assert states == {
        "Old note 0": Status.TRASHED, "Old note 1": Status.TRASHED, "Old note 2": Status.DRAFT
    }  # fmt: skip


def test_a_draft_never_published_leaves_no_gone_address(client, editor, make_article):
    """Its address was never public: the confirmation promises no 410, none is recorded,
    and deleting it for good leaves none behind."""
    from django.contrib.redirects.models import Redirect

    draft = make_article("Never out")
    client.force_login(editor)
    assert "410 Gone" not in client.get(DELETE.format(draft.pk)).content.decode()
    client.post(DELETE.format(draft.pk))
    assert Article.objects.get(pk=draft.pk).status == Status.TRASHED
    client.post(PURGE.format(draft.pk))
    assert not Redirect.objects.exists()
