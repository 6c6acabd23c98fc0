"""An editor registers a webhook endpoint through the admin's real form, publishes and
unpublishes a health article there, and the endpoint receives both events, signed."""

import hashlib
import hmac
import json

import pytest

from articles.models import Article, Webhook, WebhookDelivery
from tests.journeys.conftest import shown_messages
from tests.journeys.test_health_article import change_url, move
from tests.receiver import run_queued


def signed_by(secret, headers, body):
    """The README's recipe: HMAC-SHA256 of "<t>.<body>" with the secret, as v1."""
    parts = dict(item.split("=", 1) for item in headers["Webhook-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


@pytest.mark.django_db
def test_an_endpoint_hears_of_a_publication_and_an_unpublish(
    people, receiver, django_capture_on_commit_callbacks
):
    """Registered, published, unpublished: two signed deliveries, logged for editors."""
    editor, reviewer = people["editor"], people["reviewer"]
    response = editor.submit(
        "/admin/articles/webhook/add/", "webhook_form",
        {"name": "Partner app", "url": receiver.url + "/in",
         "events": ["published", "unpublished"]},
    )  # fmt: skip
    assert "copy its signing secret" in " ".join(shown_messages(response.content.decode()))
    hook = Webhook.objects.get()
    assert hook.active and hook.secret in response.content.decode()

    article = Article.objects.get(slug="a-breathing-exercise-for-stressful-days")
    description = (
        "A two-minute breathing exercise to calm a stressful day: how to do it, how often, "
        "and when to ask a GP for more help."
    )
    editor.submit(change_url(article), "article_form",
                  {"meta_description": description, "_continue": "1"})  # fmt: skip
    move(reviewer, article, "sign_off", "Accurate.")
    with django_capture_on_commit_callbacks(execute=True):
        response = move(editor, article, "publish", "", _publish_despite_advice="1")
    assert "Published" in " ".join(shown_messages(response.content.decode()))
    with django_capture_on_commit_callbacks(execute=True):
        move(editor, article, "unpublish", "Being checked again.")
    assert receiver.seen == []  # the admin's requests sent nothing themselves
    run_queued()

    received = [(headers, json.loads(body)) for _, headers, body in receiver.seen]
    assert [payload["event"] for _, payload in received] == ["published", "unpublished"]
    assert all(signed_by(hook.secret, headers, body) for _, headers, body in receiver.seen)
    url = "https://example.test" + article.get_absolute_url()
    assert {payload["item"]["url"] for _, payload in received} == {url}
    log = editor.open("/admin/articles/webhookdelivery/")
    assert WebhookDelivery.objects.filter(status_code=200).count() == 2
    assert "Partner app" in log
