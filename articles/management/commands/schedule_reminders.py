from django.core.management.base import BaseCommand

from articles.publishing import reminders


class Command(BaseCommand):
    help = (
        "Queue the daily reminder of medical reviews falling due, unless it is queued "
        "already; the task worker runs it and queues the next. --now sends today's first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Send today's reminders now.")

    def handle(self, *args, now=False, **options):
        if now:
            from django.utils import timezone

            sent = reminders.send(timezone.localdate())
            self.stdout.write(f"{sent} reminder(s) sent.")
        at = reminders.schedule()
        self.stdout.write(
            self.style.SUCCESS(f"Review reminders run next at {at:%Y-%m-%d %H:%M %Z}.")
        )
