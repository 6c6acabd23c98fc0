"""IndexNow: changed addresses gathered for a few seconds and submitted together by the
worker, at most BATCH a request; the key file at the site root; off without a key."""

import json

import pytest
from django_tasks_db.models import DBTaskResult

from articles.models import IndexNowUrl
from articles.publishing import indexnow
from articles.publishing.workflow import transition
from tests.receiver import run_queued

KEY = "a1b2c3d4e5f60718"


@pytest.fixture
def on(settings, receiver):
    settings.INDEXNOW_KEY = KEY
    settings.INDEXNOW_ENDPOINT = receiver.url + "/indexnow"
    return receiver


@pytest.mark.django_db
def test_moves_reach_indexnow_in_one_submission(
    on, make_article, publish, editor, django_capture_on_commit_callbacks
):
    """Two publications and an unpublish go in one POST with host, key and keyLocation."""
    with django_capture_on_commit_callbacks(execute=True):
        first = publish(make_article("First"))
        second = publish(make_article("Second"))
        transition(first, "unpublish", editor)
    run_queued()
    assert on.seen == []  # gathered, not sent yet
    submission = DBTaskResult.objects.get(task_path=indexnow.submit.module_path)
    assert submission.run_after > submission.enqueued_at
    run_queued(due_now=True)
    [(path, headers, body)] = on.seen
    assert path == "/indexnow" and headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == {
        "host": "example.test",
        "key": KEY,
        "keyLocation": f"https://example.test/{KEY}.txt",
        "urlList": [
            "https://example.test" + first.get_absolute_url(),
            "https://example.test" + second.get_absolute_url(),
        ],
    }
    assert not IndexNowUrl.objects.exists()


@pytest.mark.django_db
def test_a_large_batch_is_split_at_the_limit(on, monkeypatch):
    """No request carries more than BATCH addresses."""
    monkeypatch.setattr(indexnow, "BATCH", 2)
    indexnow.add([f"https://example.test/articles/{n}/" for n in range(5)])
    assert indexnow.submit.call() == 5
    assert [len(json.loads(body)["urlList"]) for *_, body in on.seen] == [2, 2, 1]


@pytest.mark.django_db
def test_a_busy_endpoint_keeps_the_addresses_for_later(on):
    """A 429 keeps what was gathered and queues a later try; a 422 drops it."""
    on.status = 429
    indexnow.add(["https://example.test/articles/a/"])
    assert indexnow.submit.call() == 0
    assert IndexNowUrl.objects.count() == 1
    on.status = 422
    assert indexnow.submit.call() == 0
    assert not IndexNowUrl.objects.exists()
    assert len(on.seen) == 2


@pytest.mark.django_db
def test_off_without_a_key(settings, receiver, make_article, publish,
                           django_capture_on_commit_callbacks):  # fmt: skip
    """With INDEXNOW_KEY empty nothing is gathered or sent, and there is no key file."""
    settings.INDEXNOW_KEY = ""
    settings.INDEXNOW_ENDPOINT = receiver.url
    with django_capture_on_commit_callbacks(execute=True):
        publish(make_article())
    run_queued(due_now=True)
    assert receiver.seen == [] and not IndexNowUrl.objects.exists()


@pytest.mark.django_db
def test_the_key_file_answers_the_key(client, settings):
    """/<key>.txt answers the key as text/plain; any other key is 404."""
    settings.INDEXNOW_KEY = KEY
    response = client.get(f"/{KEY}.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == KEY
    assert client.get("/0000000000000000.txt").status_code == 404
    settings.INDEXNOW_KEY = ""
    assert client.get(f"/{KEY}.txt").status_code == 404
    assert client.get("/robots.txt").status_code == 200
