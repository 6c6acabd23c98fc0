"""The daily housekeeping: finished task results past TASK_RESULT_DAYS go, every other
result stays, and the next day's run is queued once."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.publishing import housekeeping
from articles.publishing.webhooks import send

pytestmark = pytest.mark.django_db


def result(status, days_ago):
    """A queued delivery's result, moved to ``status`` ``days_ago`` days ago."""
    made = send.deliver.enqueue(0, f"{status}-{days_ago}", {"event": "published"}, 1)
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    finished = moment if status in ("SUCCESSFUL", "FAILED") else None
    DBTaskResult.objects.filter(pk=made.id).update(
        status=status, enqueued_at=moment, finished_at=finished
    )
    return made.id


def test_the_daily_run_deletes_old_finished_results_and_queues_the_next(settings):
    """Succeeded or failed more than 14 days ago: deleted. Finished since, or still
    waiting however long ago it was queued: kept. Tomorrow's run is queued, once."""
    settings.TASK_RESULT_DAYS = 14
    result("SUCCESSFUL", 15)
    result("FAILED", 20)
    kept = {result("SUCCESSFUL", 13), result("FAILED", 1), result("READY", 30)}
    housekeeping.tidy.call()
    left = DBTaskResult.objects.exclude(task_path=housekeeping.tidy.module_path)
    assert {str(pk) for pk in left.values_list("pk", flat=True)} == {str(pk) for pk in kept}
    [queued] = DBTaskResult.objects.filter(task_path=housekeeping.tidy.module_path)
    assert queued.status == "READY"
    assert timezone.localtime(queued.run_after).time() == housekeeping.RUN_AT
    assert queued.run_after - timezone.now() <= datetime.timedelta(days=1)
    housekeeping.tidy.call()  # a second run in a day queues no second successor
    assert DBTaskResult.objects.filter(task_path=housekeeping.tidy.module_path).count() == 1


def test_the_command_starts_the_daily_run_once():
    """schedule_housekeeping queues the run and says when; again, it queues no other."""
    out = io.StringIO()
    call_command("schedule_housekeeping", stdout=out)
    call_command("schedule_housekeeping", stdout=out)
    assert out.getvalue().count("Housekeeping runs next at") == 2
    assert DBTaskResult.objects.filter(task_path=housekeeping.tidy.module_path).count() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes the connection it used
def test_the_worker_runs_the_housekeeping_when_it_falls_due(settings):
    """Queued for now, the worker's run deletes the old result and queues tomorrow's."""
    settings.TASK_RESULT_DAYS = 14
    result("SUCCESSFUL", 15)
    kept = result("SUCCESSFUL", 2)
    housekeeping.tidy.using(run_after=timezone.now()).enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())
    deliveries = DBTaskResult.objects.filter(task_path=send.deliver.module_path)
    assert [str(pk) for pk in deliveries.values_list("pk", flat=True)] == [str(kept)]
    runs = DBTaskResult.objects.filter(task_path=housekeeping.tidy.module_path)
    assert sorted(runs.values_list("status", flat=True)) == ["READY", "SUCCESSFUL"]
