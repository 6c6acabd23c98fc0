import json

from django.core.management.base import BaseCommand, CommandError

from articles.models import Status
from articles.publishing.importing import exchange


class Command(BaseCommand):
    help = "Write every article, FAQ entry, author and topic as one JSON document."

    def add_arguments(self, parser):
        parser.add_argument("--status", choices=Status.values, help="only items in this state")
        parser.add_argument("--output", metavar="FILE", help="write here instead of stdout")

    def handle(self, *args, status=None, output=None, **options):
        document = exchange.build(status)
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            raise CommandError(f"{output}: cannot write: {error.strerror or error}") from None
        self.stderr.write(
            f"Wrote {len(document['articles'])} article(s), {len(document['faqs'])} FAQ "
            f"entries, {len(document['authors'])} author(s) and {len(document['topics'])} "
            f"topic(s) to {output}."
        )
