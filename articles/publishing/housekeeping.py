"""The task worker's own records, kept to a window.

Every publish queues tasks (the announcement, each endpoint's delivery, the purges, the
e-mail), and django-tasks-db keeps each finished one's result: tens of thousands of rows
a day in a newsroom, for ever. Once a day the worker deletes those finished more than
settings.TASK_RESULT_DAYS ago, through django-tasks-db's own prune command, and queues
the next day's run, as the review reminders do: `manage.py schedule_housekeeping` starts
it once.
"""

import datetime

from django.conf import settings
from django.core.management import call_command
from django.tasks import task
from django.utils import timezone

from .schedule import next_daily, queue_once

# A quiet hour, away from the reminders' 06:00.
RUN_AT = datetime.time(3, 30)


def schedule(now=None):
    """Queue the next daily run unless one is queued already; return when it runs."""
    return queue_once(tidy, next_daily(RUN_AT, now or timezone.now()))


@task()
def tidy():
    """The daily run: delete old finished task results, then queue tomorrow's run."""
    call_command(
        "prune_db_task_results",
        min_age_days=settings.TASK_RESULT_DAYS,
        queue_name="*",
        verbosity=0,
    )
    schedule()  # its time is not returned: a task's result is stored as JSON
