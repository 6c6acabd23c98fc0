"""Notification e-mail, sent once: a claim on each message, retries with backoff, a sweep.

A run claims a notification for ``LEASE`` with one conditional UPDATE, so two runs never
hold the same one, sends it, and marks it sent in its own transaction straight away. A
run cut off mid-send therefore leaves at most the message in flight unmarked; once its
claim runs out, the sweep sends it again under the same Message-ID, which mail clients
take for the same message. A failed send is tried again after 1, 5, 25, 125 and 360
minutes, then given up and left, with its error, on the editors' undelivered list.

The sweep runs every ``SWEEP_EVERY`` in the task worker and queues its next run before
it sends anything, so not even a sweep cut off ends the chain; each delivery run makes
sure one is queued, so the chain starts by itself.

Sending runs in the worker, outside any transaction: each step commits on its own
(``durable``), and would refuse to run inside a caller's transaction, where a rollback
could forget a message already sent.
"""

import datetime
import logging
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import Notification
from .schedule import queue_once
from .text import one_line

logger = logging.getLogger(__name__)

# Far longer than one send can take (the SMTP timeout is 20 seconds): a send cut off
# mid-flight goes out again at the first sweep after this.
LEASE = datetime.timedelta(minutes=5)
# Sends in all before giving up; the wait after each failure grows fivefold.
MAX_ATTEMPTS = 6
FIRST_WAIT = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=6)
SWEEP_EVERY = datetime.timedelta(minutes=1)
# A sweep a minute would pile up 1,440 finished results a day; older ones are dropped.
KEEP_SWEEPS = datetime.timedelta(hours=1)
# The most one run sends; the next sweep takes the rest.
BATCH = 500
# Long enough for the sentence a mail client shows in its list, not more.
SUBJECT_LIMIT = 120


def retry_wait(attempts):
    """How long after the ``attempts``-th failure to try again: 1, 5, 25, 125, 360 minutes."""
    return min(FIRST_WAIT * 5 ** (attempts - 1), LONGEST_WAIT)


def subject(notification):
    """One line: a title or comment with a line break in it would make the header invalid."""
    return one_line(f"[{settings.SITE_NAME}] {notification.message}", SUBJECT_LIMIT)


def message_id(notification):
    """The same for every send of one notification, and for no other message."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<notification.{notification.pk}.{notification.created_at:%Y%m%d%H%M%S}@{host}>"


def message(notification):
    return EmailMessage(
        subject(notification),
        f"{notification.message}\n\nOpen it: {settings.SITE_URL}{notification.url}\n",
        to=[notification.recipient.email],
        headers={
            "Message-ID": message_id(notification),
            # Asks mail servers not to answer it with out-of-office replies.
            "Auto-Submitted": "auto-generated",
        },
    )


def send_due(ids=None):
    """Send the e-mail of each notification due (of ``ids``, or any); return how many."""
    due = Notification.objects.due(timezone.now())
    if ids is not None:
        due = due.filter(pk__in=ids)
    pks = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:BATCH])
    return sum(send_one(pk) for pk in pks)


def claim(pk):
    """Hold notification ``pk`` for this run; None when it is not due or another run has it."""
    token = uuid.uuid4().hex
    now = timezone.now()
    # Checked and taken in one UPDATE: on PostgreSQL a racing run waits for the row, then
    # finds it claimed; SQLite lets one writer in at a time.
    with transaction.atomic(durable=True):
        taken = (
            Notification.objects.due(now)
            .filter(pk=pk)
            .update(claim=token, claimed_until=now + LEASE)
        )
    return token if taken else None


def send_one(pk):
    """Claim, send and record one notification's e-mail; 1 if it went out, else 0."""
    token = claim(pk)
    if token is None:
        return 0
    notification = Notification.objects.select_related("recipient").get(pk=pk)
    # Nothing to send to someone without an address: done, as for everyone else.
    if notification.recipient.email:
        try:
            message(notification).send()
        except Exception as error:
            failed(notification, token, error)
            return 0
    # Committed at once: cut off after this, the run has sent nothing it has not recorded.
    with transaction.atomic(durable=True):
        Notification.objects.filter(pk=pk).update(
            emailed_at=timezone.now(), next_attempt_at=None, claim="", claimed_until=None
        )
    if not notification.recipient.email:
        return 0
    logger.info("Sent notification %s to %s", pk, notification.recipient.email)
    return 1


def failed(notification, token, error):
    """Count the failure, and give the e-mail a later try or, after the last, give it up."""
    attempts = notification.attempts + 1
    retry_at = timezone.now() + retry_wait(attempts) if attempts < MAX_ATTEMPTS else None
    with transaction.atomic(durable=True):
        Notification.objects.filter(pk=notification.pk, claim=token).update(
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=retry_at,
            claim="",
            claimed_until=None,
        )
    logger.warning(
        "Notification %s to %s failed (attempt %s): %s; %s",
        notification.pk,
        notification.recipient.email,
        attempts,
        error,
        f"next at {timezone.localtime(retry_at):%H:%M}" if retry_at else "given up",
    )


def retry_now(queryset):
    """Make these unsent e-mails due at once and send them; return how many were due."""
    now = timezone.now()
    with transaction.atomic():
        # Not one a run is sending right now: its outcome will be recorded in a moment.
        pks = list(
            queryset.filter(emailed_at=None)
            .exclude(claimed_until__gt=now)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=pks).update(next_attempt_at=now)
        if pks:
            deliver.enqueue(pks)
    return len(pks)


def schedule_sweep(now=None):
    """Queue the next sweep unless one is queued already; return when it runs."""
    return queue_once(sweep, (now or timezone.now()) + SWEEP_EVERY)


@task()
def deliver(notification_ids):
    """Send these notifications' e-mail now; what this run cannot, the sweep sends later."""
    schedule_sweep()
    return send_due(notification_ids)


@task()
def sweep():
    """Send every e-mail due (a retry, or a send whose run was cut off), every minute."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    schedule_sweep(now)
    DBTaskResult.objects.filter(
        task_path=sweep.module_path, status="SUCCESSFUL", finished_at__lt=now - KEEP_SWEEPS
    ).delete()
    return send_due()
