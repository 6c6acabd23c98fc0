"""Telling search engines through IndexNow which addresses changed, from the task worker.

Events add their page's address to a short list; a submission SUBMIT_AFTER later sends
all that gathered in one POST (at most BATCH addresses each) to settings.INDEXNOW_ENDPOINT.
The key file, /<INDEXNOW_KEY>.txt, proves the site is ours. Off while INDEXNOW_KEY is
empty (development). A submission that gets no answer, 429 or 5xx keeps its addresses for
a try RETRY_AFTER later; other refusals (a wrong key, 403 or 422) drop them and log why.

Sitemaps are not pinged: Google retired its sitemap ping in 2023, and Bing takes IndexNow.
"""

import datetime
import json
import logging
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.db import models, transaction
from django.http import Http404, HttpResponse
from django.tasks import task
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .schedule import queue_by
from .sourcecheck.fetch import refusal

logger = logging.getLogger(__name__)

# IndexNow takes at most 10,000 addresses a request.
BATCH = 10_000
SUBMIT_AFTER = datetime.timedelta(seconds=5)
RETRY_AFTER = datetime.timedelta(minutes=10)
TIMEOUT = urllib3.Timeout(connect=3, read=10)


class IndexNowUrl(models.Model):
    """An address waiting for the next submission."""

    url = models.TextField()
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "articles"
        verbose_name = "IndexNow address"

    def __str__(self):
        return self.url


def enabled():
    return bool(settings.INDEXNOW_KEY)


def add(urls):
    """Gather ``urls`` for the submission due in SUBMIT_AFTER."""
    if not enabled() or not urls:
        return
    now = timezone.now()
    IndexNowUrl.objects.bulk_create(IndexNowUrl(url=url, added_at=now) for url in urls)
    queue_by(submit, now + SUBMIT_AFTER)


def body(urls):
    host = urlsplit(settings.SITE_URL).hostname
    return {
        "host": host,
        "key": settings.INDEXNOW_KEY,
        "keyLocation": f"{settings.SITE_URL}/{settings.INDEXNOW_KEY}.txt",
        "urlList": urls,
    }


def post(data):
    """The endpoint's status for one submission; raises when no answer came."""
    endpoint = settings.INDEXNOW_ENDPOINT
    if reason := refusal(endpoint, allow_private=settings.OUTBOUND_ALLOW_PRIVATE):
        raise ValueError(f"IndexNow endpoint refused: {reason}")
    response = urllib3.request(
        "POST", endpoint, body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        timeout=TIMEOUT, retries=False, redirect=False,
    )  # fmt: skip
    return response.status


@task()
def submit():
    """Send what has gathered, BATCH addresses a request; return how many were accepted."""
    if not enabled():
        return 0
    sent = 0
    while True:
        rows = list(IndexNowUrl.objects.order_by("pk").values_list("pk", "url")[:BATCH])
        if not rows:
            return sent
        urls = list(dict.fromkeys(url for _, url in rows))
        try:
            status = post(body(urls))
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as error:
            status, reason = None, f"{type(error).__name__}: {error}"
        else:
            reason = f"HTTP {status}"
        if status is None or status == 429 or status >= 500:
            logger.warning("IndexNow submission of %s addresses failed: %s", len(urls), reason)
            queue_by(submit, timezone.now() + RETRY_AFTER)
            return sent
        with transaction.atomic():
            IndexNowUrl.objects.filter(pk__lte=rows[-1][0]).delete()
        if status in (200, 202):
            sent += len(urls)
        else:
            logger.error("IndexNow refused %s addresses: %s", len(urls), reason)


# Never kept by the page cache: a key changed in the settings must stop answering at once.
@never_cache
def key_file(request, key):
    """/<INDEXNOW_KEY>.txt: the key as plain text, which IndexNow fetches to trust us."""
    if not enabled() or key != settings.INDEXNOW_KEY:
        raise Http404
    return HttpResponse(settings.INDEXNOW_KEY, content_type="text/plain; charset=utf-8")
