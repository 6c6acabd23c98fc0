"""The purge backends send each CDN the request its API documents, in batches it accepts;
one that fails is retried by the task worker with a growing wait, and then given up."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django_tasks_db.models import DBTaskResult

from articles.publishing.pagecache import frontends
from articles.publishing.pagecache.frontends import base
from tests.test_outage import free_port

FASTLY = "articles.publishing.pagecache.frontends.fastly.FastlyBackend"
CLOUDFLARE = "articles.publishing.pagecache.frontends.cloudflare.CloudflareBackend"
VARNISH = "articles.publishing.pagecache.frontends.varnish.VarnishBackend"


@pytest.fixture
def api():
    """A local HTTP server that records each request and answers with ``api.status``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            server.seen.append((self.command, self.path, dict(self.headers), json.loads(body)))
            self.send_response(server.status)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.seen, server.status = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()


def test_fastly_gets_soft_and_hard_purges_by_surrogate_key(api, settings):
    """Fastly's purge-by-key call, with its token, soft unless a page came down, 256 keys
    a request."""
    settings.FRONTEND_CACHE = {
        "fastly": {"BACKEND": FASTLY, "SERVICE_ID": "svc", "API_TOKEN": "t0k", "API_URL": api.url}
    }
    names = [f"article-{n}" for n in range(300)]
    assert frontends.purge(names) == 1
    assert [(method, path) for method, path, _, _ in api.seen] == [
        ("POST", "/service/svc/purge")
    ] * 2
    assert [len(body["surrogate_keys"]) for *_, body in api.seen] == [256, 44]
    assert sorted(sum((body["surrogate_keys"] for *_, body in api.seen), [])) == sorted(names)
    assert all(
        h["Fastly-Key"] == "t0k" and h["Fastly-Soft-Purge"] == "1" for _, _, h, _ in api.seen
    )
    api.seen.clear()
    frontends.purge(["article-1"], hard=True)
    assert "Fastly-Soft-Purge" not in api.seen[0][2]


def test_cloudflare_gets_tags_thirty_at_a_time(api, settings):
    """Cloudflare's purge-by-tag call, with a bearer token, at most 30 tags a request."""
    settings.FRONTEND_CACHE = {
        "cf": {"BACKEND": CLOUDFLARE, "ZONE_ID": "z1", "API_TOKEN": "t0k", "API_URL": api.url}
    }
    frontends.purge([f"article-{n}" for n in range(31)], hard=True)
    assert [path for _, path, _, _ in api.seen] == ["/zones/z1/purge_cache"] * 2
    assert [len(body["tags"]) for *_, body in api.seen] == [30, 1]
    assert api.seen[0][2]["Authorization"] == "Bearer t0k"


@pytest.mark.django_db
def test_a_failed_purge_is_retried_with_backoff_then_given_up(api, settings, caplog):
    """A CDN that answers an error, or a Varnish that is down, gets the purge again from
    the worker, each wait twice the last, and TRIES attempts in all."""
    settings.FRONTEND_CACHE = {
        "a-cdn": {"BACKEND": FASTLY, "SERVICE_ID": "s", "API_TOKEN": "t", "API_URL": api.url},
        "b-varnish": {"BACKEND": VARNISH, "LOCATION": f"http://127.0.0.1:{free_port()}"},
    }
    api.status = 503
    assert frontends.purge(["article-7"], hard=True) == 0
    queued = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert len(queued) == 2
    assert sorted(task.args_kwargs["args"] for task in queued) == [
        ["a-cdn", ["article-7"], True, 1], ["b-varnish", ["article-7"], True, 1],
    ]  # fmt: skip
    # The worker's runs: each failure queues the next, later each time, until TRIES.
    waits = []
    tries = 1
    while tries < base.TRIES:
        task = DBTaskResult.objects.order_by("-enqueued_at").first()
        waits.append((task.run_after - task.enqueued_at).total_seconds())
        base.retry.call("a-cdn", ["article-7"], True, tries)
        tries += 1
    assert waits == sorted(waits) and waits[-1] > waits[0]
    assert "Gave up purging" in caplog.text
    api.status = 200
    base.retry.call("a-cdn", ["article-7"], True, 1)
    assert api.seen[-1][3] == {"surrogate_keys": ["article-7"]}
