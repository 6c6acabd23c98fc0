"""The JSON export document: every article, FAQ entry, author and topic, by slug.

It is the team's backup and migration path: ``export_content`` writes it and
``import_content`` restores it. Version 2 carries each item's revisions and its
workflow log, with relations named by slug, so a restore into an empty database
leaves history pages, states and dates as they were. Version 1 documents (no
history) still restore, their states replayed through the workflow.
"""

import json
import re

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.models import Article, Author, Status, Topic, part_model
from articles.publishing.models import Revision, Transition
from articles.publishing.workflow import (
    TRANSITIONS,
    InvalidTransition,
    can_transition,
    restore_state,
)

from .base import ImportFailed, ItemReport, may_overwrite, save, validation_message
from .formats import ImportFormatError, check_json_depth

FAQEntry = part_model("faqs")  # through the reverse relation: no import of faq

FORMAT = "editorial-export"
VERSION = 2
READABLE_VERSIONS = {1, 2}

AUTHOR_FIELDS = ["slug", "name", "job_title", "bio", "website", "same_as"]
TOPIC_FIELDS = ["slug", "name", "description"]
CONTENT_FIELDS = [
    "slug", "title", "status", "meta_title", "meta_description", "focus_keyword",
    "canonical_url", "noindex", "published_at", "first_published_at", "created_at", "updated_at",
]  # fmt: skip
ARTICLE_FIELDS = [
    *CONTENT_FIELDS, "summary", "body", "topic", "author", "reviewed_by", "last_reviewed",
    "hero_image", "hero_image_alt", "sources",
]  # fmt: skip
# Added since the first exports: a file without them leaves what is here as it is.
OPTIONAL_FIELDS = {"sources"}
FAQ_FIELDS = [*CONTENT_FIELDS, "answer", "topic", "article", "order"]
# Set by the database or the workflow on import, so they are not restored.
GENERATED = {"status", "created_at", "updated_at"}
DATETIMES = {"published_at", "first_published_at", "created_at", "updated_at"}
RELATIONS = {"topic": Topic, "author": Author, "reviewed_by": Author, "article": Article}


def build(status=None):
    """The export document as a dict, ready for json.dumps.

    ``status`` "published" means live (what readers see); the others name the state
    of the working copy.
    """
    articles = Article.objects.select_related("topic", "author", "reviewed_by").order_by("slug")
    faqs = FAQEntry.objects.select_related("topic", "article").order_by("slug")
    if status == Status.PUBLISHED:
        articles, faqs = articles.filter(live=True), faqs.filter(live=True)
    elif status:
        articles, faqs = articles.filter(status=status), faqs.filter(status=status)
    articles, faqs = list(articles), list(faqs)
    history = _History(articles + faqs)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "authors": [_dump(obj, AUTHOR_FIELDS) for obj in Author.objects.order_by("slug")],
        "topics": [_dump(obj, TOPIC_FIELDS) for obj in Topic.objects.order_by("slug")],
        "articles": [{**_dump(obj, ARTICLE_FIELDS), **history.dump(obj)} for obj in articles],
        "faqs": [{**_dump(obj, FAQ_FIELDS), **history.dump(obj)} for obj in faqs],
    }


class _History:
    """Revisions and transitions of the exported items, with ids made portable.

    A revision is named by its item and its place in that item's history (1 is the
    oldest); relations inside revision content are named by slug.
    """

    def __init__(self, items):
        from django.contrib.contenttypes.models import ContentType

        self.slugs = {model: {} for model in (Article, FAQEntry, Author, Topic)}
        for model in self.slugs:
            self.slugs[model] = dict(model._default_manager.values_list("pk", "slug"))
        self.revisions, self.names, self.transitions = {}, {}, {}
        by_type = {}
        for item in items:
            by_type.setdefault(type(item), []).append(item.pk)
        for model, pks in by_type.items():
            content_type = ContentType.objects.get_for_model(model)
            key = _KEYS[model]
            rows = Revision.objects.filter(content_type=content_type, object_id__in=pks)
            for revision in rows.select_related("user").order_by("created_at", "pk"):
                mine = self.revisions.setdefault((model, revision.object_id), [])
                mine.append(revision)
                self.names[revision.pk] = {
                    "of": key, "slug": self.slugs[model][revision.object_id], "n": len(mine),
                }  # fmt: skip
            log = Transition.objects.filter(content_type=content_type, object_id__in=pks)
            for move in log.select_related("user").order_by("created_at", "pk"):
                self.transitions.setdefault((model, move.object_id), []).append(move)

    def name(self, revision_id):
        return self.names.get(revision_id) if revision_id else None

    def dump(self, obj):
        model = type(obj)
        own = self.revisions.get((model, obj.pk), [])
        return {
            "live": obj.live,
            "latest_revision": self.name(obj.latest_revision_id),
            "live_revision": self.name(obj.live_revision_id),
            "revisions": [
                {
                    "content": self.portable(model, revision.content),
                    "changed": revision.changed,
                    "kind": revision.kind,
                    "based_on": self.name(revision.based_on_id),
                    "user": _username(revision.user),
                    "message": revision.message,
                    "created_at": revision.created_at.isoformat(),
                }
                for revision in own
            ],
            "transitions": [
                {
                    "action": move.action,
                    "from_status": move.from_status,
                    "to_status": move.to_status,
                    "user": _username(move.user),
                    "note": move.note,
                    "revision": self.name(move.revision_id),
                    "created_at": move.created_at.isoformat(),
                }
                for move in self.transitions.get((model, obj.pk), [])
            ],
        }

    def portable(self, model, content):
        """Revision content with every id replaced by a slug."""

        def fields(row_model, values):
            return {
                name: self.slugs[related].get(value)
                if (related := _related(row_model, name)) and value is not None
                else value
                for name, value in values.items()
            }

        result = {"fields": fields(model, content.get("fields", {}))}
        for name, entries in (content.get("children") or {}).items():
            part_model = model._meta.get_field(name).related_model
            result.setdefault("children", {})[name] = [
                {"pk": self.slugs[part_model].get(entry["pk"]),
                 "fields": fields(part_model, entry["fields"])}
                for entry in entries
            ]  # fmt: skip
        for name, pks in (content.get("removed") or {}).items():
            part_model = model._meta.get_field(name).related_model
            result.setdefault("removed", {})[name] = [self.slugs[part_model].get(pk) for pk in pks]
        return result


def _related(model, name):
    """The related model of a relation field of ``model`` (kept by slug), or None."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # content from another version may name anything
        return None
    return field.related_model if field.is_relation and field.many_to_one else None


def _username(user):
    return user.get_username() if user is not None else None


_KEYS = {Article: "articles", FAQEntry: "faqs"}


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
    for key, model, fields in (("authors", Author, AUTHOR_FIELDS), ("topics", Topic, TOPIC_FIELDS)):
        for where, row in _rows(data, key, fields):
            obj = model.objects.filter(slug=row["slug"]).first()
            action = "updated" if obj else "created"
            obj = obj or model()
            _assign(obj, row, fields, where, options, report)
            save(obj, options)
            report.items.append(ItemReport(action, model._meta.verbose_name, obj.slug))

    with_history = data.get("version", 1) >= 2
    created = []
    content = (("articles", Article, ARTICLE_FIELDS), ("faqs", FAQEntry, FAQ_FIELDS))
    for key, model, fields in content:
        for where, row in _rows(data, key, fields):
            if row["status"] not in Status.values:
                raise ImportFailed(f"{where}: unknown status {row['status']!r}")
            obj = model.objects.filter(slug=row["slug"]).first()
            kind = model._meta.verbose_name
            if obj is None and with_history:
                # New here: the row exactly as exported; its history follows below.
                obj = model()
                _assign(obj, row, fields, where, options, report)
                _check(obj, options)
                obj.save_row(force_insert=True)
                created.append((where, obj, row))
                report.items.append(ItemReport("created", kind, obj.slug))
                continue
            if obj is not None and not may_overwrite(obj, options, report):
                report.items.append(ItemReport("skipped", kind, obj.slug))
                continue
            # An item that exists here keeps its own history: the export becomes its
            # newest version, and its state is reached through the workflow.
            action = "updated" if obj else "created"
            obj = obj or model()
            _assign(obj, row, fields, where, options, report)
            _note_review_left_out(obj, row, where, options, report)
            save(obj, options)
            _reach(obj, row["status"], options, where)
            report.items.append(ItemReport(action, kind, obj.slug))
    _restore_history(created, options, report)


def _note_review_left_out(obj, row, where, options, report):
    """Through the workflow, the review comes from a clinician's sign-off, never a file;
    a writer's import has been told already that it may not set it."""
    named = [name for name in sorted(EDITOR_FIELDS) if row.get(name)]
    if named and _may_publish(obj, options):
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


def _restore_history(created, options, report):
    """Revisions first (all items), then pointers, states, dates and logs."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    users = {u.get_username(): u for u in get_user_model()._default_manager.all()}
    slugs = {model: {} for model in (Article, FAQEntry, Author, Topic)}
    for model in slugs:
        slugs[model] = dict(model._default_manager.values_list("slug", "pk"))
    names = {}
    for where, obj, row in created:
        model = type(obj)
        content_type = ContentType.objects.get_for_model(model)
        entries = _list(row.get("revisions", []), f"{where}: revisions")
        for number, entry in enumerate(entries, start=1):
            entry = _dict(entry, f"{where}: revisions[{number - 1}]")
            revision = Revision(
                content_type=content_type,
                object_id=obj.pk,
                object_repr=str(obj)[:200],
                content=_local(
                    model, _dict(entry.get("content"), f"{where}: revision {number}"), slugs
                ),  # fmt: skip
                changed=entry.get("changed") or [],
                kind=entry.get("kind") or Revision.SAVE,
                user=users.get(entry.get("user")),
                message=str(entry.get("message") or ""),
                created_at=_parse_moment(entry.get("created_at"), "created_at", where),
            )
            revision.save()
            names[(_KEYS[model], obj.slug, number)] = revision.pk
    for where, obj, row in created:

        def resolve(name, label, where=where):
            if not name:
                return None
            name = _dict(name, f"{where}: {label}")
            return names.get((name.get("of"), name.get("slug"), name.get("n")))

        log = [
            {
                "action": str(move.get("action", "")),
                "from_status": move.get("from_status"),
                "to_status": move.get("to_status"),
                "user": users.get(move.get("user")),
                "note": str(move.get("note") or ""),
                "revision_id": resolve(move.get("revision"), "transition revision"),
                "created_at": _parse_moment(move.get("created_at"), "created_at", where),
            }
            for move in map(
                lambda m, where=where: _dict(m, f"{where}: transitions"),
                _list(row.get("transitions", []), f"{where}: transitions"),
            )
        ]
        for move in log:
            if move["from_status"] not in Status.values or move["to_status"] not in Status.values:
                raise ImportFailed(f"{where}: a transition has an unknown status")
            if move["action"] not in TRANSITIONS:
                raise ImportFailed(f"{where}: unknown transition {move['action'][:40]!r}")
        state = {
            "status": row["status"],
            "live": bool(row.get("live", row["status"] == Status.PUBLISHED)),
            "published_at": _moment_or_none(row["published_at"], "published_at", where),
            "first_published_at": _moment_or_none(
                row["first_published_at"], "first_published_at", where
            ),
            "created_at": _moment_or_none(row["created_at"], "created_at", where),
            "updated_at": _moment_or_none(row["updated_at"], "updated_at", where),
            "latest_revision_id": resolve(row.get("latest_revision"), "latest_revision"),
            "live_revision_id": resolve(row.get("live_revision"), "live_revision"),
        }
        dated = state["published_at"] or state["first_published_at"]
        if dated and not _may_publish(obj, options):
            # Publication dates are the workflow's: a writer's restore cannot choose them.
            state["published_at"] = state["first_published_at"] = None
            report.warnings.append(f"{where}: publication dates not imported: only an editor "
                                   "may set them")  # fmt: skip
        if state["live"] and state["published_at"] is None:
            raise ImportFailed(f"{where}: live in the export but without published_at")
        try:
            restore_state(obj, options.user, state, log)
        except PermissionDenied as error:
            raise ImportFailed(
                f"{where} is {row['status']} in the export; restoring its state and history "
                f"needs an editor ({options.hint('editor')}): {error}"
            ) from None


def _local(model, content, slugs):
    """Revision content from an export with slugs turned back into this database's ids."""

    def fields(row_model, values):
        values = _dict(values, "revision fields")
        result = {}
        for name, value in values.items():
            related = _related(row_model, name)
            result[name] = slugs.get(related, {}).get(value) if related and value else value
        return result

    local = {"fields": fields(model, content.get("fields", {}))}
    for name, entries in (content.get("children") or {}).items():
        part_model = _related_parts(model, name)
        local.setdefault("children", {})[name] = [
            {"pk": slugs[part_model].get(entry.get("pk")), "fields": fields(part_model,
                                                                           entry.get("fields"))}
            for entry in _list(entries, "revision parts")
        ]  # fmt: skip
    for name, entries in (content.get("removed") or {}).items():
        part_model = _related_parts(model, name)
        pks = [slugs[part_model].get(slug) for slug in _list(entries, "removed parts")]
        local.setdefault("removed", {})[name] = [pk for pk in pks if pk]
    return local


def _related_parts(model, name):
    if name not in getattr(model, "revision_relations", ()):
        raise ImportFailed(f"revision parts “{name}” are not parts of a {model._meta.verbose_name}")
    return model._meta.get_field(name).related_model


def _list(value, where):
    if not isinstance(value, list):
        raise ImportFailed(f"{where} must be a list")
    return value


def _dict(value, where):
    if not isinstance(value, dict):
        raise ImportFailed(f"{where} must be an object")
    return value


def _moment_or_none(value, name, where):
    return _parse_moment(value, name, where) if value else None


def _rows(data, key, fields):
    rows = data.get(key, [])
    if not isinstance(rows, list):
        raise ImportFormatError(f"“{key}” must be a list")
    for index, row in enumerate(rows):
        where = f"{key}[{index}]"
        if not isinstance(row, dict):
            raise ImportFormatError(f"{where} must be an object")
        missing = [name for name in fields if name not in row and name not in OPTIONAL_FIELDS]
        if missing:
            raise ImportFormatError(f"{where} ({row.get('slug', 'no slug')}): missing {missing}")
        yield f"{where} “{row['slug']}”", row


# What only an editor may set; a writer's import leaves them as they are.
EDITOR_FIELDS = {"reviewed_by", "last_reviewed"}


def _assign(obj, row, fields, where, options=None, report=None):
    may_publish = _may_publish(obj, options)
    for name in fields:
        if name not in row:
            continue  # an optional field the file does not have
        value = row[name]
        if name in GENERATED or name in DATETIMES:
            continue  # the workflow's and the database's: restored with the history
        _check_type(obj, name, value, where)
        if not may_publish and _writer_may_not(obj, name, value):
            report.warnings.append(f"{where}: {name} not imported: only an editor may set it")
            continue
        if name in RELATIONS:
            related = RELATIONS[name].objects.filter(slug=value).first() if value else None
            if value and related is None:
                raise ImportFailed(f"{where}: {name} “{value}” is neither in the file nor here")
            setattr(obj, name, related)
            continue
        if value and (name in DATETIMES or name == "last_reviewed"):
            value = _parse_moment(value, name, where)
        if name == "hero_image" and value and not default_storage.exists(value):
            if report is not None:
                report.warnings.append(
                    f"{where}: hero image “{value}” is not in the media storage; left out"
                )
            value = ""
        setattr(obj, name, value)


def _may_publish(obj, options):
    """Whether this import may set what only editors set (the command line always may)."""
    user = getattr(options, "user", None)
    if user is None or not hasattr(obj, "workflow_fields"):
        return True
    return can_transition(user, obj, "publish")


def _writer_may_not(obj, name, value):
    if name in EDITOR_FIELDS:
        return bool(value) or bool(getattr(obj, f"{name}_id", getattr(obj, name, None)))
    # A writer may name the author of a new article, not change someone else's.
    return name == "author" and obj.pk is not None and (getattr(obj.author, "slug", None) != value)


def _check_type(obj, name, value, where):
    """Each value of the type its field stores, or a clear error."""
    field = obj._meta.get_field(name)
    if field.is_relation or isinstance(field, models.FileField | models.DateField):
        ok, kind = value is None or isinstance(value, str), "text or null"
    elif isinstance(field, models.BooleanField):
        ok, kind = isinstance(value, bool), "true or false"
    elif isinstance(field, models.IntegerField):
        ok, kind = isinstance(value, int) and not isinstance(value, bool), "a whole number"
    elif isinstance(field, models.CharField | models.TextField):
        ok, kind = isinstance(value, str), "text"
    elif isinstance(field, models.JSONField):
        ok, kind = isinstance(value, list), "a list"
    else:
        ok, kind = True, ""
    if not ok:
        raise ImportFailed(f"{where}: {name} must be {kind}, not {json.dumps(value)[:40]}")


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
