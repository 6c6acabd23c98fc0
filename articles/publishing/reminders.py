"""The daily reminder of medical reviews falling due, run by the task worker.

Each run tells the owner and the reviewers of every live item whose review falls due
within ``review.NOTICE_DAYS``, and again once it is overdue. A ReviewReminder row per
item, due date and kind makes each reminder go out once, however often the run repeats.
"""

import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.tasks import task
from django.utils import timezone

from . import notify, review
from .models import ReviewReminder
from .schedule import next_daily, queue_once

# The daily run's local time: before the working day, so the inbox has it at nine.
RUN_AT = datetime.time(6, 0)


def _reviewed_models():
    """Content that clinicians sign off: articles, and FAQ entries that stand alone."""
    return [model for model in apps.get_models() if getattr(model, "takes_sign_off", False)]


def send(today):
    """Send the reminders due on ``today`` that have not gone out yet; return how many."""
    return sum(_send(model, today) for model in _reviewed_models())


def _send(model, today):
    content_type = ContentType.objects.get_for_model(model)
    # An article's FAQ entries show its review, and fall due with it.
    pages = model.objects.filter(model.pages_q())
    soon = review.falling_due(pages, review.notice_by(today))
    everyone = None
    sent = 0
    for kind, due in (
        (ReviewReminder.OVERDUE, soon.filter(review_due__lt=today)),
        (ReviewReminder.SOON, soon.filter(review_due__gte=today)),
    ):
        # What was reminded of already costs nothing: a day with nothing new is one query.
        reminded = ReviewReminder.objects.filter(
            content_type=content_type, object_id=OuterRef("pk"), due=OuterRef("review_due"),
            kind=kind,
        )  # fmt: skip
        pending = due.exclude(Exists(reminded)).select_related("owner", "reviewed_by__user")
        for item in pending.iterator(chunk_size=500):
            with transaction.atomic():
                # The row is the proof of sending: a run racing this one cannot send twice.
                _, created = ReviewReminder.objects.get_or_create(
                    content_type=content_type, object_id=item.pk, due=item.review_due, kind=kind
                )
                if not created:
                    continue
                # The clinician who last reviewed it, or, when no account is theirs, all.
                reviewer = item.reviewed_by.user if item.reviewed_by_id else None
                if reviewer is None or not reviewer.is_active:
                    if everyone is None:
                        everyone = notify.holders(model, review.SIGN_OFF)
                    reviewers = everyone
                else:
                    reviewers = [reviewer]
                notify.notify(
                    [item.owner, *reviewers], "review_due", item, None, _message(item, kind)
                )
                sent += 1
    return sent


def _message(item, kind):
    when = f"{item.review_due:%-d %B %Y}"
    if kind == ReviewReminder.OVERDUE:
        return f"The medical review of “{item}” is overdue: it was due on {when}."
    return f"The medical review of “{item}” is due on {when}."


def schedule(now=None):
    """Queue the next daily run unless one is queued already; returns its time."""
    return queue_once(remind, next_daily(RUN_AT, now or timezone.now()))


@task()
def remind():
    """The daily run: send today's reminders, then queue tomorrow's run."""
    sent = send(timezone.localdate())
    schedule()
    return sent
