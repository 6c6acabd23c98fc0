"""The JSON export document: every article, FAQ entry, author and topic, by slug.

It is the team's backup and migration path: ``export_content`` writes it and
``import_content`` restores it, states included, through the workflow.
"""

import json
import re

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.models import Article, Author, Status, Topic, part_model
from articles.publishing.workflow import InvalidTransition

from .base import ImportFailed, ItemReport, may_overwrite, save
from .formats import ImportFormatError

FAQEntry = part_model("faqs")  # through the reverse relation: no import of faq

FORMAT = "editorial-export"
VERSION = 1

AUTHOR_FIELDS = ["slug", "name", "job_title", "bio", "website", "same_as"]
TOPIC_FIELDS = ["slug", "name", "description"]
CONTENT_FIELDS = [
    "slug", "title", "status", "meta_title", "meta_description", "focus_keyword",
    "canonical_url", "noindex", "published_at", "first_published_at", "created_at", "updated_at",
]  # fmt: skip
ARTICLE_FIELDS = [
    *CONTENT_FIELDS, "summary", "body", "topic", "author", "reviewed_by", "last_reviewed",
    "hero_image", "hero_image_alt",
]  # fmt: skip
FAQ_FIELDS = [*CONTENT_FIELDS, "answer", "topic", "article", "order"]
# Set by the database or the workflow on import, so they are not restored.
GENERATED = {"status", "created_at", "updated_at"}
DATETIMES = {"published_at", "first_published_at", "created_at", "updated_at"}
RELATIONS = {"topic": Topic, "author": Author, "reviewed_by": Author, "article": Article}


def build(status=None):
    """The export document as a dict, ready for json.dumps."""
    articles = Article.objects.select_related("topic", "author", "reviewed_by").order_by("slug")
    faqs = FAQEntry.objects.select_related("topic", "article").order_by("slug")
    if status:
        articles, faqs = articles.filter(status=status), faqs.filter(status=status)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "authors": [_dump(obj, AUTHOR_FIELDS) for obj in Author.objects.order_by("slug")],
        "topics": [_dump(obj, TOPIC_FIELDS) for obj in Topic.objects.order_by("slug")],
        "articles": [_dump(obj, ARTICLE_FIELDS) for obj in articles],
        "faqs": [_dump(obj, FAQ_FIELDS) for obj in faqs],
    }


def _dump(obj, fields):
    row = {}
    for name in fields:
        value = getattr(obj, name)
        if name in RELATIONS:
            value = value.slug if value else None
        elif name == "hero_image":
            value = value.name or ""
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        row[name] = value
    return row


def load(text):
    """The export document in ``text``, or None when the text is not one."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if not re.search(rf'"format"\s*:\s*"{FORMAT}"', text):
            return None  # a seed-format file: its leading JSON is not meant to parse alone
        message = f"export file is not valid JSON: {error.msg}"
        raise ImportFormatError(message, error.lineno) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    if data.get("version") != VERSION:
        raise ImportFormatError(f"export version {data.get('version')!r} is not supported")
    return data


def restore(data, options, report):
    for key, model, fields in (("authors", Author, AUTHOR_FIELDS), ("topics", Topic, TOPIC_FIELDS)):
        for where, row in _rows(data, key, fields):
            obj = model.objects.filter(slug=row["slug"]).first()
            action = "updated" if obj else "created"
            obj = obj or model()
            _assign(obj, row, fields, where)
            save(obj, options)
            report.items.append(ItemReport(action, model._meta.verbose_name, obj.slug))

    content = (("articles", Article, ARTICLE_FIELDS), ("faqs", FAQEntry, FAQ_FIELDS))
    for key, model, fields in content:
        for where, row in _rows(data, key, fields):
            if row["status"] not in Status.values:
                raise ImportFailed(f"{where}: unknown status {row['status']!r}")
            obj = model.objects.filter(slug=row["slug"]).first()
            kind = model._meta.verbose_name
            if obj is not None and not may_overwrite(obj, options, report):
                report.items.append(ItemReport("skipped", kind, obj.slug))
                continue
            action = "updated" if obj else "created"
            obj = obj or model()
            _assign(obj, row, fields, where)
            save(obj, options)
            _reach(obj, row["status"], options.user, where)
            report.items.append(ItemReport(action, kind, obj.slug))


def _rows(data, key, fields):
    rows = data.get(key, [])
    if not isinstance(rows, list):
        raise ImportFormatError(f"“{key}” must be a list")
    for index, row in enumerate(rows):
        where = f"{key}[{index}]"
        if not isinstance(row, dict):
            raise ImportFormatError(f"{where} must be an object")
        missing = [name for name in fields if name not in row]
        if missing:
            raise ImportFormatError(f"{where} ({row.get('slug', 'no slug')}): missing {missing}")
        yield f"{where} “{row['slug']}”", row


def _assign(obj, row, fields, where):
    for name in fields:
        value = row[name]
        if name in GENERATED:
            continue
        if name in RELATIONS:
            related = RELATIONS[name].objects.filter(slug=value).first() if value else None
            if value and related is None:
                raise ImportFailed(f"{where}: {name} “{value}” is neither in the file nor here")
            setattr(obj, name, related)
            continue
        if value and (name in DATETIMES or name == "last_reviewed"):
            value = _parse_moment(value, name, where)
        setattr(obj, name, value)


def _parse_moment(value, name, where):
    parse = parse_date if name == "last_reviewed" else parse_datetime
    try:
        parsed = parse(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        kind = "date (YYYY-MM-DD)" if parse is parse_date else "ISO 8601 date and time"
        raise ImportFailed(f"{where}: {name} {value!r} is not a valid {kind}")
    return parsed


def _reach(obj, status, user, where):
    """Replay the workflow up to the exported state, so the log says how it got there."""
    note = "Restored from an export."
    try:
        if status in (Status.IN_REVIEW, Status.PUBLISHED):
            obj.submit_for_review(user, note=note)
        if status == Status.PUBLISHED:
            obj.publish(user, note=note)
    except (PermissionDenied, InvalidTransition) as error:
        raise ImportFailed(
            f"{where} is {status} in the export; restoring that needs --user with an "
            f"editor's permissions: {error}"
        ) from None
