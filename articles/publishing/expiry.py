"""Pages that come down at their Unpublish at, run by the task worker.

Readers lose a page at its Unpublish at whatever the worker does: ``published()`` leaves
it out from that moment, and the page cache's generation ends then (see
pagecache/generation.py), as it does for a scheduled publication. The worker's part is
to make it so in the workflow too: the item is unpublished, the history says when and
why, and the owner is told. Publishing an item with an Unpublish at queues a run for
that time; each run queues the next.
"""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import earliest, publishable_models
from .schedule import queue_by

logger = logging.getLogger(__name__)


def due(model, now):
    """The live pages of ``model`` whose Unpublish at has come (parts go with their page)."""
    return model._default_manager.filter(model.pages_q(), live=True, expires_at__lte=now)


def take_down(now=None):
    """Unpublish every live page past its Unpublish at, each in its own transaction;
    return how many came down."""
    from .workflow import InvalidTransition, transition

    now = now or timezone.now()
    done = 0
    for model in publishable_models():
        for pk in due(model, now).values_list("pk", flat=True):
            item = model._default_manager.get(pk=pk)
            try:
                when = timezone.localtime(item.expires_at).strftime("%d/%m/%Y %H:%M")
                with transaction.atomic():
                    transition(item, "expire", None, note=f"Its Unpublish at: {when}.")
            except InvalidTransition as error:
                # Taken down meanwhile by a person, or its time moved: nothing to do.
                logger.info("Not taken down: %s", error)
                continue
            done += 1
    return done


def next_due(now=None):
    """When the next live page comes down, or None."""
    return earliest("expires_at", live=True, expires_at__gt=now or timezone.now())


def queue(at):
    """Make sure a run is queued for ``at`` at the latest."""
    return queue_by(run, at)


@task()
def run():
    """Take down what is due, then queue the run for the next page to come down."""
    done = take_down()
    if (upcoming := next_due()) is not None:
        queue(upcoming)
    return done
