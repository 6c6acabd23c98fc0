"""A database outage gives readers a styled 503 with Retry-After, and the site recovers alone.

The site runs in gunicorn as in production. Its database is either a file it cannot
open (SQLite) or PostgreSQL reached through a relay that this test cuts and restores.
"""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

from articles.errors import server_error
from tests.conftest import forget_cached_pages

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local server
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@contextlib.contextmanager
def site(database_url, cache_prefix=None, **extra):
    """gunicorn serving the project with DEBUG off against ``database_url``.

    Its cache is its own unless ``cache_prefix`` names one to share (this test run's);
    ``extra`` sets more of its environment.
    """
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "CACHE_KEY_PREFIX": cache_prefix or f"server{port}",
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DEBUG": "0",
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        **extra,
    }
    # Its log goes to a file: a pipe nobody reads would stall the server once full.
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [str(GUNICORN), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "-t", "20"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if server.poll() is not None:
                log.seek(0)
                raise AssertionError(log.read())
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def assert_unavailable_page(status, headers, html):
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "<h1>Temporarily unavailable</h1>" in html
    assert 'class="site-header"' in html and "<style>:root {" in html
    assert "Traceback" not in html and "OperationalError" not in html
    assert "Content-Security-Policy" in headers


def test_an_unreachable_database_gives_the_styled_503(tmp_path):
    """With a database that cannot be opened, pages answer 503 with the site's layout."""
    missing = tmp_path / "no-such-folder" / "db.sqlite3"
    with site(f"sqlite:///{missing}") as base:
        for path in ("/", "/faq/", "/articles/anything/"):
            assert_unavailable_page(*fetch(base + path))


class Relay:
    """A TCP relay to PostgreSQL that can be cut, dropping every open connection, and restored."""

    def __init__(self, target):
        self.target, self.port, self.sockets = target, free_port(), []
        self.listener = None

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self):
        for sock in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def relayed():
    """(relay, DATABASE_URL) to the test database through a relay the test can cut."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no connection to lose.")
    settings = connection.settings_dict
    relay = Relay((settings["HOST"], int(settings["PORT"])))
    relay.start()
    try:
        yield relay, f"postgres://{settings['USER']}@127.0.0.1:{relay.port}/{settings['NAME']}"
    finally:
        relay.cut()


@pytest.mark.django_db(transaction=True)
def test_the_site_recovers_by_itself_after_a_postgresql_outage(relayed):
    """Cut the database mid-life: 503s while it is gone, then 200s again with no restart."""
    relay, database_url = relayed
    with site(database_url) as base:
        assert fetch(base + "/")[0] == 200
        relay.cut()
        for _ in range(3):
            # A page read before the outage is still served; one never read cannot be.
            assert fetch(base + "/")[0] == 200
            assert_unavailable_page(*fetch(base + "/topics/"))
        relay.start()
        assert fetch(base + "/topics/")[0] == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_roles")
def test_readers_get_the_last_copy_of_a_page_while_postgresql_is_down(relayed, published):
    """Content changed, then the database went: the page's last copy beats a 503."""
    relay, database_url = relayed
    page = published.get_absolute_url()
    with site(database_url, cache_prefix=os.environ["CACHE_KEY_PREFIX"]) as base:
        assert fetch(base + page)[0] == 200
        forget_cached_pages()  # as a publication elsewhere would
        cache.delete("page:id:/topics/")  # a page with no copy anywhere
        relay.cut()
        status, _, html = fetch(base + page)
        assert status == 200 and f"<h1>{published.title}</h1>" in html
        assert_unavailable_page(*fetch(base + "/topics/"))


def test_an_ordinary_error_stays_a_500_page(rf):
    """Only a lost database is a 503; any other failure is the styled 500 page."""
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Retry-After" not in response
    html = response.content.decode()
    assert "Something went wrong" in html
    for href in ('href="/"', 'href="/topics/"', 'href="/faq/"', 'action="/search/"'):
        assert href in html  # the navigation works without a request or a database
