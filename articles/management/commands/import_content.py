from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.models import Author, Topic
from articles.publishing.importing.load import Options, import_path

SUFFIXES = {".txt", ".md", ".json"}


class Command(BaseCommand):
    help = (
        "Import articles as drafts from text files (the two seed formats) or restore an "
        "export_content JSON document. One transaction per file."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
        parser.add_argument("--author", metavar="SLUG", help="author of imported articles")
        parser.add_argument("--topic", metavar="SLUG", help="topic of imported articles")
        parser.add_argument("--title", metavar="TEXT", help="title for a file that has none")
        parser.add_argument(
            "--force",
            action="store_true",
            help="send items in review or published back to draft and overwrite them",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="whose name the workflow records (needed for --force and restoring states)",
        )

    def handle(self, *args, paths, **options):
        files = self.collect(paths)
        if options["title"] and len(files) > 1:
            raise CommandError("--title names one article; give it with a single file.")
        settings = Options(
            user=self.lookup(get_user_model(), "username", options["user"], "--user"),
            author=self.lookup(Author, "slug", options["author"], "--author"),
            topic=self.lookup(Topic, "slug", options["topic"], "--topic"),
            title=(options["title"] or "").strip(),
            force=options["force"],
            dry_run=options["dry_run"],
        )
        failed = 0
        show_progress = len(files) > 10
        for number, path in enumerate(files, start=1):
            report = import_path(path, settings)
            failed += not report.ok
            prefix = f"[{number}/{len(files)}] " if show_progress else ""
            head, *warnings = report.lines()
            style = self.style.SUCCESS if report.ok else self.style.ERROR
            self.stdout.write(style(prefix + head))
            for line in warnings:
                self.stdout.write(self.style.WARNING(line))

        done = "checked" if settings.dry_run else "imported"
        summary = f"{len(files) - failed} of {len(files)} file(s) {done}, {failed} failed."
        if settings.dry_run:
            summary += " Dry run: nothing was written."
        if failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def collect(self, paths):
        files = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in SUFFIXES)
                if not found:
                    self.stderr.write(f"{path}: no .txt, .md or .json files in this folder")
                files.extend(found)
            elif path.exists():
                files.append(path)
            else:
                raise CommandError(f"{path}: no such file or folder.")
        if not files:
            raise CommandError("Nothing to import.")
        return files

    def lookup(self, model, field, value, option):
        if not value:
            return None
        try:
            return model._default_manager.get(**{field: value})
        except model.DoesNotExist:
            raise CommandError(f"{option} {value}: no such {model._meta.verbose_name}.") from None
