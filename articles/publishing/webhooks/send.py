"""Delivering events to webhook endpoints, from the task worker.

Each delivery is a POST of the JSON payload, signed as Stripe and GitHub sign theirs::

    Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>

A 2xx answer delivers it. Anything else (a redirect too: none is followed) is tried
again after 1, 5, 25, 125 and 360 minutes, then given up: MAX_ATTEMPTS tries in all,
each one logged. Addresses on private, loopback or link-local networks are refused
unless settings.OUTBOUND_ALLOW_PRIVATE, as the source link checker refuses them.

The log keeps settings.WEBHOOK_LOG_DAYS of attempts: each attempt logged deletes a batch
of those older, so the table holds a window, not every event since the site began.
"""

import datetime
import hashlib
import hmac
import json
import logging
import time
import uuid

import urllib3
from django.conf import settings
from django.tasks import task
from django.utils import timezone

from ..sourcecheck.fetch import refusal
from .models import EXCERPT_LIMIT, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
FIRST_WAIT = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=6)
# Short: a receiver should answer at once and do its work later.
CONNECT_TIMEOUT = 3
READ_TIMEOUT = 10
# Attempts past the log's window deleted with each one logged: far more than are logged
# in the meantime, so a backlog (a lowered WEBHOOK_LOG_DAYS) goes within a few attempts.
PRUNE_BATCH = 500


def retry_wait(attempts):
    """How long after the ``attempts``-th failure to try again: 1, 5, 25, 125, 360 minutes."""
    return min(FIRST_WAIT * 5 ** (attempts - 1), LONGEST_WAIT)


def signature(secret, timestamp, body):
    """The Webhook-Signature header's value for ``body`` (bytes) sent at ``timestamp``."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def encode(payload):
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def queue_deliveries(payload):
    """One delivery task for each active endpoint that chose this event."""
    event = payload["event"]
    for webhook in Webhook.objects.filter(active=True).only("pk", "events"):
        if event in webhook.events:
            deliver.enqueue(webhook.pk, uuid.uuid4().hex, payload, 1)


_pool = None


def pool():
    global _pool
    if _pool is None:
        _pool = urllib3.PoolManager(
            retries=False,  # no redirect followed, no silent retry: each try is logged
            timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT),
            headers={"User-Agent": f"{settings.SITE_NAME} webhooks (+{settings.SITE_URL})"},
        )
    return _pool


def post(url, body, headers):
    """(status, excerpt of the answer, seconds) of one POST; raises when none came."""
    started = time.monotonic()
    response = pool().request(
        "POST", url, body=body, headers={**pool().headers, **headers},
        redirect=False, preload_content=False,
    )  # fmt: skip
    try:
        excerpt = response.read(EXCERPT_LIMIT)
    finally:
        response.close()
        response.release_conn()
    text = excerpt.decode("utf-8", "replace")[:EXCERPT_LIMIT]
    return response.status, text, time.monotonic() - started


def prune(now=None):
    """Delete up to PRUNE_BATCH logged attempts older than WEBHOOK_LOG_DAYS, oldest first;
    return how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.WEBHOOK_LOG_DAYS)
    expired = WebhookDelivery.objects.filter(created_at__lt=cutoff).order_by("created_at")
    batch = list(expired.values_list("pk", flat=True)[:PRUNE_BATCH])
    return WebhookDelivery.objects.filter(pk__in=batch).delete()[0] if batch else 0


@task()
def deliver(webhook_id, delivery_id, payload, attempt):
    """One attempt; a failure queues the next, later each time, until MAX_ATTEMPTS."""
    webhook = Webhook.objects.filter(pk=webhook_id, active=True).first()
    if webhook is None:  # deleted or switched off meanwhile
        return False
    prune()  # the log's window, kept by each attempt it logs
    log = WebhookDelivery(
        webhook=webhook, delivery_id=delivery_id, event=payload["event"], payload=payload,
        attempt=attempt,
    )  # fmt: skip
    retry = True
    if reason := refusal(webhook.url, allow_private=settings.OUTBOUND_ALLOW_PRIVATE):
        log.error, retry = f"Not sent: {reason}.", False
    else:
        body = encode(payload)
        headers = {
            "Content-Type": "application/json",
            "Webhook-Id": delivery_id,
            "Webhook-Event": payload["event"],
            "Webhook-Signature": signature(webhook.secret, int(time.time()), body),
        }
        try:
            log.status_code, log.response_excerpt, seconds = post(webhook.url, body, headers)
            log.duration_ms = round(seconds * 1000)
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as error:
            log.error = f"{type(error).__name__}: {error}"[:300]
    if log.delivered:
        log.save()
        return True
    if retry and attempt < MAX_ATTEMPTS:
        log.next_attempt_at = timezone.now() + retry_wait(attempt)
        deliver.using(run_after=log.next_attempt_at).enqueue(
            webhook_id, delivery_id, payload, attempt + 1
        )
    log.save()
    # The endpoint's address and why, never its secret.
    logger.warning(
        "Webhook %s (%s) not delivered, attempt %s: %s; %s", webhook.pk, payload["event"],
        attempt, log.error or f"HTTP {log.status_code}",
        "retrying" if log.next_attempt_at else "given up",
    )  # fmt: skip
    return False
