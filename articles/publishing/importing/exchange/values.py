"""Field values in and out of the document: related rows by slug (people by username),
dates in ISO 8601, files by their name in the media storage."""

import json

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime

from ..base import ImportFailed
from ..formats import ImportFormatError
from .fields import OPTIONAL


def natural(obj):
    """A related row's name in the document."""
    if obj is None:
        return None
    if isinstance(obj, get_user_model()):
        return obj.get_username()
    return getattr(obj, "slug", None) or obj.file.name  # a library image: its file


def find(model, name):
    """The row named ``name`` in the document, or None."""
    if model is get_user_model():
        return model._default_manager.filter(**{model.USERNAME_FIELD: name}).first()
    if not any(field.name == "slug" for field in model._meta.fields):
        return model._default_manager.filter(file=name).first()  # a library image
    return model._default_manager.filter(slug=name).first()


def dump(obj, fields):
    row = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, name)
        if field.many_to_many:
            value = sorted(str(related) for related in value.all())
        elif field.is_relation:
            value = natural(value)
        elif isinstance(field, models.FileField):
            value = value.name or ""
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        row[name] = value
    return row


def assign(obj, row, fields, where, report):
    """Set ``fields`` of ``obj`` from ``row``, each checked for its type first."""
    for name in fields:
        if name not in row:
            continue  # a field added since the file was written: left as it is
        field = obj._meta.get_field(name)
        value = row[name]
        check_type(field, value, where)
        if field.is_relation:
            related = find(field.related_model, value) if value else None
            if value and related is None:
                if field.related_model is not get_user_model():
                    raise ImportFailed(f"{where}: {name} “{value}” is neither in the file nor here")
                report.warnings.append(f"{where}: {name} “{value}” has no account here; left empty")
            setattr(obj, name, related)
            continue
        if isinstance(field, models.DateField):
            value = parse_moment(value, field, where) if value else None
        elif isinstance(field, models.FileField) and value and not default_storage.exists(value):
            label = f"{where}: {field.verbose_name} “{value}”"
            report.warnings.append(f"{label} is not in the media storage; left out")
            value = ""
        setattr(obj, name, value)


def check_type(field, value, where):
    """Each value of the type its field stores, or a clear error."""
    if value is None and (field.null or field.is_relation):
        return
    if field.is_relation or isinstance(field, models.FileField | models.DateField):
        ok, kind = value is None or isinstance(value, str), "text or null"
    elif isinstance(field, models.BooleanField):
        ok, kind = isinstance(value, bool), "true or false"
    elif isinstance(field, models.FloatField):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        kind = "a number"
    elif isinstance(field, models.IntegerField):
        ok, kind = isinstance(value, int) and not isinstance(value, bool), "a whole number"
    elif isinstance(field, models.CharField | models.TextField):
        ok, kind = isinstance(value, str), "text"
    elif isinstance(field, models.JSONField):
        ok, kind = isinstance(value, list), "a list"
    else:
        ok, kind = True, ""
    if not ok:
        raise ImportFailed(f"{where}: {field.name} must be {kind}, not {json.dumps(value)[:40]}")


def parse_moment(value, field, where):
    """A date or a date and time, as the field stores it, or a clear error."""
    date_only = not isinstance(field, models.DateTimeField)
    parse = parse_date if date_only else parse_datetime
    try:
        parsed = parse(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        kind = "date (YYYY-MM-DD)" if date_only else "ISO 8601 date and time"
        raise ImportFailed(f"{where}: {field.name} {value!r} is not a valid {kind}")
    return parsed


def moment(model, name, value, where):
    """``value`` parsed for ``model``'s field ``name``; None stays None where allowed."""
    field = model._meta.get_field(name)
    if not value and not field.null:
        raise ImportFailed(f"{where}: {name} is missing")
    return parse_moment(value, field, where) if value else None


def rows(data, key, fields):
    """The rows of the document's list ``key``, each with where it is, for messages."""
    found = data.get(key, [])
    if not isinstance(found, list):
        raise ImportFormatError(f"“{key}” must be a list")
    for index, row in enumerate(found):
        where = f"{key}[{index}]"
        if not isinstance(row, dict):
            raise ImportFormatError(f"{where} must be an object")
        missing = [name for name in fields if name not in row and name not in OPTIONAL]
        if missing:
            raise ImportFormatError(f"{where} ({row.get('slug', 'no slug')}): missing {missing}")
        name = row.get("slug") or row.get("username") or row.get("old_path") or ""
        yield f"{where} “{name}”", row


def as_list(value, where):
    if not isinstance(value, list):
        raise ImportFailed(f"{where} must be a list")
    return value


def as_dict(value, where):
    if not isinstance(value, dict):
        raise ImportFailed(f"{where} must be an object")
    return value
