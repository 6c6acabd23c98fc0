"""What the last check of each cited address found."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format


def url_key(url):
    """The address's SHA-256, the row's unique key: addresses run to 2,000 characters."""
    return hashlib.sha256(url.encode()).hexdigest()


class SourceCheck(models.Model):
    OK, MOVED, SLOW, UNREACHABLE, DEAD, REFUSED = (
        "ok", "moved", "slow", "unreachable", "dead", "refused",
    )  # fmt: skip
    STATUSES = [
        (OK, "OK"),
        (MOVED, "moved permanently"),
        (SLOW, "slow"),
        # Failed, but fewer times in a row than makes it dead; or the site would not answer
        # the checker (401, 403, 429).
        (UNREACHABLE, "unreachable"),
        (DEAD, "dead"),
        # Not an address the checker fetches: a private network, or a non-web redirect.
        (REFUSED, "not checked"),
    ]
    # What an editor should act on.
    ATTENTION = (DEAD, MOVED)

    url_hash = models.CharField(max_length=64, unique=True, editable=False)
    url = models.TextField()
    status = models.CharField(max_length=12, choices=STATUSES)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.TextField(blank=True)
    # Whether the redirects to final_url were all permanent (301, 308).
    permanent = models.BooleanField(default=False)
    error = models.CharField(max_length=200, blank=True)
    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    failures = models.PositiveIntegerField("failures in a row", default=0)
    first_failed_at = models.DateTimeField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status"], name="sourcecheck_status")]

    def __str__(self):
        return f"{self.url}: {self.get_status_display()}"

    def save(self, *args, **kwargs):
        self.url_hash = url_key(self.url)
        super().save(*args, **kwargs)

    @property
    def needs_attention(self):
        return self.status in self.ATTENTION

    @property
    def summary(self):
        """One line for an editor: "Link OK, checked 3 Dec", "Dead since 1 Dec (404)"."""
        checked = date_format(timezone.localtime(self.checked_at), "j M")
        code = f" ({self.http_status})" if self.http_status else ""
        reason = code or (f" ({self.error})" if self.error else "")
        if self.status == self.DEAD:
            since = date_format(timezone.localtime(self.first_failed_at or self.checked_at), "j M")
            return f"Dead since {since}{reason}"
        if self.status == self.MOVED:
            return f"Moved permanently to {self.final_url}"
        if self.status == self.SLOW:
            return f"Slow ({self.response_ms} ms), checked {checked}"
        if self.status == self.UNREACHABLE:
            if self.failures:
                return f"Failed on {checked}{reason}; checked again tomorrow"
            return f"The site would not answer the checker{reason}, checked {checked}"
        if self.status == self.REFUSED:
            return f"Not checked: {self.error or 'not a public web address'}"
        return f"Link OK, checked {checked}"


def for_urls(urls):
    """{url: SourceCheck} for those of ``urls`` that have been checked; one query."""
    urls = [url for url in dict.fromkeys(urls) if url]
    if not urls:
        return {}
    rows = SourceCheck.objects.filter(url_hash__in=[url_key(url) for url in urls])
    return {row.url: row for row in rows}


def dead_after():
    return max(1, settings.LINK_CHECK_DEAD_AFTER)
