"""Word-level differences between two revisions, field by field.

Insertions and deletions are marked with <ins> and <del> plus visually hidden
words ("added", "removed"), so the difference never rests on colour alone.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
# Beyond this many tokens a side, compare lines instead: still exact, and quick.
MAX_WORD_TOKENS = 20_000


def _tokens(text):
    return _TOKENS.findall(text or "")


def word_diff(old, new):
    """[(op, text)] with op "equal", "insert" or "delete", in reading order."""
    old, new = "" if old is None else str(old), "" if new is None else str(new)
    a, b = _tokens(old), _tokens(new)
    if max(len(a), len(b)) > MAX_WORD_TOKENS:
        a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    ops = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            ops.append(("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(("insert", "".join(b[j1:j2])))
        if tag == "equal":
            ops.append(("equal", "".join(a[i1:i2])))
    return ops


# Unchanged stretches longer than this show only their ends.
CONTEXT = 160


def _shorten(text):
    if len(text) <= 2 * CONTEXT + 20:
        return text
    return f"{text[:CONTEXT]} … {text[-CONTEXT:]}"


def render_diff(ops):
    """The diff as safe HTML; long unchanged stretches are cut to their ends."""
    ops = [(op, _shorten(text) if op == "equal" else text) for op, text in ops]
    templates = {
        "equal": "{}",
        "insert": '<ins><span class="visually-hidden">[added: </span>{}'
        '<span class="visually-hidden">]</span></ins>',
        "delete": '<del><span class="visually-hidden">[removed: </span>{}'
        '<span class="visually-hidden">]</span></del>',
    }
    return format_html_join("", "{}", ((format_html(templates[op], text),) for op, text in ops))


def changed_words(ops):
    """The words added and removed, for summaries and tests."""
    added = " ".join(text.strip() for op, text in ops if op == "insert" and text.strip())
    removed = " ".join(text.strip() for op, text in ops if op == "delete" and text.strip())
    return added, removed


@dataclass
class FieldChange:
    label: str
    old: object
    new: object
    html: str = ""
    # For a part (an FAQ entry): added, removed or changed.
    status: str = "changed"


@dataclass
class PartChange:
    label: str
    status: str  # added, removed or changed
    fields: list = field(default_factory=list)


def _display(model_field, value, labels):
    if value in (None, "", []):
        return ""
    if hasattr(model_field, "display_text"):
        return model_field.display_text(value)  # a list of sources, say: one line each
    if model_field.is_relation:
        return labels.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    return value


def _field_changes(model, old, new, labels, all_fields=False):
    changes = []
    for model_field in model.content_fields():
        name = model_field.name
        if name not in old and name not in new:
            continue
        before = _display(model_field, old.get(name), labels)
        after = _display(model_field, new.get(name), labels)
        if before == after and not all_fields:
            continue
        ops = word_diff(before, after)
        changes.append(
            FieldChange(str(model_field.verbose_name).capitalize(), before, after, render_diff(ops))
        )
    return changes


def related_labels(model, contents):
    """{(model, pk): str} for every relation the contents name: one query per model."""
    wanted = {}
    for content in contents:
        rows = [(model, content.get("fields", {}))]
        for name, parts in content.get("children", {}).items():
            part_model = model._meta.get_field(name).related_model
            rows += [(part_model, part["fields"]) for part in parts]
        for row_model, values in rows:
            for model_field in row_model.content_fields():
                value = values.get(model_field.name)
                if model_field.is_relation and value:
                    wanted.setdefault(model_field.related_model, set()).add(value)
    labels = {}
    for related, pks in wanted.items():
        for obj in related._default_manager.filter(pk__in=pks):
            labels[(related, obj.pk)] = str(obj)
    return labels


def compare(model, old, new):
    """(field changes, part changes) between two revision contents of ``model``."""
    labels = related_labels(model, [old, new])
    fields = _field_changes(model, old.get("fields", {}), new.get("fields", {}), labels)
    parts = []
    names = sorted(set(old.get("children", {})) | set(new.get("children", {})))
    for name in names:
        part_model = model._meta.get_field(name).related_model
        before = {p["pk"]: p["fields"] for p in old.get("children", {}).get(name, [])}
        after = {p["pk"]: p["fields"] for p in new.get("children", {}).get(name, [])}
        kind = str(part_model._meta.verbose_name)
        for pk, values in after.items():
            title = values.get("title", "")
            if pk not in before:
                changes = _field_changes(part_model, {}, values, labels)
                parts.append(PartChange(f"{kind} “{title}”", "added", changes))
            elif before[pk] != values:
                changes = _field_changes(part_model, before[pk], values, labels)
                parts.append(PartChange(f"{kind} “{title}”", "changed", changes))
        pending = set(new.get("removed", {}).get(name, []))
        for pk, values in before.items():
            if pk not in after:
                status = "removed when published" if pk in pending else "removed"
                changes = _field_changes(part_model, values, {}, labels)
                parts.append(PartChange(f"{kind} “{values.get('title', '')}”", status, changes))
    return fields, parts
