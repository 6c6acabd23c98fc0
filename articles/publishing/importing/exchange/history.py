"""Each item's own record: revisions, workflow log, comments and review reminders.

Ids are made portable: a revision is named by its item and its place in that item's
history (1 is the oldest), a reply by its place in the item's comments, and relations
inside revision content by slug (a library image, there and in a body, by its file's
name). Restored only for items the restore creates: an item that exists here keeps its
own record.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied

from articles.models import Article, Author, Image, Status, Topic, part_model
from articles.publishing.models import Comment, ReviewReminder, Revision, Transition
from articles.publishing.workflow import TRANSITIONS, restore_state

from ..base import ImportFailed
from . import library
from .fields import REVIEW_STATE
from .values import as_dict, as_list, find, moment, natural

FAQEntry = part_model("faqs")  # through the reverse relation: no import of faq
KEYS = {Article: "articles", FAQEntry: "faqs"}


def _related(model, name):
    """The related model of a relation field of ``model`` (kept by slug), or None."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # content from another version may name anything
        return None
    return field.related_model if field.is_relation and field.many_to_one else None


def _related_parts(model, name):
    if name not in getattr(model, "revision_relations", ()):
        raise ImportFailed(f"revision parts “{name}” are not parts of a {model._meta.verbose_name}")
    return model._meta.get_field(name).related_model


class Record:
    """The record of the exported items, read in a few queries for all of them."""

    def __init__(self, items):
        self.slugs = {
            model: dict(model._default_manager.values_list("pk", "slug"))
            for model in (Article, FAQEntry, Author, Topic)
        }
        # A library image is named by its file.
        self.slugs[Image] = dict(Image.objects.values_list("pk", "file"))
        self.revisions, self.names = {}, {}
        self.transitions, self.comments, self.reminders = {}, {}, {}
        by_type = {}
        for item in items:
            by_type.setdefault(type(item), []).append(item.pk)
        for model, pks in by_type.items():
            content_type = ContentType.objects.get_for_model(model)
            mine = {"content_type": content_type, "object_id__in": pks}
            rows = Revision.objects.filter(**mine).select_related("user")
            for revision in rows.order_by("created_at", "pk"):
                own = self.revisions.setdefault((model, revision.object_id), [])
                own.append(revision)
                self.names[revision.pk] = {
                    "of": KEYS[model], "slug": self.slugs[model][revision.object_id],
                    "n": len(own),
                }  # fmt: skip
            for key, rows in (
                (self.transitions, Transition.objects.filter(**mine).select_related("user")),
                (self.comments, Comment.objects.filter(**mine).select_related(
                    "user", "resolved_by")),
                (self.reminders, ReviewReminder.objects.filter(**mine)),
            ):  # fmt: skip
                for row in rows.order_by("created_at", "pk"):
                    key.setdefault((model, row.object_id), []).append(row)

    def name(self, revision_id):
        return self.names.get(revision_id) if revision_id else None

    def dump(self, obj):
        model = type(obj)
        comments = self.comments.get((model, obj.pk), [])
        places = {comment.pk: number for number, comment in enumerate(comments)}
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
                    "user": natural(revision.user),
                    "message": revision.message,
                    "created_at": revision.created_at.isoformat(),
                }
                for revision in self.revisions.get((model, obj.pk), [])
            ],
            "transitions": [
                {
                    "action": move.action,
                    "from_status": move.from_status,
                    "to_status": move.to_status,
                    "user": natural(move.user),
                    "note": move.note,
                    "revision": self.name(move.revision_id),
                    "created_at": move.created_at.isoformat(),
                }
                for move in self.transitions.get((model, obj.pk), [])
            ],
            "comments": [
                {
                    "parent": places.get(comment.parent_id),
                    "user": natural(comment.user),
                    "field": comment.field,
                    "text": comment.text,
                    "created_at": comment.created_at.isoformat(),
                    "resolved_at": comment.resolved_at and comment.resolved_at.isoformat(),
                    "resolved_by": natural(comment.resolved_by),
                }
                for comment in comments
            ],
            "reminders": [
                {
                    "due": reminder.due.isoformat(),
                    "kind": reminder.kind,
                    "created_at": reminder.created_at.isoformat(),
                }
                for reminder in self.reminders.get((model, obj.pk), [])
            ],
        }

    def portable(self, model, content):
        """Revision content with every id replaced by a slug."""

        def fields(row_model, values):
            result = {
                name: self.slugs[related].get(value)
                if (related := _related(row_model, name)) and value is not None
                else value
                for name, value in values.items()
            }
            if row_model is Article and "body" in result:
                result["body"] = library.portable_body(result["body"], self.slugs[Image])
            return result

        result = {"fields": fields(model, content.get("fields", {}))}
        for name, entries in (content.get("children") or {}).items():
            part = model._meta.get_field(name).related_model
            result.setdefault("children", {})[name] = [
                {"pk": self.slugs[part].get(entry["pk"]), "fields": fields(part, entry["fields"])}
                for entry in entries
            ]
        for name, pks in (content.get("removed") or {}).items():
            part = model._meta.get_field(name).related_model
            result.setdefault("removed", {})[name] = [self.slugs[part].get(pk) for pk in pks]
        return result


def restore(created, options, report, may_publish):
    """Revisions first (all items, as revisions name each other), then each item's
    pointers, state, dates, log, comments and reminders."""
    User = get_user_model()
    users = {u.get_username(): u for u in User._default_manager.all()}
    slugs = {
        model: dict(model._default_manager.values_list("slug", "pk"))
        for model in (Article, FAQEntry, Author, Topic)
    }
    slugs[Image] = dict(Image.objects.values_list("file", "pk"))
    names, bases = {}, []
    for where, obj, row in created:
        model = type(obj)
        content_type = ContentType.objects.get_for_model(model)
        entries = as_list(row.get("revisions", []), f"{where}: revisions")
        for number, entry in enumerate(entries, start=1):
            entry = as_dict(entry, f"{where}: revisions[{number - 1}]")
            content = as_dict(entry.get("content"), f"{where}: revision {number}")
            revision = Revision(
                content_type=content_type,
                object_id=obj.pk,
                object_repr=str(obj)[:200],
                content=_local(model, content, slugs),
                changed=entry.get("changed") or [],
                kind=entry.get("kind") or Revision.SAVE,
                user=users.get(entry.get("user")),
                message=str(entry.get("message") or ""),
                created_at=moment(Revision, "created_at", entry.get("created_at"), where),
            )
            revision.save()
            names[(KEYS[model], obj.slug, number)] = revision.pk
            bases.append((revision, entry.get("based_on"), where))
    # A revision names the one it was based on, restored above in any order.
    for revision, base, where in bases:
        if base:
            base = as_dict(base, f"{where}: based_on")
            revision.based_on_id = names.get((base.get("of"), base.get("slug"), base.get("n")))
            Revision.objects.filter(pk=revision.pk).update(based_on_id=revision.based_on_id)

    for where, obj, row in created:

        def resolve(name, label, where=where):
            if not name:
                return None
            name = as_dict(name, f"{where}: {label}")
            return names.get((name.get("of"), name.get("slug"), name.get("n")))

        log = [_move(move, users, resolve, where) for move in _entries(row, "transitions", where)]
        state = _state(type(obj), row, resolve, where)
        if may_publish(obj):
            state.update(_review_state(type(obj), row, where))
        elif named := [name for name in REVIEW_STATE if row.get(name)]:
            report.warnings.append(f"{where}: {' and '.join(named)} not imported: only an "
                                   "editor may restore a medical sign-off")  # fmt: skip
        dated = state["published_at"] or state["first_published_at"]
        if dated and not may_publish(obj):
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
        _restore_comments(obj, _entries(row, "comments", where), users, where)
        _restore_reminders(obj, _entries(row, "reminders", where), where)


def _entries(row, key, where):
    return [
        as_dict(entry, f"{where}: {key}[{index}]")
        for index, entry in enumerate(as_list(row.get(key, []), f"{where}: {key}"))
    ]


def _move(move, users, resolve, where):
    entry = {
        "action": str(move.get("action", "")),
        "from_status": move.get("from_status"),
        "to_status": move.get("to_status"),
        "user": users.get(move.get("user")),
        "note": str(move.get("note") or ""),
        "revision_id": resolve(move.get("revision"), "transition revision"),
        "created_at": moment(Transition, "created_at", move.get("created_at"), where),
    }
    if entry["from_status"] not in Status.values or entry["to_status"] not in Status.values:
        raise ImportFailed(f"{where}: a transition has an unknown status")
    if entry["action"] not in TRANSITIONS:
        raise ImportFailed(f"{where}: unknown transition {entry['action'][:40]!r}")
    if entry["created_at"] is None:
        raise ImportFailed(f"{where}: a transition has no created_at")
    return entry


def _state(model, row, resolve, where):
    return {
        "status": row["status"],
        "live": bool(row.get("live", row["status"] == Status.PUBLISHED)),
        **{
            name: moment(model, name, row[name], where)
            for name in ("published_at", "first_published_at", "created_at", "updated_at")
        },
        # Absent from older files: nothing was in the trash then.
        "trashed_at": moment(model, "trashed_at", row.get("trashed_at"), where),
        "latest_revision_id": resolve(row.get("latest_revision"), "latest_revision"),
        "live_revision_id": resolve(row.get("live_revision"), "live_revision"),
    }


def _review_state(model, row, where):
    """The sign-off's record as exported; fields the file does not have are left out."""
    state = {}
    for name in REVIEW_STATE:
        if name not in row:
            continue
        field, value = model._meta.get_field(name), row[name]
        if name == "reviewed_by":
            author = find(Author, value) if value else None
            if value and author is None:
                message = f"{where}: reviewed_by “{value}” is neither in the file nor here"
                raise ImportFailed(message)
            state["reviewed_by_id"] = author and author.pk
        elif field.get_internal_type() == "DateField":
            state[name] = moment(model, name, value, where)
        elif isinstance(value, str):
            state[name] = value[: field.max_length]
        else:
            raise ImportFailed(f"{where}: {name} must be text")
    return state


def _restore_comments(obj, entries, users, where):
    content_type = ContentType.objects.get_for_model(obj)
    made = []
    for number, entry in enumerate(entries):
        parent = entry.get("parent")
        if parent is not None and not (isinstance(parent, int) and 0 <= parent < number):
            raise ImportFailed(f"{where}: comment {number + 1} replies to one not before it")
        comment = Comment.objects.create(
            content_type=content_type,
            object_id=obj.pk,
            parent=made[parent] if parent is not None else None,
            user=users.get(entry.get("user")),
            field=str(entry.get("field") or "")[:100],
            text=str(entry.get("text") or ""),
            created_at=moment(Comment, "created_at", entry.get("created_at"), where),
            resolved_at=moment(Comment, "resolved_at", entry.get("resolved_at"), where),
            resolved_by=users.get(entry.get("resolved_by")),
        )
        made.append(comment)


def _restore_reminders(obj, entries, where):
    content_type = ContentType.objects.get_for_model(obj)
    kinds = {value for value, _label in ReviewReminder._meta.get_field("kind").choices}
    for entry in entries:
        if entry.get("kind") not in kinds:
            raise ImportFailed(f"{where}: a review reminder of unknown kind")
        ReviewReminder.objects.get_or_create(
            content_type=content_type,
            object_id=obj.pk,
            due=moment(ReviewReminder, "due", entry.get("due"), where),
            kind=entry["kind"],
            defaults={
                "created_at": moment(ReviewReminder, "created_at", entry.get("created_at"), where)
            },
        )


def _local(model, content, slugs):
    """Revision content from an export with slugs turned back into this database's ids."""

    def fields(row_model, values):
        values = as_dict(values, "revision fields")
        result = {}
        for name, value in values.items():
            related = _related(row_model, name)
            result[name] = slugs.get(related, {}).get(value) if related and value else value
        if row_model is Article and "body" in result:
            result["body"] = library.local_body(result["body"], slugs[Image])
        return result

    local = {"fields": fields(model, content.get("fields", {}))}
    for name, entries in (content.get("children") or {}).items():
        part = _related_parts(model, name)
        local.setdefault("children", {})[name] = [
            {"pk": slugs[part].get(entry.get("pk")), "fields": fields(part, entry.get("fields"))}
            for entry in (as_dict(e, "revision part") for e in as_list(entries, "revision parts"))
        ]
    for name, entries in (content.get("removed") or {}).items():
        part = _related_parts(model, name)
        pks = [slugs[part].get(slug) for slug in as_list(entries, "removed parts")]
        local.setdefault("removed", {})[name] = [pk for pk in pks if pk]
    return local
