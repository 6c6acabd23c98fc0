"""Two app servers sharing the database and the cache agree on every request after a publication.

Each server is its own gunicorn process, with pages cached in its own memory; an editor
publishes through the admin of one, and the other serves the new page at once.
"""

import http.cookiejar
import os
import re
import urllib.parse
import urllib.request

import pytest
from django.db import connection

from articles.models import Article, Status
from tests.conftest import PASSWORD_FOR_TESTS
from tests.test_outage import fetch, site

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]


def database_url():
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


class Browser:
    """An editor's session with one server, through its admin: cookies and CSRF tokens."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path):
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path, data):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(path))[1]
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        with self.opener.open(self.base + path, body.encode(), timeout=10) as response:
            return response.read().decode()


def test_a_publication_through_one_server_shows_on_the_other_at_once(
    make_article, writer, editor, published
):
    """Both servers cache the home page; publish through A; B's very next answer has it."""
    story = make_article("Second story")
    story.submit_for_review(writer)
    prefix = os.environ["CACHE_KEY_PREFIX"]
    with site(database_url(), prefix) as a, site(database_url(), prefix) as b:
        for base in (a, b, a, b):
            status, headers, html = fetch(base + "/")
            assert status == 200 and "Second story" not in html
        assert headers["ETag"] == fetch(a + "/")[1]["ETag"]  # both on one generation

        desk = Browser(a)
        desk.post(
            "/admin/login/",
            {"username": editor.username, "password": PASSWORD_FOR_TESTS, "next": "/admin/"},
        )
        desk.post(
            "/admin/articles/article/",
            {"action": "bulk_publish", "_selected_action": [story.pk], "index": "0"},
        )
        assert Article.objects.get(pk=story.pk).status == Status.PUBLISHED

        status, _, html = fetch(b + "/")
        assert status == 200 and "Second story" in html
        assert "Second story" in fetch(b + story.get_absolute_url())[2]
        assert "Second story" in fetch(a + "/")[2]
