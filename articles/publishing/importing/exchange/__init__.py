"""The JSON export document: the site's content and everything recorded about it.

It is the team's backup and migration path: ``export_content`` writes it and
``import_content`` restores it. Version 3 carries every field of every model (see
fields.py for what is exported, derived or left out, and why): accounts by username,
authors, topics with their health flag, articles and FAQ entries with their owners and
medical review, each item's revisions, workflow log, comments and review reminders, and
the site's redirects, so a restore into an empty database is exact. Versions 1 (no
history; states replayed through the workflow) and 2 (no accounts, comments, reminders,
redirects or review record) still restore.
"""

import json
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.models import Article, Author, Image, Status, Topic, part_model
from articles.publishing.workflow import InvalidTransition, can_transition

from ..base import ImportFailed, ItemReport, may_overwrite, save, validation_message
from ..formats import ImportFormatError, check_json_depth
from . import history, library, people, redirects
from .fields import ARTICLE, EXPORTED, FAQ, REVIEW_STATE
from .values import assign, dump, natural, rows

FAQEntry = part_model("faqs")  # through the reverse relation: no import of faq

FORMAT = "editorial-export"
VERSION = 3
READABLE_VERSIONS = {1, 2, 3}

AUTHOR_FIELDS = EXPORTED["articles.Author"]
TOPIC_FIELDS = EXPORTED["articles.Topic"]
# Set by the database or the workflow on import, so not assigned to the row: restored
# with the history (or reached through the workflow, for an item that exists here).
WORKFLOW = {"status", "published_at", "first_published_at", "created_at", "updated_at",
            "trashed_at", *REVIEW_STATE}  # fmt: skip


def build(status=None):
    """The export document as a dict, ready for json.dumps.

    ``status`` "published" means live (what readers see); the others name the state
    of the working copy.
    """
    related = ("topic", "author", "reviewed_by", "owner", "hero")
    articles = Article.objects.select_related(*related).order_by("slug")
    faqs = FAQEntry.objects.select_related("topic", "article", "reviewed_by", "owner")
    faqs = faqs.order_by("slug")
    if status == Status.PUBLISHED:
        articles, faqs = articles.filter(live=True), faqs.filter(live=True)
    elif status:
        articles, faqs = articles.filter(status=status), faqs.filter(status=status)
    articles, faqs = list(articles), list(faqs)
    record = history.Record(articles + faqs)
    authors = Author.objects.select_related("user").order_by("slug")
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "people": people.build(),
        "authors": [dump(obj, AUTHOR_FIELDS) for obj in authors],
        "topics": [dump(obj, TOPIC_FIELDS) for obj in Topic.objects.order_by("slug")],
        "images": library.build(),
        "articles": [
            {**_portable(dump(obj, ARTICLE), record), **record.dump(obj)} for obj in articles
        ],
        "faqs": [{**dump(obj, FAQ), **record.dump(obj)} for obj in faqs],
        "redirects": redirects.build(),
    }


def _portable(row, record):
    """An article's row with the library images in its body named by file."""
    return {**row, "body": library.portable_body(row["body"], record.slugs[Image])}


def load(text):
    """The export document in ``text``, or None when the text is not one."""
    if not text.lstrip().startswith("{"):
        return None
    check_json_depth(text, "the file's JSON")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if not re.search(rf'"format"\s*:\s*"{FORMAT}"', text):
            return None  # a seed-format file: its leading JSON is not meant to parse alone
        message = f"export file is not valid JSON: {error.msg}"
        raise ImportFormatError(message, error.lineno) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    if data.get("version") not in READABLE_VERSIONS:
        raise ImportFormatError(f"export version {data.get('version')!r} is not supported")
    return data


def restore(data, options, report):
    people.restore(data, options, report)
    for key, model, fields in (("authors", Author, AUTHOR_FIELDS), ("topics", Topic, TOPIC_FIELDS)):
        for where, row in rows(data, key, fields):
            obj = model.objects.filter(slug=row["slug"]).first()
            action = "updated" if obj else "created"
            obj = obj or model()
            assign(obj, row, fields, where, report)
            save(obj, options)
            report.items.append(ItemReport(action, model._meta.verbose_name, obj.slug))

    library.restore(data, options, report)
    images_here = {name: pk for pk, name in library.files().items()}
    with_history = data.get("version", 1) >= 2
    created = []
    for key, model, fields in (("articles", Article, ARTICLE), ("faqs", FAQEntry, FAQ)):
        for where, row in rows(data, key, fields):
            if row["status"] not in Status.values:
                raise ImportFailed(f"{where}: unknown status {row['status']!r}")
            if model is Article and "body" in row:
                row = {**row, "body": library.local_body(row["body"], images_here)}
            obj = model.objects.filter(slug=row["slug"]).first()
            kind = model._meta.verbose_name
            if obj is None and with_history:
                # New here: the row exactly as exported; its record follows below.
                obj = model()
                _assign(obj, row, fields, where, options, report)
                if obj.owner is None and "owner" not in row:
                    obj.owner = options.user
                _check(obj, options)
                obj.save_row(force_insert=True)
                created.append((where, obj, row))
                report.items.append(ItemReport("created", kind, obj.slug))
                continue
            if obj is not None and not may_overwrite(obj, options, report):
                report.items.append(ItemReport("skipped", kind, obj.slug))
                continue
            # An item that exists here keeps its own record and owner: the export becomes
            # its newest version, and its state is reached through the workflow.
            action = "updated" if obj else "created"
            obj = obj or model()
            _assign(obj, row, [name for name in fields if name != "owner"], where, options, report)
            _note_review_left_out(obj, row, where, options, report)
            save(obj, options)
            _reach(obj, row["status"], options, where)
            report.items.append(ItemReport(action, kind, obj.slug))
    history.restore(created, options, report, lambda obj: _may_publish(obj, options))
    redirects.restore(data, options, report)


def _assign(obj, row, fields, where, options, report):
    """The content fields of a row; the workflow's are restored with the history."""
    allowed = []
    for name in fields:
        if name in WORKFLOW or name not in row:
            continue
        if _writer_may_not(obj, name, row[name], options):
            report.warnings.append(f"{where}: {name} not imported: only an editor may set it")
            continue
        allowed.append(name)
    assign(obj, row, allowed, where, report)


def _note_review_left_out(obj, row, where, options, report):
    """Through the workflow, the review comes from a clinician's sign-off, never a file."""
    named = [name for name in REVIEW_STATE if row.get(name)]
    if named:
        report.warnings.append(
            f"{where}: {' and '.join(named)} not imported: an item restored through the "
            "workflow is reviewed by a medical reviewer's sign-off"
        )


def _check(obj, options):
    """The checks save() makes, for a row written directly."""
    user = options.user
    opts = obj._meta
    if user is not None and not user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
        raise ImportFailed(f"you may not add {opts.verbose_name_plural} (“{obj.slug}”)")
    try:
        obj.full_clean(validate_unique=False)
    except ValidationError as error:
        message = validation_message(error, obj)
        raise ImportFailed(f"{opts.verbose_name} “{obj.slug}”: {message}") from None


def _may_publish(obj, options):
    """Whether this import may set what only editors set (the command line always may)."""
    user = getattr(options, "user", None)
    if user is None or not hasattr(obj, "workflow_fields"):
        return True
    return can_transition(user, obj, "publish")


def _writer_may_not(obj, name, value, options):
    """A writer may name the author and owner of a new item, not change someone else's."""
    if name not in ("author", "owner") or obj.pk is None or _may_publish(obj, options):
        return False
    return natural(getattr(obj, name)) != value


def _reach(obj, status, options, where):
    """Replay the workflow up to the exported state, so the log says how it got there."""
    note, user = "Restored from an export.", options.user
    try:
        if status in (Status.IN_REVIEW, Status.PUBLISHED):
            obj.submit_for_review(user, note=note)
        if status == Status.PUBLISHED:
            obj.publish(user, note=note)
    except (PermissionDenied, InvalidTransition) as error:
        raise ImportFailed(
            f"{where} is {status} in the export; restoring that needs an editor "
            f"({options.hint('editor')}): {error}"
        ) from None
