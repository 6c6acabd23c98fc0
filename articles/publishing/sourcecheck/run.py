"""The daily check of every cited address, run by the task worker.

Every source of every article row is read (live pages, and drafts and items in review
as last saved: one query, so drafts cost nothing extra), and each distinct address is
checked: the source's URL, its DOI at doi.org and its PubMed page. The least recently
checked go first, up to settings.LINK_CHECK_MAX_PER_RUN, hosts taken in turn so the
per-host interval rarely makes the run wait. Rows of addresses no longer cited go.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.tasks import task
from django.utils import timezone

from ..schedule import next_daily, queue_once
from ..sources import SourcesField, entries
from . import fetch
from .models import SourceCheck, dead_after, url_key

# The daily run's local time: before the reminders and the working day.
RUN_AT = datetime.time(4, 30)
# A run leaves alone what an earlier one checked this recently (a second run the same
# day adds no failure in a row, so one bad hour never makes an address dead).
RECHECK_AFTER = datetime.timedelta(hours=20)


def citing_models():
    """The models with a list of sources (articles)."""
    return [
        model
        for model in apps.get_models()
        if any(isinstance(f, SourcesField) for f in model._meta.concrete_fields)
    ]


def source_urls(source):
    """The addresses one source (sources.Source) is checked at."""
    return [url for url in (source.url, source.doi_url, source.pubmed_url) if url]


def cited():
    """{url: [(model, pk)]} for every address any item cites."""
    found = defaultdict(list)
    for model in citing_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, SourcesField)]
        for pk, *lists in model._default_manager.values_list("pk", *names).iterator():
            for value in lists:
                for source in entries(value):
                    for url in source_urls(source):
                        found[url].append((model, pk))
    return found


@dataclass
class Summary:
    cited: int = 0
    checked: int = 0
    requests: int = 0
    removed: int = 0
    statuses: dict = field(default_factory=dict)
    # The shortest time seen between two requests to one host, in seconds.
    closest: float | None = None

    def as_dict(self):
        return {**self.__dict__}


def _interleaved(urls):
    """``urls`` with their hosts taken in turn: a, b, c, a, b, a…"""
    by_host = defaultdict(list)
    for url in urls:
        by_host[urlsplit(url).hostname or ""].append(url)
    queues = list(by_host.values())
    ordered = []
    for index in range(max((len(q) for q in queues), default=0)):
        ordered += [q[index] for q in queues if index < len(q)]
    return ordered


def check_all(now=None, checker=None, limit=None, recheck_after=RECHECK_AFTER):
    """Check what is due; return a Summary."""
    now = now or timezone.now()
    checker = checker or fetch.Checker()
    limit = settings.LINK_CHECK_MAX_PER_RUN if limit is None else limit
    urls = cited()
    keys = {url_key(url): url for url in urls}
    gone = [pk for pk, key in SourceCheck.objects.values_list("pk", "url_hash") if key not in keys]
    for start in range(0, len(gone), 500):
        SourceCheck.objects.filter(pk__in=gone[start : start + 500]).delete()
    rows = {row.url_hash: row for row in SourceCheck.objects.all()}
    never = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    due = [
        url
        for url in urls
        if url_key(url) not in rows or rows[url_key(url)].checked_at <= now - recheck_after
    ]
    due.sort(key=lambda url: rows[url_key(url)].checked_at if url_key(url) in rows else never)
    summary = Summary(cited=len(urls), removed=len(gone))
    for url in _interleaved(due[: max(limit, 0)]):
        row = record(rows.get(url_key(url)) or SourceCheck(url=url), checker.check(url), now)
        summary.checked += 1
        summary.statuses[row.status] = summary.statuses.get(row.status, 0) + 1
    summary.requests = checker.throttle.requests
    summary.closest = checker.throttle.closest()
    return summary


def record(row, result, now):
    """Weigh ``result`` against the row's earlier checks, and save it."""
    row.checked_at = now
    row.http_status = result.http_status
    row.final_url = result.final_url if result.final_url != row.url else ""
    row.permanent = result.permanent
    row.error = result.error[:200]
    row.response_ms = round(result.seconds * 1000) if result.http_status else None
    if result.outcome == fetch.FAILED:
        row.failures += 1
        row.first_failed_at = row.first_failed_at or now
        row.status = SourceCheck.DEAD if row.failures >= dead_after() else SourceCheck.UNREACHABLE
    else:
        row.failures, row.first_failed_at = 0, None
        if result.outcome == fetch.REFUSED:
            row.status = SourceCheck.REFUSED
        elif result.outcome == fetch.BLOCKED:
            row.status = SourceCheck.UNREACHABLE
        elif result.moved:
            row.status = SourceCheck.MOVED
        elif result.seconds > settings.LINK_CHECK_SLOW_SECONDS:
            row.status = SourceCheck.SLOW
        else:
            row.status = SourceCheck.OK
    row.save()
    return row


def schedule(now=None):
    """Queue the next daily run unless one is queued already; returns its time."""
    return queue_once(check_sources, next_daily(RUN_AT, now or timezone.now()))


@task()
def check_sources():
    """The daily run: check what is due, then queue tomorrow's run."""
    summary = check_all()
    schedule()
    return summary.as_dict()
