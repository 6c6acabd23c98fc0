"""Tasks that queue their own next run, once, in the task worker's queue."""

import datetime

from django.utils import timezone


def next_daily(at, now):
    """The next ``at`` (a time of day, local time) after ``now``."""
    local = timezone.localtime(now)
    moment = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return moment if moment > local else moment + datetime.timedelta(days=1)


def queue_once(task, at):
    """Queue ``task`` to run at ``at`` unless a run of it is queued already (a repeated
    call, or a run that queued its successor); return when the queued run is due."""
    from django_tasks_db.models import DBTaskResult

    queued = (
        DBTaskResult.objects.filter(status="READY", task_path=task.module_path)
        .order_by("run_after")
        .first()
    )
    if queued is not None:
        return queued.run_after
    task.using(run_after=at).enqueue()
    return at


def queue_by(task, at):
    """Queue ``task`` to run at ``at`` unless a run of it is queued for then or sooner
    (that run queues the next); return when the first queued run is due."""
    from django_tasks_db.models import DBTaskResult

    queued = (
        DBTaskResult.objects.filter(status="READY", task_path=task.module_path, run_after__lte=at)
        .order_by("run_after")
        .first()
    )
    if queued is not None:
        return queued.run_after
    task.using(run_after=at).enqueue()
    return at
