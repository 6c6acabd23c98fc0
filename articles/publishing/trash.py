"""Delete means the trash: an item stays there TRASH_DAYS, restorable with its revisions,
history and address, and the task worker empties it after that.

Moving an item to the trash is a workflow move (``transition(obj, "trash", user)``), so
it is permitted, logged and, for a live page, a withdrawal like Unpublish. Its address
answers 410 Gone meanwhile (django.contrib.redirects' empty target), or 301 to a page
the editor names. Restoring brings it back as a draft; going live again needs review.
Emptying deletes the item and everything recorded about it, so nothing is left orphaned.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.redirects.models import Redirect
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from . import events, redirects
from .models import (
    Autosave,
    Comment,
    ReviewReminder,
    Revision,
    Status,
    Transition,
    earliest,
    publishable_models,
)
from .schedule import queue_by

logger = logging.getLogger(__name__)


def emptied_on(item):
    """When the worker deletes it for good."""
    return item.trashed_at + datetime.timedelta(days=settings.TRASH_DAYS)


def address(item):
    """The public address readers knew, or None: a part has none of its own, and a draft
    never published never had one."""
    if item.revision_parent() is not None or item.first_published_at is None:
        return None
    return item.get_absolute_url()


def trash(item, user, note="", redirect_to=""):
    """Move ``item`` (and its parts) to the trash; its address answers 410 (the workflow
    sees to that), or 301 to ``redirect_to``, a path on this site."""
    from .workflow import transition

    with transaction.atomic():
        log = transition(item, "trash", user, note=note)
        if redirect_to and (path := address(item)):
            redirects.gone(path, redirect_to)
    return log


def restore(item, user, note=""):
    """Back from the trash as a draft, its address its own again."""
    from .workflow import transition

    return transition(item, "untrash", user, note=note)


def queue(trashed_at):
    """Make sure the worker empties what is trashed at ``trashed_at`` on its day."""
    return queue_by(run, trashed_at + datetime.timedelta(days=settings.TRASH_DAYS))


def purge(item):
    """Delete a trashed item for good, with its parts and everything recorded about them:
    revisions, the workflow log, comments, autosaves and reminders."""
    if item.status != Status.TRASHED:
        raise ValueError(f"“{item}” is not in the trash.")
    with transaction.atomic():
        path = address(item)
        # Parts first: they belong to the item and go with it.
        for obj in [*item.workflow_children(), item]:
            about = {
                "content_type": ContentType.objects.get_for_model(obj),
                "object_id": obj.pk,
            }
            for model in (Revision, Transition, Comment, Autosave, ReviewReminder):
                model.objects.filter(**about).delete()
            type(obj)._base_manager.filter(pk=obj.pk).delete()
        if path and not Redirect.objects.filter(old_path=path).exists():
            # The 410 stays: the address was ours and is gone for good.
            redirects.gone(path)
        events.deleted_for_good(item, path)


def empty(now=None):
    """Delete for good every item in the trash past TRASH_DAYS; return how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.TRASH_DAYS)
    done = 0
    for model in publishable_models():
        due = model._default_manager.filter(model.pages_q(), status=Status.TRASHED)
        for item in due.filter(trashed_at__lte=cutoff):
            purge(item)
            done += 1
    return done


def next_due():
    """When the item longest in the trash went there, or None."""
    return earliest("trashed_at", status=Status.TRASHED)


@task()
def run():
    """Empty what is due, then queue the run for the next item to fall due."""
    done = empty()
    if (oldest := next_due()) is not None:
        queue(oldest)
    return done
