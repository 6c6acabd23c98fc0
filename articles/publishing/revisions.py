"""Revisions: every save of the working copy, kept apart from the live version.

The row of a live item holds what readers see, so public queries stay one indexed
filter. Saving a live item writes a revision only; the workflow copies the latest
revision into the row when it is published. An item that is not live has its row
kept equal to its latest revision, so drafts read straight from the row too.

Parts shown with an item (an article's FAQ entries) are versioned in the item's
revisions: one revision is one complete, consistent version of the page.
"""

import copy
import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from .models import Revision, Status
from .text import strip_controls

UNSET = object()


class StaleRevision(Exception):
    """The form was opened on an older revision than the latest one."""

    def __init__(self, latest, base=None):
        self.latest, self.base = latest, base
        when = date_format(timezone.localtime(latest.created_at), "j M Y, H:i")
        super().__init__(
            f"{latest.author_name} saved a newer version of this item at {when}, after you "
            f"opened it. Nothing of yours was saved: your text is still in the form."
        )


# --- Content as plain data ----------------------------------------------------------


def normalize_text(value):
    """Text as the admin form stores it: \\n line endings, no surrounding white space,
    no control characters.

    Browsers post CRLF and forms strip, so other paths (imports, code) store the same
    and an unchanged save changes nothing.
    """
    if not isinstance(value, str):
        return value
    return strip_controls(value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _to_data(field, obj):
    value = field.value_from_object(obj)
    if isinstance(field, models.FileField):
        return value.name or ""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return normalize_text(value)


def _from_data(field, value):
    if value is None or isinstance(field, models.FileField):
        return value
    if isinstance(field, models.DateField | models.DateTimeField):
        return field.to_python(value)
    return value


def field_values(obj, exclude=()):
    """The item's content fields as JSON-ready data, keyed by field name."""
    return {
        field.name: _to_data(field, obj)
        for field in type(obj).content_fields()
        if field.name not in exclude
    }


def apply_fields(obj, values):
    """Set content fields from revision data and re-render the derived HTML."""
    for field in type(obj).content_fields():
        if field.name in values:
            setattr(obj, field.attname, _from_data(field, values[field.name]))
    obj.render()
    return obj


def _parent_field(obj, name):
    """The name of the foreign key by which the parts in ``name`` point at ``obj``."""
    return obj._meta.get_field(name).field.name


def snapshot(obj, children, removed=None):
    """The revision content: the item's fields and its parts' fields, in order.

    No parts and an empty list of parts are the same content, so neither makes a change.
    """
    content = {"fields": field_values(obj)}
    children = {name: parts for name, parts in (children or {}).items() if parts}
    if children:
        content["children"] = {
            name: [
                {"pk": part.pk, "fields": field_values(part, exclude={_parent_field(obj, name)})}
                for part in parts
            ]
            for name, parts in children.items()
        }
    removed = {name: sorted(pks) for name, pks in (removed or {}).items() if pks}
    if removed:
        content["removed"] = removed
    return content


# --- The working copy -----------------------------------------------------------------


def latest_content(obj):
    """The latest revision's content, or None before the first revision."""
    if obj.latest_revision_id is None:
        return None
    if obj.__dict__.get("_revision_content_id", UNSET) == obj.latest_revision_id:
        return obj._revision_content  # loaded already in this request
    content = Revision.objects.values_list("content", flat=True).get(pk=obj.latest_revision_id)
    _remember(obj, obj.latest_revision_id, content)
    return content


def _remember(obj, revision_id, content):
    obj._revision_content_id, obj._revision_content = revision_id, content


def working_copy(obj, content=UNSET):
    """The item as its latest revision has it: what editors edit and reviewers review.

    For an item that is not live, or live with no draft changes, this is the row.
    """
    if content is UNSET:
        content = latest_content(obj) if obj.has_draft_changes else None
    if content is None:
        return obj
    copied = apply_fields(copy.copy(obj), content["fields"])
    _remember(copied, obj.latest_revision_id, content)
    return copied


def working_children(obj, content=UNSET):
    """{name: [part]} as the working copy has them: rows, with a live part's pending
    content from the latest revision, and parts pending removal left out."""
    relations = obj.revision_children()
    if not relations:
        return {}
    if (
        content is UNSET
        and obj.__dict__.get("_revision_content_id", UNSET) == obj.latest_revision_id
    ):
        content = obj._revision_content
    rows = {name: list(queryset) for name, queryset in relations.items()}
    if content is UNSET:
        needed = obj.has_draft_changes or any(p.live for parts in rows.values() for p in parts)
        content = latest_content(obj) if needed else None
    content = content or {}
    result = {}
    for name, parts in rows.items():
        entries = content.get("children", {}).get(name, [])
        pending = {entry["pk"]: entry["fields"] for entry in entries}
        removed = set(content.get("removed", {}).get(name, []))
        order = {pk: index for index, pk in enumerate(pending)}
        kept = []
        for part in parts:
            if part.pk in removed and part.live:
                continue
            if part.live and part.pk in pending:
                part = apply_fields(copy.copy(part), pending[part.pk])
            kept.append(part)
        # The revision's order, then anything added since.
        kept.sort(key=lambda p: order.get(p.pk, len(order)))
        result[name] = kept
    return result


def pending_removals(obj, content=UNSET):
    if content is UNSET:
        content = latest_content(obj) if obj.has_draft_changes else None
    return {name: set(pks) for name, pks in ((content or {}).get("removed") or {}).items()}


# --- Saving ---------------------------------------------------------------------------


def save(
    obj,
    user=None,
    *,
    message="",
    children=None,
    removed=None,
    base=UNSET,
    overwrite=None,
    kind=Revision.SAVE,
    locked=False,
    **ignored,
):
    """Save ``obj`` as the working copy and return the new revision, or None if unchanged.

    ``children`` ({name: [part]}) replaces the parts' working copies; ``removed``
    ({name: [part]}) takes parts away. ``base`` is the revision the editor started
    from: a newer latest revision raises StaleRevision unless ``overwrite`` names it.
    ``locked`` says the caller already holds the row lock and ``obj`` carries the
    row's workflow fields. Workflow fields are never written here.
    """
    if user is not None and not user.has_perm(_perm(obj, "add" if obj._state.adding else "change")):
        raise PermissionDenied(f"You may not change this {obj._meta.verbose_name}.")
    # No savepoint: a failure here fails the caller's whole transaction, which is what a
    # half-saved version would need anyway.
    with transaction.atomic(savepoint=False):
        parent = obj.revision_parent()
        if obj._state.adding:
            obj.owner = obj.owner or user
            _insert(obj)
            if parent is None:
                _insert_parts(obj, children, user)
                return _record(obj, user, snapshot(obj, children), None, kind, message)
        if parent is not None:
            return _save_as_part(obj, parent, user, message, kind)
        return _save_existing(
            obj, user, message, children, removed, base, overwrite, kind, locked
        )  # fmt: skip


def _perm(obj, action):
    opts = obj._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def _insert(obj):
    # A new item starts as a draft that no one has seen, whatever the instance says.
    defaults = {f.name: f.get_default() for f in obj._meta.concrete_fields
                if f.name in type(obj).workflow_fields}  # fmt: skip
    for name, value in defaults.items():
        setattr(obj, name, value)
    obj.latest_revision = None
    _normalize(obj)
    obj.prepare()
    obj.save_row(force_insert=True)


def _insert_parts(obj, children, user=None):
    """New parts get their rows first, so the revision names them by id."""
    for name, parts in (children or {}).items():
        for part in parts:
            setattr(part, _parent_field(obj, name), obj)
            if part._state.adding:
                part.owner = part.owner or user
                _insert(part)
                part._inserted_now = True


def _normalize(obj):
    for field in type(obj).content_fields():
        value = getattr(obj, field.attname)
        if isinstance(value, str):
            setattr(obj, field.attname, normalize_text(value))
        elif hasattr(field, "tidy"):
            setattr(obj, field.attname, field.tidy(value))


def _lock(model, pk):
    return model._default_manager.select_for_update(of=("self",)).get(pk=pk)


def _save_as_part(part, parent, user, message, kind):
    """A part's content lives in its parent's revisions: save the parent's working copy
    with this part in it, keeping the parent's own draft changes."""
    parent = working_copy(_lock(type(parent), parent.pk))
    children = working_children(parent)
    for name, queryset in parent.revision_children().items():
        if isinstance(part, queryset.model):
            others = [p for p in children.get(name, []) if p.pk != part.pk]
            children[name] = sorted([*others, part], key=_part_order)
    return _save_existing(parent, user, message, children, None, UNSET, None, kind, True)


def _part_order(part):
    return (getattr(part, "order", 0), part.pk or 0)


def _check_may_edit(current, user):
    # In review, the item waits for the editor's decision: only they change it now.
    if user is not None and current.status == Status.IN_REVIEW:
        if not user.has_perm(_perm(current, "publish")):
            raise PermissionDenied(
                f"“{current}” is in review: only an editor can change it until they decide."
            )


def _save_existing(obj, user, message, children, removed, base, overwrite, kind, locked):
    model = type(obj)
    # The row lock orders this save against transitions and other saves of the item.
    # A caller that holds it already passes the row's state on ``obj``.
    current = obj if locked and obj.latest_revision_id else _lock(model, obj.pk)
    _check_may_edit(current, user)
    based_on = None
    if base is not UNSET and current.latest_revision_id != base:
        latest = Revision.objects.select_related("user").get(pk=current.latest_revision_id)
        if overwrite is None or int(overwrite) != latest.pk:
            raise StaleRevision(latest, base)
        kind, based_on = Revision.OVERWRITE, base
    previous = ensure_revision(current)
    _normalize(obj)
    # Uploads are stored before anything reads them, so the revision names the stored
    # file and renditions are made from it, not from an upload the request will close.
    commit_files(obj)
    obj.prepare()
    if not obj.slug:
        obj.slug = obj._unique_slug()
    obj.render()
    gone = {name: {part.pk for part in parts} for name, parts in (removed or {}).items()}
    if children is None:
        children = {
            name: [part for part in parts if part.pk not in gone.get(name, ())]
            for name, parts in working_children(current, previous).items()
        }
    _insert_parts(obj, children, user)
    removed_now, removed_pending = _split_removals(removed, previous, children)
    content = snapshot(obj, children, removed_pending)
    if content == previous:
        _sync_workflow(obj, current)
        return None
    revision = _new_revision(obj, user, content, previous, kind, message, based_on=based_on)
    obj.latest_revision = revision
    _write_parts(obj, children, removed_now, previous)
    if current.live and current.status == Status.PUBLISHED:
        from .workflow import transition

        # The live page stays as it is; the item now has draft changes to review.
        transition(current, "edit", user, revision=revision, locked=True,
                   also={"latest_revision": revision})  # fmt: skip
    elif current.live:
        model._default_manager.filter(pk=obj.pk).update(latest_revision=revision)
    else:
        obj.save_row(update_fields=_row_fields(model))
    current.latest_revision = revision
    _sync_workflow(obj, current)
    _remember(obj, revision.pk, content)
    return revision


def _new_revision(obj, user, content, previous, kind, message, based_on=None, created_at=None):
    model = type(obj)
    revision = Revision(
        content_type=ContentType.objects.get_for_model(model),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        content=content,
        changed=changed_labels(model, previous, content),
        kind=kind,
        based_on_id=based_on,
        user=user,
        message=message.strip(),
    )
    if created_at is not None:
        revision.created_at = created_at
    revision.save()
    return revision


def _record(obj, user, content, previous, kind, message, created_at=None):
    """A revision that becomes the latest at once (new items, and the baseline)."""
    revision = _new_revision(obj, user, content, previous, kind, message, created_at=created_at)
    type(obj)._default_manager.filter(pk=obj.pk).update(latest_revision=revision)
    obj.latest_revision = revision
    return revision


def ensure_revision(current):
    """The latest content; items from before versioning get their row recorded first."""
    content = latest_content(current)
    if content is not None:
        return content
    content = snapshot(current, working_children(current, None))
    revision = _record(current, None, content, None, Revision.BASELINE, "", current.updated_at)
    if current.live:
        type(current)._default_manager.filter(pk=current.pk).update(live_revision=revision)
        current.live_revision = revision
    return content


def _split_removals(removed, previous, children):
    """Parts to delete now (nobody sees them) and live parts to remove when published.

    A part listed in ``children`` again is no longer pending removal.
    """
    kept = {name: {part.pk for part in parts} for name, parts in children.items()}
    pending = {
        name: set(pks) - kept.get(name, set())
        for name, pks in ((previous or {}).get("removed") or {}).items()
    }
    parts = [part for group in (removed or {}).values() for part in group if part.pk]
    live = _live_pks(parts)
    now = []
    for name, group in (removed or {}).items():
        for part in group:
            if part.pk is None:
                continue
            if (type(part), part.pk) in live:
                pending.setdefault(name, set()).add(part.pk)
            else:
                now.append(part)
    return now, pending


def _live_pks(parts):
    """{(model, pk)} of the parts that are live now, read from the rows, not the instances."""
    by_model = {}
    for part in parts:
        by_model.setdefault(type(part), []).append(part.pk)
    return {
        (model, pk)
        for model, pks in by_model.items()
        for pk in model._default_manager.filter(pk__in=pks, live=True).values_list("pk", flat=True)
    }


def _write_parts(obj, children, removed_now, previous):
    """Changed parts readers cannot see are written through; live ones wait for publishing."""
    before = {
        (name, entry["pk"]): entry["fields"]
        for name, entries in ((previous or {}).get("children") or {}).items()
        for entry in entries
    }
    changed = []
    for name, parts in children.items():
        parent_field = _parent_field(obj, name)
        for part in parts:
            _normalize(part)
            if part.__dict__.pop("_inserted_now", False):
                continue
            if before.get((name, part.pk)) != field_values(part, exclude={parent_field}):
                changed.append(part)
    live = _live_pks(changed)
    for part in changed:
        if (type(part), part.pk) in live:
            commit_files(part)
        else:
            part.save_row(update_fields=_row_fields(type(part)))
    for part in removed_now:
        type(part)._default_manager.filter(pk=part.pk, live=False).delete()


def _row_fields(model):
    names = [f.name for f in (*model.content_fields(), *model.derived_fields())]
    return [*names, "updated_at", "latest_revision"]


def commit_files(obj):
    """Store new uploads now, as the row's save would, so whatever reads the item next
    (a revision, the renditions) finds the file in storage under its final name."""
    for field in type(obj).content_fields():
        if isinstance(field, models.FileField):
            field.pre_save(obj, add=False)


def _sync_workflow(obj, current):
    """Give ``obj`` the row's workflow state (attnames: no related rows are fetched)."""
    if obj is not current:
        opts = obj._meta
        for name in (*type(obj).workflow_fields, "latest_revision", "updated_at"):
            attname = opts.get_field(name).attname
            setattr(obj, attname, getattr(current, attname))
    obj.__dict__.pop("is_live", None)


# --- Publishing the working copy ------------------------------------------------------


def materialize(current):
    """Copy the working copy into the rows: on publish, and on unpublish.

    Runs inside the workflow's transaction, with ``current`` locked. Returns the id of
    the revision now held by the row (None for a part: its parent wrote it).
    """
    if current.revision_parent() is not None:
        return None  # a part: its parent's publication wrote its content
    content = ensure_revision(current)
    model = type(current)
    working = working_copy(current, content) if current.live else current
    children = working_children(current, content)
    if working is not current:
        values = {**_row_values(working), "updated_at": timezone.now()}
        model._default_manager.filter(pk=current.pk).update(**values)
        for name, value in values.items():
            setattr(current, name, value)
    for parts in children.values():
        for part in parts:
            if part.live:
                type(part)._default_manager.filter(pk=part.pk).update(**_row_values(part))
    for name, pks in pending_removals(current, content).items():
        current.revision_children()[name].filter(pk__in=pks).delete()
    return current.latest_revision_id


def _row_values(obj):
    model = type(obj)
    return {f.attname: getattr(obj, f.attname)
            for f in (*model.content_fields(), *model.derived_fields())}  # fmt: skip


def restore(obj, revision, user, message=""):
    """Make an old revision the working copy again, as a new revision; never live by itself."""
    content_type = ContentType.objects.get_for_model(obj)
    if (revision.object_id, revision.content_type_id) != (obj.pk, content_type.pk):
        raise ValueError("That revision belongs to another item.")
    model = type(obj)
    current = model._default_manager.get(pk=obj.pk)
    item = apply_fields(working_copy(current), revision.content["fields"])
    children, removed = _children_from(current, revision.content)
    when = date_format(timezone.localtime(revision.created_at), "j M Y, H:i")
    note = message or f"Restored revision {revision.pk} from {when}."
    return save(
        item, user, message=note, children=children, removed=removed,
        kind=Revision.RESTORE,
    )  # fmt: skip


def _children_from(current, content):
    """The parts as an old revision had them: rows updated, deleted ones re-created."""
    children, removed = {}, {}
    working = working_children(current)
    for name, queryset in current.revision_children().items():
        now = {part.pk: part for part in working.get(name, [])}
        # Parts pending removal are rows still: restoring brings them back.
        rows = {part.pk: part for part in queryset}
        parts = []
        for entry in content.get("children", {}).get(name, []):
            part = now.pop(entry["pk"], None) or rows.get(entry["pk"])
            if part is None:
                part = queryset.model()  # deleted since: it comes back as a new part
            parts.append(apply_fields(copy.copy(part), entry["fields"]))
        children[name], removed[name] = parts, list(now.values())
    return children, removed


# --- What changed -----------------------------------------------------------------------


def changed_labels(model, old, new):
    """Human names of what differs between two revision contents."""
    if old is None:
        return []
    labels = []
    old_fields, new_fields = old.get("fields", {}), new.get("fields", {})
    for field in model.content_fields():
        if old_fields.get(field.name) != new_fields.get(field.name):
            labels.append(str(field.verbose_name))
    old_children, new_children = old.get("children", {}), new.get("children", {})
    for name in sorted(set(old_children) | set(new_children)):
        if old_children.get(name) != new_children.get(name) or (
            old.get("removed", {}).get(name) != new.get("removed", {}).get(name)
        ):
            labels.append(str(model._meta.get_field(name).related_model._meta.verbose_name_plural))
    return labels
