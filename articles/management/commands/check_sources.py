from django.core.management.base import BaseCommand

from articles.publishing.sourcecheck import run


class Command(BaseCommand):
    help = (
        "Queue the daily check of cited sources' addresses, unless it is queued already; "
        "the task worker runs it and queues the next. --now checks what is due first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Check what is due now.")

    def handle(self, *args, now=False, **options):
        if now:
            summary = run.check_all()
            counts = ", ".join(f"{n} {status}" for status, n in sorted(summary.statuses.items()))
            self.stdout.write(
                f"{summary.checked} of {summary.cited} address(es) checked with "
                f"{summary.requests} request(s){': ' + counts if counts else ''}."
            )
        at = run.schedule()
        self.stdout.write(self.style.SUCCESS(f"Source checks run next at {at:%Y-%m-%d %H:%M %Z}."))
