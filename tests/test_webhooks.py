"""Publishing events announced on commit, delivered signed to webhook endpoints by the
worker, retried with backoff up to a limit; never an HTTP request inside a move."""

import datetime
import hashlib
import hmac
import json
import threading
import time

import pytest
from django_tasks_db.models import DBTaskResult

from articles.models import Webhook, WebhookDelivery
from articles.publishing import events, expiry, trash
from articles.publishing.webhooks import send
from articles.publishing.workflow import transition
from tests.receiver import run_queued

ALL = [name for name, _ in events.EVENTS]


def verify(secret, header, body, tolerance=300):
    """The receiver's check, as the README writes it out."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


def endpoint(receiver, events=ALL, **fields):
    return Webhook.objects.create(name="Receiver", url=receiver.url + "/hook", events=events,
                                  **fields)  # fmt: skip


def queued_events():
    return [
        task.args_kwargs["args"][0]["event"]
        for task in DBTaskResult.objects.filter(task_path=events.fan_out.module_path)
        .order_by("enqueued_at")
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_move_only_queues_one_task_on_commit_and_sends_nothing(
    receiver, make_article, publish, django_capture_on_commit_callbacks,
    django_assert_num_queries,
):  # fmt: skip
    """Publishing makes no HTTP request at all: on commit it queues one task, one query."""
    endpoint(receiver)
    article = make_article()
    with django_capture_on_commit_callbacks() as callbacks:
        publish(article)
    announced = [c for c in callbacks if getattr(c, "__module__", "") == events.__name__]
    assert len(announced) == 1
    with django_assert_num_queries(1):
        announced[0]()
    assert receiver.seen == []
    assert queued_events() == ["published"]


@pytest.mark.django_db
def test_a_published_article_reaches_the_endpoint_signed(
    receiver, make_article, publish, django_capture_on_commit_callbacks
):
    """The worker posts the event as JSON, signed over timestamp.body with the secret."""
    hook = endpoint(receiver)
    with django_capture_on_commit_callbacks(execute=True):
        article = publish(make_article("Sleep and the heart"))
    run_queued()
    [(path, headers, body)] = receiver.seen
    assert path == "/hook"
    assert headers["Content-Type"] == "application/json"
    assert verify(hook.secret, headers["Webhook-Signature"], body)
    assert not verify("whsec_other", headers["Webhook-Signature"], body)
    payload = json.loads(body)
    assert payload["event"] == headers["Webhook-Event"] == "published"
    assert payload["item"] == {
        "type": "article", "id": article.pk, "title": "Sleep and the heart",
        "url": "https://example.test" + article.get_absolute_url(),
    }  # fmt: skip
    [log] = WebhookDelivery.objects.all()
    assert (log.attempt, log.status_code, log.response_excerpt) == (1, 200, "ok")
    assert log.next_attempt_at is None and log.delivery_id == headers["Webhook-Id"]


@pytest.mark.django_db
def test_each_move_announces_its_event(
    make_article, publish, editor, django_capture_on_commit_callbacks
):
    """Published, updated, unpublished, expired and deleted, each from its own move."""
    with django_capture_on_commit_callbacks(execute=True):
        article = publish(make_article())
        article.body += "\n\nA new paragraph."
        article.save(user=editor)
        publish(article)
        transition(article, "unpublish", editor)
        article.refresh_from_db()
        publish(article)
        article.refresh_from_db()
        type(article).objects.filter(pk=article.pk).update(expires_at=article.published_at)
        expiry.take_down()
        article.refresh_from_db()
        publish(article)
        article.refresh_from_db()
        trash.trash(article, editor)
    assert queued_events() == [
        "published", "updated", "unpublished", "published", "expired", "published", "deleted",
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_draft_trashed_or_a_refused_move_announces_nothing(
    make_article, editor, django_capture_on_commit_callbacks
):
    """Nothing readers saw changed, so nobody is told."""
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        trash.trash(article, editor)
    assert queued_events() == []


@pytest.mark.django_db
def test_an_endpoint_gets_only_the_events_it_chose_and_only_while_active(receiver):
    """Chosen events go to active endpoints; other events and inactive endpoints get none."""
    chosen = endpoint(receiver, events=["unpublished"])
    endpoint(receiver, events=ALL, active=False)
    send.queue_deliveries({"event": "published", "item": {}})
    send.queue_deliveries({"event": "unpublished", "item": {}})
    queued = DBTaskResult.objects.filter(task_path=send.deliver.module_path)
    assert [task.args_kwargs["args"][0] for task in queued] == [chosen.pk]


@pytest.mark.django_db
def test_retries_stop_after_the_limit_with_the_wait_growing(receiver, caplog):
    """A failing endpoint is tried MAX_ATTEMPTS times, each logged, later each time."""
    receiver.status, receiver.answer = 500, b"x" * 5000
    hook = endpoint(receiver)
    payload = events.payload("published", hook, "https://example.test/articles/a/")
    send.deliver.call(hook.pk, "d1", payload, 1)
    attempt = 1
    while task := DBTaskResult.objects.filter(status="READY").order_by("-enqueued_at").first():
        attempt += 1
        assert task.args_kwargs["args"][3] == attempt
        task.delete()
        send.deliver.call(hook.pk, "d1", payload, attempt)
    assert attempt == send.MAX_ATTEMPTS == len(receiver.seen)
    logs = list(WebhookDelivery.objects.order_by("attempt"))
    assert [log.attempt for log in logs] == list(range(1, send.MAX_ATTEMPTS + 1))
    waits = [(log.next_attempt_at - log.created_at).total_seconds() for log in logs[:-1]]
    assert [round(wait / 60) for wait in waits] == [1, 5, 25, 125, 360]
    assert logs[-1].next_attempt_at is None
    assert {log.status_code for log in logs} == {500}
    assert len(logs[0].response_excerpt) == 500  # bounded
    assert "given up" in caplog.text and hook.secret not in caplog.text


@pytest.mark.django_db
def test_a_redirect_is_not_followed(receiver):
    """A 302 is a failure to retry, never a request to the address it names."""
    receiver.status, receiver.location = 302, receiver.url + "/elsewhere"
    hook = endpoint(receiver)
    assert send.deliver.call(hook.pk, "d2", events.payload("published", hook, "u"), 1) is False
    assert [path for path, *_ in receiver.seen] == ["/hook"]
    assert WebhookDelivery.objects.get().status_code == 302


@pytest.mark.django_db
def test_a_private_address_is_refused_in_production(receiver, settings):
    """Without OUTBOUND_ALLOW_PRIVATE nothing is posted to loopback, and not retried."""
    settings.OUTBOUND_ALLOW_PRIVATE = False
    hook = endpoint(receiver)
    send.deliver.call(hook.pk, "d3", events.payload("published", hook, "u"), 1)
    assert receiver.seen == []
    log = WebhookDelivery.objects.get()
    assert "private network" in log.error and log.next_attempt_at is None
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.django_db
def test_a_hanging_endpoint_gives_up_at_the_read_timeout(receiver, monkeypatch):
    """No answer within the read timeout is a logged failure queued for a retry."""
    monkeypatch.setattr(send, "READ_TIMEOUT", 0.2)
    monkeypatch.setattr(send, "_pool", None)
    release = threading.Event()
    receiver.RequestHandlerClass.do_POST = lambda handler: release.wait(5)
    hook = endpoint(receiver)
    try:
        send.deliver.call(hook.pk, "d4", events.payload("published", hook, "u"), 1)
    finally:
        release.set()
        monkeypatch.setattr(send, "_pool", None)
    log = WebhookDelivery.objects.get()
    assert log.status_code is None and "timed out" in log.error.lower()
    assert log.next_attempt_at is not None


@pytest.mark.django_db
def test_writers_cannot_manage_webhooks_and_editors_can(client, writer, editor):
    """The endpoints and their log are editors' only; the secret is shown on the endpoint."""
    client.force_login(writer)
    assert client.get("/admin/articles/webhook/").status_code == 403
    assert client.get("/admin/articles/webhookdelivery/").status_code == 403
    client.force_login(editor)
    response = client.post(
        "/admin/articles/webhook/add/",
        {"name": "Search", "url": "https://hooks.example.org/in", "events": ["published"],
         "active": "on"},
    )  # fmt: skip
    hook = Webhook.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/articles/webhook/{hook.pk}/change/"
    assert hook.secret.startswith("whsec_") and len(hook.secret) == 70
    assert hook.created_by == editor and hook.events == ["published"]
    assert hook.secret in client.get(response["Location"]).content.decode()
    assert client.get("/admin/articles/webhookdelivery/").status_code == 200


def scheduled_run(monkeypatch, at):
    """Run the queued outbound tasks as the worker would just after ``at``."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at + datetime.timedelta(seconds=1))
    return run_queued()


@pytest.mark.django_db
def test_a_scheduled_publication_is_announced_at_its_time(
    receiver, make_article, publish, monkeypatch, django_capture_on_commit_callbacks
):
    """Queued for its Publish at, dated then, and sent once it is live."""
    endpoint(receiver)
    at = datetime.datetime.now(datetime.UTC).replace(microsecond=0) + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        article = publish(make_article(), at=at)
    assert run_queued() == [] and receiver.seen == []
    scheduled_run(monkeypatch, at)
    [payload] = receiver.bodies()
    assert payload["event"] == "published"
    assert datetime.datetime.fromisoformat(payload["occurred_at"]) == at
    assert payload["item"]["url"].endswith(article.get_absolute_url())


@pytest.mark.django_db
def test_a_scheduled_publication_called_off_is_not_announced(
    receiver, make_article, publish, editor, monkeypatch, django_capture_on_commit_callbacks
):
    """Unpublished before its time: nothing at that time. Rescheduled: once, at the new time."""
    endpoint(receiver)
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    first, second = now + datetime.timedelta(hours=1), now + datetime.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        article = publish(make_article(), at=first)
        transition(article, "unpublish", editor)
    scheduled_run(monkeypatch, first)
    assert receiver.bodies() == [] and WebhookDelivery.objects.count() == 0
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        article.refresh_from_db()
        type(article).objects.filter(pk=article.pk).update(published_at=None)
        article.refresh_from_db()
        publish(article, at=second)
    scheduled_run(monkeypatch, second)
    assert [body["event"] for body in receiver.bodies()] == ["published"]


@pytest.mark.django_db
def test_the_form_refuses_an_address_the_worker_would_not_post_to(client, editor, settings):
    """A non-web or private address is refused when it is typed, not at the first delivery."""
    settings.OUTBOUND_ALLOW_PRIVATE = False
    client.force_login(editor)
    for url, reason in [
        ("ftp://hooks.example.org/in", "not a web address"),
        ("http://127.0.0.1:8080/in", "a private network address"),
        ("http://10.1.2.3/in", "a private network address"),
    ]:
        response = client.post(
            "/admin/articles/webhook/add/",
            {"name": "In", "url": url, "events": ["published"], "active": "on"},
        )
        assert response.status_code == 200
        assert reason in response.content.decode()
    assert Webhook.objects.count() == 0


@pytest.mark.django_db
def test_each_attempt_logged_deletes_a_batch_of_those_past_the_logs_window(
    receiver, settings, monkeypatch
):
    """Attempts older than WEBHOOK_LOG_DAYS go, oldest first, PRUNE_BATCH at a time, with
    each attempt logged, delivered or not; those within the window stay."""
    settings.WEBHOOK_LOG_DAYS = 30
    monkeypatch.setattr(send, "PRUNE_BATCH", 3)
    hook = endpoint(receiver)
    now = datetime.datetime.now(datetime.UTC)

    def logged(days_ago, n):
        return WebhookDelivery.objects.create(
            webhook=hook, delivery_id=f"old{n}", event="published", payload={}, attempt=1,
            status_code=200, created_at=now - datetime.timedelta(days=days_ago),
        )  # fmt: skip

    for n in range(5):
        logged(31 + n, n)  # old0 the newest of them, old4 35 days ago
    kept = logged(29, 9)
    payload = events.payload("published", hook, "https://example.test/articles/a/")
    send.deliver.call(hook.pk, "new1", payload, 1)
    left = set(WebhookDelivery.objects.values_list("delivery_id", flat=True))
    assert left == {"old0", "old1", kept.delivery_id, "new1"}  # the three oldest went
    receiver.status = 500
    send.deliver.call(hook.pk, "new2", payload, 1)  # refused, to be retried: pruned too
    left = set(WebhookDelivery.objects.values_list("delivery_id", flat=True))
    assert left == {kept.delivery_id, "new1", "new2"}
    assert send.prune() == 0
