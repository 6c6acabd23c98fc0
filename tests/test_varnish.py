"""A real Varnish, with the repository's VCL, in front of the site: it serves pages from its
cache, and the app's purges drop exactly the pages a change touched."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.test_outage import free_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]

VCL = Path(__file__).resolve().parents[1] / "deploy" / "varnish" / "default.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


def _missing():
    message = "varnishd is not installed (Debian: apt-get install varnish varnish-modules)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def varnish(live_server, tmp_path, settings):
    """varnishd on a free port with the shipped VCL, its backend the test server, and the
    app's purges sent to it."""
    if not os.path.exists(VARNISHD):
        _missing()
    backend = urlsplit(live_server.url)
    vcl = VCL.read_text()
    default = '.host = "127.0.0.1";\n    .port = "8000";'
    assert default in vcl
    vcl = vcl.replace(default, f'.host = "{backend.hostname}";\n    .port = "{backend.port}";')
    (tmp_path / "site.vcl").write_text(vcl)
    port = free_port()
    log = (tmp_path / "varnishd.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [VARNISHD, "-F", "-j", "none", "-n", str(tmp_path / "work"), "-a", f"127.0.0.1:{port}",
         "-f", str(tmp_path / "site.vcl"), "-s", "malloc,32m"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"varnishd did not start: {(tmp_path / 'varnishd.log').read_text()}"
                    )
                time.sleep(0.1)
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
        settings.FRONTEND_CACHE = {
            "varnish": {
                "BACKEND": "articles.publishing.pagecache.frontends.varnish.VarnishBackend",
                "LOCATION": f"http://127.0.0.1:{port}",
            }
        }
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def through(varnish, path, **headers):
    """(status, headers, text) of a request through Varnish."""
    import urllib.request

    request = urllib.request.Request(varnish + path, headers=headers)  # noqa: S310 - local
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def warm(varnish, *paths):
    for path in paths:
        through(varnish, path)
        status, headers, _ = through(varnish, path)
        assert (status, headers.get("X-Cache")) == (200, "HIT"), path


def test_varnish_serves_a_page_again_without_the_app_and_keeps_the_keys_to_itself(
    varnish, published
):
    """The second reader gets Varnish's copy; neither sees the surrogate keys or lifetimes."""
    status, headers, text = through(varnish, published.get_absolute_url())
    assert status == 200 and "Published article" in text
    assert headers["X-Cache-Tier"] == "varnish" and headers["X-Cache"] != "HIT"
    status, again, text_again = through(varnish, published.get_absolute_url())
    assert again["X-Cache"] == "HIT" and text_again == text
    for name in ("xkey", "Surrogate-Key", "Cache-Tag", "Surrogate-Control", "CDN-Cache-Control"):
        assert name not in again and name not in headers
    assert again["Cache-Control"] == "public, max-age=0"


def test_a_live_edit_replaces_only_its_pages_in_varnish(
    varnish, make_article, publish, writer, topic
):
    """After an edit goes live, its page answers with the new text (a live page replaced
    is a hard purge: no reader gets the old copy), and a page not showing it stays cached."""
    from articles.models import Topic

    other = publish(make_article("Eat greens", topic=Topic.objects.create(name="Diet", slug="d")))
    article = publish(make_article("Sleep well tonight"))
    warm(varnish, article.get_absolute_url(), other.get_absolute_url())
    article.title = "Sleep better tonight"
    article.save(user=writer)
    publish(article)
    answers = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        status, headers, text = through(varnish, article.get_absolute_url())
        answers.append((headers.get("X-Cache"), "Sleep better tonight" in text))
        if answers[-1][1]:
            break
        time.sleep(0.05)
    assert answers == [(answers[0][0], True)] and answers[0][0] != "HIT"
    assert through(varnish, other.get_absolute_url())[1]["X-Cache"] == "HIT"


def test_an_unpublish_drops_the_page_from_varnish_at_once(varnish, published, editor):
    """A withdrawal is a hard purge: the next reader through Varnish gets a 404, and the
    home page no longer names it; no grace copy is served."""
    warm(varnish, published.get_absolute_url(), "/")
    published.unpublish(editor, note="Out of date")
    assert through(varnish, published.get_absolute_url())[0] == 404
    status, headers, text = through(varnish, "/")
    assert status == 200 and "Published article" not in text and headers["X-Cache"] != "HIT"


def test_personal_requests_pass_and_tracking_shares_the_copy(varnish, published):
    """A request with the site's session cookie is never answered from Varnish; analytics
    cookies and tracking parameters are dropped, so they share the one copy."""
    url = published.get_absolute_url()
    warm(varnish, url)
    assert through(varnish, url, Cookie="sessionid=abc")[1].get("X-Cache") != "HIT"
    assert through(varnish, url, Cookie="_ga=GA1.2.3")[1]["X-Cache"] == "HIT"
    assert through(varnish, url + "?utm_source=mail")[1]["X-Cache"] == "HIT"
    assert through(varnish, "/search/?q=sleep")[1].get("X-Cache") != "HIT"
