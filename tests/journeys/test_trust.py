"""Seasonal advice and a deletion undone, through the admin's real forms as the demo
roles: the writer gives the live article an Unpublish at, it is reviewed and published,
and at that time readers lose it with no one acting; the worker logs it. The editor then
deletes the other live article, readers get 410, the editor restores it from the trash
with its history, and the activity report shows every step."""

import datetime
import io
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles.models import Article, Status
from tests.journeys.browser import form_data
from tests.journeys.test_health_article import change_url, messages_of, move


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_roles")
def test_unpublish_at_and_the_trash(people):
    """Unpublish at through review, on time for readers; trash, 410, restore, activity."""
    writer, editor, reviewer = people["writer"], people["editor"], people["reviewer"]
    reader = Client()
    live = Article.objects.published().get()
    url = live.get_absolute_url()

    at = timezone.localtime() + datetime.timedelta(seconds=8)
    response = writer.submit(
        change_url(live), "article_form",
        {"expires_at": at.strftime("%d/%m/%Y %H:%M:%S"), "_continue": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert Article.objects.get(pk=live.pk).expires_at is None  # a draft change until published
    assert "Submitted for review" in messages_of(move(writer, live, "submit", "Seasonal."))
    assert "Signed off" in messages_of(move(reviewer, live, "sign_off", "Fine."))
    published = move(editor, live, "publish", "", _publish_despite_advice="1")
    assert "Published" in messages_of(published)
    assert "Comes down" in editor.open(change_url(live))
    assert reader.get(url).status_code == 200

    time.sleep(max(0, at.timestamp() - time.time()) + 1)
    assert reader.get(url).status_code == 404  # the time did it, with no one acting
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())
    history = editor.open(f"/admin/articles/article/{live.pk}/history/")
    assert "Came down at its Unpublish at" in history

    other = Article.objects.get(status=Status.IN_REVIEW)
    description = "A two-minute breathing exercise to steady you on a stressful day, and when "
    description += "to ask for more help than breathing alone."
    editor.submit(change_url(other), "article_form", {"meta_description": description,
                                                       "_continue": "1"})  # fmt: skip
    assert "Signed off" in messages_of(move(reviewer, other, "sign_off", "Fine."))
    published = move(editor, other, "publish", "", _publish_despite_advice="1")
    assert "Published" in messages_of(published)
    other_url = Article.objects.get(pk=other.pk).get_absolute_url()
    assert reader.get(other_url).status_code == 200
    delete = f"/admin/articles/article/{other.pk}/delete/"
    done = editor.submit(delete, "trash-form", {"note": "Superseded."})
    assert "Moved “" in messages_of(done)
    assert reader.get(other_url).status_code == 410
    page = editor.open(change_url(other))
    assert "In the trash since" in page
    restored = editor.client.post(
        f"/admin/articles/article/{other.pk}/untrash/",
        form_data(page, form_id="restore-form"),
        follow=True,
    )
    assert "Restored" in messages_of(restored)
    assert Article.objects.get(pk=other.pk).status == Status.DRAFT
    assert reader.get(other_url).status_code == 404

    report = editor.open(f"/admin/activity/?item=articles.article:{other.pk}")
    for step in ("Restored from the trash", "Moved to the trash", "Published"):
        assert step in report
