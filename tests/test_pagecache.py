"""Readers' pages come from the cache, and every change readers would see renders afresh."""

import datetime
import logging
import time

import pytest
from django.contrib.redirects.models import Redirect
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from articles.models import Article
from articles.publishing import pagecache
from tests.conftest import forget_cached_pages


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def test_a_cached_page_makes_no_query(client, published):
    """The second reader of a page costs no database query, and gets the same page."""
    url = published.get_absolute_url()
    first, rendered = get(client, url)
    second, cached = get(client, url)
    assert rendered > 0 and cached == 0
    assert second.status_code == 200 and second.content == first.content
    assert second["ETag"] == first["ETag"] and second["Last-Modified"]


def test_a_matching_etag_or_date_answers_304_with_no_query(client, published):
    """A conditional GET that matches the generation is answered before any work."""
    url = published.get_absolute_url()
    first, _ = get(client, url)
    by_tag, tag_queries = get(client, url, if_none_match=first["ETag"])
    by_date, date_queries = get(client, url, if_modified_since=first["Last-Modified"])
    assert (by_tag.status_code, tag_queries) == (304, 0)
    assert (by_date.status_code, date_queries) == (304, 0)
    assert by_tag.content == b""
    Article.objects.filter(pk=published.pk).update(title="Renamed")
    forget_cached_pages()  # the page changed: the old tag no longer matches
    assert client.get(url, headers={"if_none_match": first["ETag"]}).status_code == 200


def test_compressed_and_plain_copies_are_kept_apart(client, published):
    """A reader without gzip never gets the compressed copy, nor the other's ETag."""
    url = published.get_absolute_url()
    zipped = client.get(url, headers={"accept_encoding": "gzip"})
    plain, queries = get(client, url)
    assert zipped["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain and b"<h1>" in plain.content
    assert queries > 0 and plain["ETag"] != zipped["ETag"]
    again = client.get(url, headers={"accept_encoding": "gzip"})
    assert again.content == zipped.content


def test_staff_sessions_odd_queries_search_and_cookies_are_never_cached(
    client, editor, published, monkeypatch
):
    """Only anonymous GETs of public pages, with no cookie set in reply, are stored."""
    assert get(client, "/search/?q=sleep")[1] > 0 and get(client, "/search/?q=sleep")[1] > 0
    client.force_login(editor)
    url = published.get_absolute_url()
    assert get(client, url)[1] > 0 and get(client, url)[1] > 0
    client.logout()
    client.cookies.clear()
    assert not pagecache.storable(_with_cookie(client.get("/topics/")))


def test_made_up_query_strings_share_the_pages_one_copy(client, published):
    """Tracking parameters and random values render nothing new and store nothing new: a
    page is cached under its canonical address, so no one can fill the cache or bypass it."""
    from django.core.cache import cache

    rendered = get(client, "/")[1]
    assert rendered > 0
    for query in ("utm_source=x", f"r={time.time_ns()}", "page=1", "page=01", "p=7&x=1"):
        assert get(client, f"/?{query}")[1] == 0, query
        assert get(client, f"/topics/?{query}")[1] >= 0
    assert cache.get("page:id:/?utm_source=x") is None
    assert cache.get("page:id:/") is not None


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page=-2", "page=2.5", "page=9999999"])
def test_a_page_number_that_cannot_exist_is_404_without_rendering(client, published, query):
    """A page number that is no page answers 404 from the cache's door, with no query."""
    response, queries = get(client, f"/?{query}")
    assert (response.status_code, queries) == (404, 0)


def test_a_page_past_the_end_is_404_and_never_stored(client, make_article, publish):
    """Page 9 of a one-page list is a 404 (also on the FAQ hub, which used to answer with
    its last page for any number), and stores no copy."""
    from django.core.cache import cache

    publish(make_article("Only one"))
    for path in ("/", "/faq/", "/topics/sleep/"):
        assert client.get(f"{path}?page=9").status_code == 404, path
        assert cache.get(f"page:id:{path}?page=9") is None
    assert client.get("/?page=1").status_code == 200


def test_only_pages_that_paginate_take_a_page_number(client, published):
    """On a page of one page (an article, the topic index) ?page= is ignored: the one copy
    answers it, however the number is written."""
    url = published.get_absolute_url()
    first, rendered = get(client, url)
    again, cached = get(client, f"{url}?page=7")
    assert rendered > 0 and cached == 0 and again.content == first.content
    assert pagecache.address(_request(f"{url}?page=7")) == url
    assert pagecache.address(_request("/?page=7")) == "/?page=7"
    assert pagecache.address(_request("/?page=007&utm=1")) == "/?page=7"
    assert pagecache.address(_request("/sitemap-articles.xml?p=3")) == "/sitemap-articles.xml?p=3"


def _request(url):
    from django.test import RequestFactory

    return RequestFactory().get(url)


def _with_cookie(response):
    response.set_cookie("tracking", "1")
    return response


def test_the_page_cache_holds_a_bounded_number_of_pages(monkeypatch):
    """A process never keeps more than its limit of pages in memory."""
    from articles.publishing.pagecache import store as stores

    store = stores.Store()
    monkeypatch.setattr(stores, "LOCAL_ENTRIES", 3)
    monkeypatch.setattr(stores, "LOCAL_BYTES", 25)
    for n in range(5):
        store.put(f"page{n}", stores.Copy("t", 0, 200, (), b"x" * 10))
    assert list(store.entries) == ["page3", "page4"] and store.size == 20


# --- Invalidation: each event that changes what readers see -------------------------------


@pytest.fixture
def cached(client):
    """Fetch a page twice, so that the second answer came from the cache; then its text."""

    def fetch(url):
        client.get(url)
        response, queries = get(client, url)
        assert queries == 0, "the page should have come from the cache"
        return response.content.decode()

    return fetch


def fresh(client, url):
    return client.get(url).content.decode()


def test_publishing_shows_on_the_next_request(client, cached, make_article, publish, published):
    """A new publication appears at once on the home page."""
    assert "Fresh news" not in cached("/")
    publish(make_article("Fresh news"))
    assert "Fresh news" in fresh(client, "/")


def test_unpublishing_removes_the_page_at_once(client, cached, published, editor):
    """An unpublished article is gone from its page and the lists on the next request."""
    url = published.get_absolute_url()
    assert "Published article" in cached(url) and "Published article" in cached("/")
    published.unpublish(editor, note="Out of date")
    assert client.get(url).status_code == 404
    assert "Published article" not in fresh(client, "/")


def test_changes_going_live_replace_the_cached_page(client, cached, published, writer, publish):
    """An edit reaches readers when it is published, not when it is saved."""
    url = published.get_absolute_url()
    cached(url)
    published.title = "Retitled article"
    published.save(user=writer)
    assert "Retitled article" not in fresh(client, url)  # a draft: still the old page
    publish(published)
    assert "Retitled article" in fresh(client, url)


def test_author_and_topic_edits_show_at_once(client, cached, published, author, topic):
    """Renaming an author or a topic changes every page that shows them."""
    url = published.get_absolute_url()
    cached(url)
    author.name = "Ada Renamed"
    author.save()
    assert "Ada Renamed" in fresh(client, url)
    cached(url)
    topic.name = "Rest"
    topic.save()
    assert ">Rest<" in fresh(client, url)


def test_a_new_redirect_is_followed_at_once(client, cached, published):
    """A redirect added in the admin replaces a page that was cached at that address."""
    cached("/topics/")
    Redirect.objects.create(site_id=1, old_path="/old-place/", new_path="/topics/")
    assert client.get("/old-place/").status_code == 301
    cached("/authors/")
    Redirect.objects.filter(old_path="/old-place/").delete()
    assert client.get("/old-place/").status_code == 404


def test_deleting_a_live_article_removes_it_at_once(client, cached, published):
    """A deletion is a change readers see."""
    cached("/")
    Article.objects.filter(pk=published.pk).delete()
    assert "Published article" not in fresh(client, "/")


def test_a_draft_save_keeps_the_cache(client, cached, published, make_article):
    """Writing drafts changes nothing readers see, so the cached pages stay."""
    cached("/")
    make_article("Unpublished draft")
    assert get(client, "/")[1] == 0


def test_a_scheduled_article_appears_on_time_with_no_cron(client, cached, make_article, publish):
    """A cached page never outlives the next scheduled publication."""
    publish(make_article("Coming soon"), at=timezone.now() + datetime.timedelta(seconds=1.5))
    assert "Coming soon" not in cached("/")
    time.sleep(1.6)
    assert "Coming soon" in fresh(client, "/")


# --- A cache that is down ----------------------------------------------------------------


def test_a_cache_that_is_down_serves_pages_uncached_and_says_so(client, published, caplog):
    """Redis at a dead port: pages still answer 200, and the failure is logged."""
    dead = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    url = published.get_absolute_url()
    with override_settings(CACHES=dead), caplog.at_level(logging.WARNING, "config.cache"):
        pagecache.local.clear()
        for _ in range(3):
            response, queries = get(client, url)
            assert response.status_code == 200 and queries > 0
            assert b"Published article" in response.content
    assert any("Cache unavailable" in record.message for record in caplog.records)


def test_the_cache_is_redis_when_configured_and_really_answers(settings):
    """With REDIS_URL (CI's PostgreSQL pass) pages go to Redis, which must answer: a down
    Redis would otherwise pass unseen as an empty cache. Without it, files."""
    from django.core.cache import cache

    backend = settings.CACHES["default"]["BACKEND"]
    if not settings.REDIS_URL:
        assert backend.endswith("FileBasedCache")
        return
    assert backend == "config.cache.ResilientRedisCache"
    import redis

    cache.set("probe", "here", 30)
    client = redis.Redis.from_url(settings.REDIS_URL)
    assert client.exists(cache.make_and_validate_key("probe")) == 1


def test_a_rendered_page_reads_the_generation_once(client, published, monkeypatch):
    """The middleware and every memo() of one page share one read of the generation, which
    also brings the version every memo is made for: a memo costs no round trip of its own."""
    reads, trips = [], []
    from articles.publishing.pagecache import generation

    real = generation.cache

    class Counting:
        def __getattr__(self, name):
            return getattr(real, name)

        def get(self, key, *args, **kwargs):
            reads.append(key)
            trips.append({key})
            return real.get(key, *args, **kwargs)

        def get_many(self, keys, *args, **kwargs):
            reads.extend(keys)
            trips.append(set(keys))
            return real.get_many(keys, *args, **kwargs)

        def get_many_held(self, keys, *args, **kwargs):
            reads.extend(keys)
            trips.append(set(keys))
            return getattr(real, "get_many_held", real.get_many)(keys, *args, **kwargs)

    forget_cached_pages()
    pagecache.forget()
    from articles.publishing.pagecache import memos, middleware, versions

    for module in (generation, memos, middleware, versions):
        monkeypatch.setattr(module, "cache", Counting())
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert reads.count(pagecache.GENERATION_KEY) == 1
    assert any(key.startswith("memo:") for key in reads)  # the page did use a memo
    content = versions.PREFIX + pagecache.keys.ANY
    assert [trip for trip in trips if content in trip] == [
        trip for trip in trips if pagecache.GENERATION_KEY in trip
    ]


@pytest.mark.django_db
def test_a_change_during_a_request_is_seen_by_the_rest_of_it():
    """A publication in the middle of a request starts the generation its later reads see."""
    from articles.publishing.pagecache.generation import _request

    held = _request.set([])
    try:
        before = pagecache.current()
        pagecache.changed()
        assert pagecache.current().token != before.token
    finally:
        _request.reset(held)


def test_a_hit_on_a_copy_this_process_holds_is_one_round_trip(client, published, monkeypatch):
    """The generation and the versions of the copy's keys come in one read of the shared
    cache, and nothing else is asked of it, nor of the database."""
    from articles.publishing.pagecache import generation, middleware, versions

    url = published.get_absolute_url()
    client.get(url)
    real = generation.cache
    calls = []

    class Counting:
        def __getattr__(self, name):
            found = getattr(real, name)  # a method this cache has not is not a call
            calls.append(name)
            return found

    for module in (generation, middleware, versions):
        monkeypatch.setattr(module, "cache", Counting())
    response, queries = get(client, url)
    assert response["X-Cache"] == "HIT" and queries == 0
    # With Redis, the held read answers from memory when it can (tests/test_mirror.py).
    assert calls == ["get_many_held" if hasattr(real, "get_many_held") else "get_many"]
