"""Publishing events, announced once the move that made them is committed.

The workflow service calls ``announce()`` where a page goes live, is replaced live or
comes down; emptying the trash calls ``deleted_for_good()``. Nothing is sent here: on
commit one task is queued (one INSERT), and the task worker fans it out to the webhook
endpoints that chose the event and to IndexNow. A slow or failing endpoint therefore
never slows or breaks a move, and a move rolled back announces nothing.

Events: published, updated (a live page replaced), unpublished, expired (its Unpublish
at), deleted (moved to the trash while live, or deleted for good).
"""

import datetime
import uuid

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

PUBLISHED, UPDATED, UNPUBLISHED, EXPIRED, DELETED = (
    "published", "updated", "unpublished", "expired", "deleted",
)  # fmt: skip
EVENTS = [
    (PUBLISHED, "Published"),
    (UPDATED, "Updated (live page replaced)"),
    (UNPUBLISHED, "Unpublished"),
    (EXPIRED, "Expired (Unpublish at)"),
    (DELETED, "Deleted (trashed or deleted for good)"),
]
# The moves that take a page down, by the event they announce; any other is unpublished.
DOWN = {"expire": EXPIRED, "trash": DELETED}


def event_of(action, publishing, was_live):
    if publishing:
        return UPDATED if was_live else PUBLISHED
    return DOWN.get(action, UNPUBLISHED)


def payload(event, item, url, at=None):
    """What every receiver gets: the event, when, and the item with its public address."""
    return {
        "id": uuid.uuid4().hex,
        "event": event,
        "occurred_at": (at or timezone.now()).isoformat(),
        "item": {
            "type": item._meta.model_name,
            "id": item.pk,
            "title": str(item),
            "url": url,
        },
    }


def announce(action, item, *, publishing, live_path):
    """Queue the event of this move for when its transaction commits. ``live_path`` is the
    address readers had (None if it was not live): a page coming down is announced at it,
    even if its working copy has moved. A scheduled publication is announced at its time,
    when readers can see it."""
    path = item.get_absolute_url() if publishing else live_path
    later = item.published_at if item.published_at and item.published_at > timezone.now() else None
    if live_path is not None and later is not None:
        # Scheduled and not yet seen: its announcement is queued for its time already, and
        # is dropped then if it came down meanwhile. Only a new address needs a new one.
        if not publishing or path == live_path:
            return
        live_path = None
    if not publishing:
        later = None
    event = event_of(action, publishing, was_live=live_path is not None)
    body = payload(event, item, settings.SITE_URL + path, at=later)
    due = None
    if later is not None:
        # Checked at that time: the page may be unpublished or rescheduled meanwhile.
        due = {"model": item._meta.label_lower, "pk": item.pk, "at": later.isoformat()}
    transaction.on_commit(lambda: _queue(body, later, due))


def deleted_for_good(item, path):
    """An item emptied from the trash: announced if it ever had a public address."""
    if path:
        body = payload(DELETED, item, settings.SITE_URL + path)
        transaction.on_commit(lambda: _queue(body, None))


def _queue(body, later, due=None):
    (fan_out.using(run_after=later) if later else fan_out).enqueue(body, due)


def still_due(body, due):
    """Whether a scheduled publication happened as announced: the item is live, at the
    time it was scheduled for and at the address in the event. One unpublished, moved
    to another time or another address before its time announces nothing here (a move
    to another time queued its own announcement)."""
    model = apps.get_model(due["model"])
    item = model._default_manager.published().filter(pk=due["pk"]).first()
    return (
        item is not None
        and item.published_at == datetime.datetime.fromisoformat(due["at"])
        and settings.SITE_URL + item.get_absolute_url() == body["item"]["url"]
    )


@task()
def fan_out(body, due=None):
    """In the worker: a delivery for each endpoint that chose the event, and the address
    to IndexNow's next submission. ``due`` names a scheduled publication, checked first."""
    from . import indexnow
    from .webhooks import send

    if due is not None and not still_due(body, due):
        return False
    send.queue_deliveries(body)
    indexnow.add([body["item"]["url"]])
    return True
