"""Pages of long lists at the same cost on page 1 and page 10,000.

The count is made once per content generation (see pagecache), not on every view, and a
deep page reads its ids first, which the database answers from an index alone, then
loads only its own rows with their joins, rather than joining every row it skips.

For a list ordered on ``keyset`` fields (newest first, all descending, unless it is
ascending; the last one unique), the position of every STEP-th row is also kept per
generation, so a deep page starts from the nearest such checkpoint: it skips fewer than
STEP index entries, at page 10 or page 10,000.
"""

from django.core import paginator
from django.db import connections
from django.db.models import BooleanField, F, IntegerField, Window
from django.db.models.expressions import ExpressionWrapper, RawSQL
from django.db.models.functions import RowNumber
from django.utils.functional import cached_property

from . import pagecache

# Up to this many rows skipped, one query with its joins is cheaper than two.
SHALLOW = 500
# Rows between checkpoints.
STEP = 1000


class Paginator(paginator.Paginator):
    def __init__(self, object_list, per_page, *args, key="", keyset=(), ascending=False, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.key = key
        self.keyset = keyset
        # Lists run newest first; a sitemap section runs oldest first, so its pages keep.
        self.ascending = ascending

    @cached_property
    def count(self):
        if not self.key:
            return super().count
        return pagecache.memo(f"count:{self.key}", lambda: paginator.Paginator.count.func(self))

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom < SHALLOW:
            return self._get_page(self.object_list[bottom:top], number, self)
        rows, skip = self.object_list, bottom
        checkpoints = self._checkpoints() if self.keyset and self.key else []
        if passed := min(bottom // STEP, len(checkpoints)):
            rows, skip = rows.filter(self._after(checkpoints[passed - 1])), bottom - passed * STEP
        if skip < SHALLOW:
            # Near a checkpoint: one query, as for a shallow page.
            return self._get_page(rows[skip : skip + top - bottom], number, self)
        ids = list(rows.values_list("pk", flat=True)[skip : skip + top - bottom])
        # Models or rows (a values_list naming "pk"), as the list holds them.
        found = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)

    def _checkpoints(self):
        """The keyset values of rows STEP, 2×STEP…: made once per content generation."""

        def find():
            order = [F(name).asc() if self.ascending else F(name).desc() for name in self.keyset]
            numbered = self.object_list.order_by().annotate(
                row_number=Window(RowNumber(), order_by=order),
                step=ExpressionWrapper(F("row_number") % STEP, output_field=IntegerField()),
            )
            marks = numbered.filter(step=0).values_list("row_number", *self.keyset)
            return [values for _, *values in sorted(marks)]

        return pagecache.memo(f"checkpoints:{self.key}", find)

    def _after(self, values):
        """Rows after the one with these keyset values, as one row comparison the index
        answers directly."""
        opts = self.object_list.model._meta
        fields = [opts.pk if name == "pk" else opts.get_field(name) for name in self.keyset]
        columns = ", ".join(f"{opts.db_table}.{field.column}" for field in fields)
        marks = ", ".join("%s" for _ in values)
        # As the database stores them (SQLite compares dates as text).
        database = connections[self.object_list.db]
        values = [f.get_db_prep_value(v, database) for f, v in zip(fields, values, strict=True)]
        # Column names from the model; the values go as parameters.
        after = ">" if self.ascending else "<"
        return RawSQL(f"({columns}) {after} ({marks})", values, output_field=BooleanField())  # noqa: S611


class PaginatedMixin:
    """For a ListView: the paginator above, counting per address."""

    paginator_class = Paginator
    # Its pages are numbered by ?page= (read by the page cache, see pagecache/middleware.py).
    paginates = True

    # The list's order, newest first, for checkpoints (see Paginator); empty for none.
    keyset = ()

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kw):
        return self.paginator_class(
            queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page,
            key=self.request.path, keyset=self.keyset, **kw,
        )  # fmt: skip
