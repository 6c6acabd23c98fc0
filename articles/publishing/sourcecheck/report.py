"""The sources needing attention: dead and moved addresses, with the items citing them.

Read only from what the last runs recorded: a constant number of queries, whatever the
number of sources (one for the checks, one for the items that cite).
"""

import csv
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import HttpResponse

from .models import SourceCheck
from .run import citing_models, source_urls

FILTERS = {"dead": (SourceCheck.DEAD,), "moved": (SourceCheck.MOVED,)}


@dataclass
class Row:
    check: SourceCheck
    # (item, source number) for each item citing the address.
    cited_by: list = field(default_factory=list)


def counts():
    """{"dead": n, "moved": n, "total": n}; one query."""
    found = SourceCheck.objects.aggregate(
        dead=Count("pk", filter=Q(status=SourceCheck.DEAD)),
        moved=Count("pk", filter=Q(status=SourceCheck.MOVED)),
    )
    return {**found, "total": found["dead"] + found["moved"]}


def rows(status="", live_only=False):
    """Rows for the checks needing attention, dead first, each with the items citing it;
    ``status`` "dead" or "moved" keeps one kind, ``live_only`` the live items' sources."""
    checks = SourceCheck.objects.filter(status__in=FILTERS.get(status, SourceCheck.ATTENTION))
    found = {check.url: Row(check) for check in checks.order_by("status", "first_failed_at", "url")}
    if not found:
        return []
    for model in citing_models():
        items = model._default_manager.only(
            "pk", "title", "status", "live", "sources", "published_at", "expires_at"
        )
        if live_only:
            items = items.filter(live=True)
        for item in items.order_by("title", "pk").iterator():
            for source in item.source_list:
                for url in source_urls(source):
                    if url in found:
                        found[url].cited_by.append((item, source.number))
    listed = [row for row in found.values() if row.cited_by or not live_only]
    return sorted(listed, key=lambda row: row.check.status)


def as_csv(listed, filename="sources-needing-attention.csv"):
    """The rows as a CSV download: one line per address and citing item."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["status", "address", "moved to", "http status", "failing since",
                     "checked", "item", "item id", "source number"])  # fmt: skip
    for row in listed:
        check = row.check
        common = [
            check.status, _cell(check.url), _cell(check.final_url), check.http_status or "",
            check.first_failed_at.isoformat() if check.first_failed_at else "",
            check.checked_at.isoformat(),
        ]  # fmt: skip
        for item, number in row.cited_by or [(None, "")]:
            writer.writerow([*common, _cell(str(item)) if item else "", item.pk if item else "",
                             number])  # fmt: skip
    return response


def _cell(text):
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
