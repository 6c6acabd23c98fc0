"""Pages of long lists at the same cost on page 1 and page 10,000.

The count is made once per content generation (see pagecache), not on every view, and a
deep page reads its ids first, which the database answers from an index alone, then
loads only its own rows with their joins, rather than joining every row it skips.
"""

from django.core import paginator
from django.utils.functional import cached_property

from . import pagecache

# Up to this many rows skipped, one query with its joins is cheaper than two.
SHALLOW = 500


class Paginator(paginator.Paginator):
    def __init__(self, object_list, per_page, *args, key="", **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.key = key

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
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = self.object_list.order_by().in_bulk(ids)
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


class PaginatedMixin:
    """For a ListView: the paginator above, counting per address."""

    paginator_class = Paginator

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kw):
        return self.paginator_class(
            queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page,
            key=self.request.path, **kw,
        )  # fmt: skip
