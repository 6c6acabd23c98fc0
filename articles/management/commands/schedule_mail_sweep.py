from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.publishing import delivery


class Command(BaseCommand):
    help = (
        "Queue the mail sweep, unless it is queued already: every minute the task worker "
        "sends notification e-mail due for a retry or cut off mid-send, and queues the next."
    )

    def handle(self, *args, **options):
        at = timezone.localtime(delivery.schedule_sweep())
        self.stdout.write(
            self.style.SUCCESS(f"The mail sweep runs next at {at:%Y-%m-%d %H:%M %Z}.")
        )
