"""Withdrawn means gone: after an unpublish no public URL serves the old text, on any
server, when the database goes down after it, or when the server that made it cannot
reach the shared cache.

Each server is its own gunicorn process with DEBUG off, as in production. The database
is cut by a relay (PostgreSQL) or by moving the file away (SQLite, with a connection per
request); a server's shared cache is cut by pointing it at a Redis that is not there
(with Redis) or at a cache folder of its own (with the file cache).
"""

import contextlib
import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from articles.publishing import pagecache
from tests.conftest import PASSWORD_FOR_TESTS
from tests.journeys.browser import form_data
from tests.test_outage import Relay, fetch, site
from tests.test_two_servers import Browser, database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]

SECRET = "Quillowmere"  # a word in the withdrawn article and nowhere else


@pytest.fixture
def doomed(make_article, make_faq, publish, topic):
    """A live article with a word of its own in its title, summary, body and FAQ entry."""
    article = make_article(
        f"{SECRET} dosing advice",
        summary=f"What {SECRET} said about doses.",
        body=f"Intro about {SECRET}.\n\n## Doses\n\nTake {SECRET} twice a day.",
        focus_keyword="dosing advice",
    )
    make_faq(f"Is {SECRET} safe?", f"{SECRET} is safe.", article=article)
    publish(article)
    return article


def public_urls(base, article):
    """Every public URL that could show the article: its page and Markdown, the lists, the
    FAQ pages, the feed, llms.txt, search, and every page of every sitemap section."""
    urls = [
        article.get_absolute_url(),
        article.get_absolute_url().rstrip("/") + ".md",
        "/",
        article.topic.get_absolute_url(),
        article.author.get_absolute_url(),
        "/topics/",
        "/authors/",
        "/faq/",
        f"/faq/{article.topic.slug}/",
        "/feed/",
        "/llms.txt",
        "/search/?q=dosing",
        "/sitemap.xml",
    ]
    index = fetch(base + "/sitemap.xml")[2]
    urls += [urlsplit(loc).path + "?" + urlsplit(loc).query for loc in _locs(index)]
    return urls


def _locs(xml):
    return re.findall(r"<loc>([^<]+)</loc>", xml)


def shown(base, urls):
    """The URLs that answer 200 with the secret word in them."""
    found = []
    for url in urls:
        status, _, body = fetch(base + url)
        if status == 200 and SECRET in body:
            found.append(url)
    return found


@contextlib.contextmanager
def database_cut(url):
    """A DATABASE_URL for a server, and a function that cuts that database off."""
    if connection.vendor == "postgresql":
        relay = Relay((connection.settings_dict["HOST"], int(connection.settings_dict["PORT"])))
        relay.start()
        try:
            name = connection.settings_dict["NAME"]
            user = connection.settings_dict["USER"]
            yield f"postgres://{user}@127.0.0.1:{relay.port}/{name}", relay.cut
        finally:
            relay.cut()
    else:
        # The database file and its write-ahead log move away together; this process
        # keeps its open handles, a new connection finds nothing.
        path = Path(connection.settings_dict["NAME"])
        files = [path, *(path.with_name(path.name + end) for end in ("-wal", "-shm"))]

        def cut():
            for file in files:
                if file.exists():
                    file.rename(file.with_name(file.name + ".away"))

        try:
            yield url, cut
        finally:
            for file in files:
                away = file.with_name(file.name + ".away")
                if away.exists():
                    away.rename(file)


def test_after_an_unpublish_the_database_going_down_brings_nothing_back(doomed, editor):
    """Every public URL is cached, the article is unpublished, then the database goes:
    the server keeps serving what it can from its copies, but none of them shows the
    withdrawn text, and the pages it could show still come from the cache."""
    prefix = os.environ["CACHE_KEY_PREFIX"]
    with (
        database_cut(database_url()) as (url, cut),
        site(url, prefix, CONN_MAX_AGE="0") as base,
    ):
        urls = public_urls(base, doomed)
        for _ in range(2):  # made, then served from the cache
            assert len(shown(base, urls)) >= 8
        doomed.unpublish(editor, note="Withdrawn: the advice changed.")
        assert shown(base, urls) == []  # every page made again without it
        cut()
        assert shown(base, urls) == []
        # Copies made after the withdrawal are still served in the outage.
        assert fetch(base + "/topics/")[0] == 200


def test_a_copy_made_before_an_unpublish_is_never_an_outage_copy(doomed, editor):
    """The copies made while the article was live are kept, but once the withdrawal is
    counted the database going down does not bring them back: 503 rather than old text."""
    prefix = os.environ["CACHE_KEY_PREFIX"]
    with (
        database_cut(database_url()) as (url, cut),
        site(url, prefix, CONN_MAX_AGE="0") as base,
    ):
        page = doomed.get_absolute_url()
        assert SECRET in fetch(base + page)[2]
        doomed.unpublish(editor, note="Withdrawn.")
        cut()  # before any server made the page again
        status, _, body = fetch(base + page)
        assert status == 503 and SECRET not in body
        assert shown(base, ["/", "/feed/", "/llms.txt", page.rstrip("/") + ".md"]) == []


def test_an_unpublish_on_a_server_without_the_shared_cache_reaches_the_other(
    doomed, editor, tmp_path
):
    """Server A cannot reach the shared cache; an editor unpublishes there, through the
    admin, and is told so. Server B, which cached every page, stops serving them within
    the check interval: it finds the change in the database."""
    prefix = os.environ["CACHE_KEY_PREFIX"]
    if settings.REDIS_URL:
        cut_off = {"REDIS_URL": "redis://127.0.0.1:9/0"}  # nothing listens there
    else:
        cut_off = {"CACHE_DIR": str(tmp_path / "a-cache")}  # a folder B never reads
    with site(database_url(), prefix, **cut_off) as a, site(database_url(), prefix) as b:
        urls = public_urls(b, doomed)
        for _ in range(2):
            assert len(shown(b, urls)) >= 8
        desk = Browser(a)
        desk.post(
            "/admin/login/",
            {"username": editor.username, "password": PASSWORD_FOR_TESTS, "next": "/admin/"},
        )
        change = f"/admin/articles/article/{doomed.pk}/change/"
        form = form_data(desk.get(change), form_id="article_form")
        page = desk.post(change, {**form, "_transition": "unpublish", "_transition_note": "Gone."})
        assert "is now draft" in page
        if settings.REDIS_URL:
            assert "cannot reach the shared cache" in page
        assert shown(a, urls) == []
        # The documented bound, and a little for the request itself.
        time.sleep(pagecache.CHECK_SECONDS + 0.5)
        assert shown(b, urls) == []


def test_a_busy_server_serves_no_old_copy_from_the_moment_an_unpublish_returns(doomed, editor):
    """A reader keeps asking a server for the article (so it serves from what it holds,
    the copy and, with Redis, the keys); the article is unpublished elsewhere. No answer
    to a request begun after the unpublish returned shows the withdrawn text."""
    prefix = os.environ["CACHE_KEY_PREFIX"]
    page = doomed.get_absolute_url()
    answers = []  # (when the request began, X-Cache, whether it showed the text)
    stop = threading.Event()

    def read(base):
        while not stop.is_set():
            began = time.monotonic()
            status, headers, body = fetch(base + page)
            answers.append((began, headers.get("X-Cache"), status == 200 and SECRET in body))

    with site(database_url(), prefix) as base:
        reader = threading.Thread(target=read, args=(base,))
        reader.start()
        try:
            while sum(1 for _, state, _ in answers if state == "HIT") < 200:
                time.sleep(0.05)
            doomed.unpublish(editor, note="Withdrawn.")
            returned = time.monotonic()
            while sum(1 for began, *_ in answers if began > returned) < 200:
                time.sleep(0.05)
        finally:
            stop.set()
            reader.join()
    after = [shown for began, _, shown in answers if began > returned]
    assert not any(after)
    assert any(shown for began, _, shown in answers if began <= returned)
