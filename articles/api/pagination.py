"""Cursor pagination: each page ends with an opaque cursor naming where the next starts.

A cursor holds the sort values of the last item shown, so a page is one indexed read
however deep it is, and an item published or withdrawn meanwhile never shifts the rest
of the walk (an offset would repeat or skip one).
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from ninja.errors import HttpError

PAGE_SIZE = 20


@dataclass(frozen=True)
class Keyset:
    """An order of unique keys, read left to right: ``("-published_at", "-pk")``."""

    fields: tuple

    @property
    def names(self):
        return [field.lstrip("-") for field in self.fields]

    def order(self, queryset):
        return queryset.order_by(*self.fields)

    def after(self, values):
        """A filter for the rows that come after ``values`` in this order."""
        condition = Q()
        for index, field in enumerate(self.fields):
            name = field.lstrip("-")
            lookup = "lt" if field.startswith("-") else "gt"
            step = Q(**{f"{name}__{lookup}": values[index]})
            for earlier, value in zip(self.names[:index], values, strict=False):
                step &= Q(**{earlier: value})
            condition |= step
        return condition

    def encode(self, obj):
        values = [getattr(obj, name) for name in self.names]
        text = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def decode(self, cursor, kinds):
        """The values a cursor holds, typed as ``kinds`` (one callable a field); a 400
        for anything this API did not make."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            values = json.loads(raw)
            if not isinstance(values, list) or len(values) != len(self.fields):
                raise ValueError
            return [kind(value) for kind, value in zip(kinds, values, strict=True)]
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise HttpError(400, "Invalid cursor.") from None


def page(queryset, keyset, cursor, kinds, size=None):
    """(items, next cursor or None, whether the cursor named an item of the queryset).

    One query for the page (one more than it shows, to know if there is a next), and
    one for the check when a cursor is given."""
    size = size or PAGE_SIZE
    queryset = keyset.order(queryset)
    real = True
    if cursor:
        values = keyset.decode(cursor, kinds)
        real = queryset.filter(**dict(zip(keyset.names, values, strict=True))).exists()
        queryset = queryset.filter(keyset.after(values))
    items = list(queryset[: size + 1])
    following = keyset.encode(items[size - 1]) if len(items) > size else None
    return items[:size], following, real


def timestamp(value):
    if not isinstance(value, str):
        raise ValueError
    return datetime.fromisoformat(value)


def integer(value):
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError
    return value


def text(value):
    if not isinstance(value, str):
        raise ValueError
    return value
