"""How long the caches in front may keep a page: told only when they are purged, never
past the next scheduled change, with grace only where no Unpublish at falls inside it."""

import datetime
import re

import pytest
from django.utils import timezone

from articles.publishing.pagecache.headers import GRACE_SECONDS

VARNISH = {
    "varnish": {
        "BACKEND": "articles.publishing.pagecache.frontends.varnish.VarnishBackend",
        "LOCATION": "http://127.0.0.1:9",
    }
}
FRONT_HEADERS = ("Surrogate-Control", "CDN-Cache-Control")


def soon(seconds):
    return timezone.now() + datetime.timedelta(seconds=seconds)


def served_twice(client, url):
    """The page rendered, then from the cache: both answers, each checked as a 200."""
    first, again = client.get(url), client.get(url)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again["X-Cache"] == "HIT"
    return first, again


def seconds_of(value):
    return int(re.fullmatch(r"max-age=(\d+)(, stale-while-revalidate=\d+)?", value)[1])


def test_with_no_purge_backend_no_cache_in_front_is_told_to_keep_a_page(client, published):
    """A CDN switched on without its purge settings is told nothing it may keep: browsers'
    and proxies' max-age=0 only, on the render and on the cached copy alike."""
    for response in served_twice(client, published.get_absolute_url()):
        assert response["Cache-Control"] == "public, max-age=0"
        for name in FRONT_HEADERS:
            assert name not in response
        # The keys still go out: they let a cache keep nothing longer.
        assert f"article-{published.pk}" in response["xkey"].split()


@pytest.mark.parametrize("also", ["scheduled", "none"])
def test_a_purged_cache_in_front_keeps_a_page_until_the_next_scheduled_change(
    client, settings, make_article, publish, published, also
):
    """With a purge backend, the lifetime runs to the next item going live (or a day),
    with a minute's grace, and the CDN header says the same."""
    if also == "scheduled":
        publish(make_article("Coming next"), at=soon(3600))
    settings.FRONTEND_CACHE = VARNISH
    longest = 3600 if also == "scheduled" else 24 * 3600
    for response in served_twice(client, published.get_absolute_url()):
        control = response["Surrogate-Control"]
        assert longest - 60 <= seconds_of(control) <= longest
        assert control.endswith(f", stale-while-revalidate={GRACE_SECONDS}")
        assert response["CDN-Cache-Control"] == f"max-age={seconds_of(control)}"
        assert response["Cache-Control"] == "public, max-age=0"


def test_a_page_coming_down_soon_is_kept_in_front_no_longer_and_without_grace(
    client, settings, make_article, publish
):
    """An article whose Unpublish at is ten minutes away may be kept at most those ten
    minutes, with no grace that would show it after its time; a page listing it, too."""
    article = publish(make_article("Seasonal advice", expires_at=soon(600)))
    settings.FRONTEND_CACHE = VARNISH
    for url in (article.get_absolute_url(), "/"):
        for response in served_twice(client, url):
            control = response["Surrogate-Control"]
            assert 0 < seconds_of(control) <= 600, url
            assert "stale-while-revalidate" not in control, url
