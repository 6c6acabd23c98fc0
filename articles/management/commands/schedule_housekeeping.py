from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.publishing import housekeeping


class Command(BaseCommand):
    help = (
        "Queue the daily housekeeping, unless it is queued already: the task worker deletes "
        "the results of tasks finished more than TASK_RESULT_DAYS ago, and queues the next."
    )

    def handle(self, *args, **options):
        at = timezone.localtime(housekeeping.schedule())
        self.stdout.write(self.style.SUCCESS(f"Housekeeping runs next at {at:%Y-%m-%d %H:%M %Z}."))
