"""A real S3-compatible server for the tests, a CDN in front of it, and the media storage
pointed at a private bucket on it.

The server is moto's, as ThreadedMotoServer runs it (its WSGI app under werkzeug, in a
thread, here on a free port), with one addition: a log of the requests it answered, so a
test can count what the site asked of the bucket. Clients reach it over HTTP like any
S3; nothing in boto3 is replaced. The bucket refuses reads without credentials, as a
private one does; readers get the files through the CDN, which reads the bucket with its
own key (as CloudFront's origin access does) and passes the objects' headers on.
"""

import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from config import media

REGION = "us-east-1"


class S3Server:
    def __init__(self):
        # Imported here, so that only the tests that start a server pay for moto.
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        class Handler(MotoRequestHandler):
            def log_request(self, *args, **kwargs):
                pass  # the tests read self.requests; a line per request would drown failures

        self.requests = []
        app = DomainDispatcherApplication(create_backend_app)

        def logged(environ, start_response):
            self.requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
            return app(environ, start_response)

        self._server = make_server("127.0.0.1", 0, logged, threaded=True, request_handler=Handler)
        self.endpoint = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join()

    def since(self, mark, method=None):
        """The requests answered after the first ``mark`` of them, of ``method`` if given."""
        return [r for r in self.requests[mark:] if method is None or r[0] == method]


class CDN:
    """Serves ``bucket``'s objects at /<key>, read with credentials, headers passed on."""

    # The object's fields a CDN hands on to the reader, and their HTTP names.
    HEADERS = {
        "ContentType": "Content-Type",
        "CacheControl": "Cache-Control",
        "ContentLength": "Content-Length",
        "ETag": "ETag",
    }

    def __init__(self, client, bucket_name):
        headers = self.HEADERS

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                key = urllib.parse.unquote(self.path.lstrip("/"))
                try:
                    found = client.get_object(Bucket=bucket_name, Key=key)
                except client.exceptions.NoSuchKey:
                    self.send_error(404)
                    return
                self.send_response(200)
                for field, header in headers.items():
                    if field in found:
                        self.send_header(header, str(found[field]))
                self.end_headers()
                self.wfile.write(found["Body"].read())

            def log_message(self, *args):
                pass  # the S3 server's log is the one the tests read

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join()


class Bucket:
    """A fresh private bucket on the server, a CDN in front of it, and a plain client to
    look into it."""

    def __init__(self, server):
        import boto3

        self.server = server
        self.name = f"media-{uuid.uuid4().hex[:12]}"
        self.client = boto3.client("s3", endpoint_url=server.endpoint, region_name=REGION)
        self.client.create_bucket(Bucket=self.name)
        self.cdn = CDN(self.client, self.name)
        # What production sets: the bucket, where it is, and the CDN's host for the URLs.
        self.environ = {
            "AWS_STORAGE_BUCKET_NAME": self.name,
            "AWS_S3_ENDPOINT_URL": server.endpoint,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_S3_CUSTOM_DOMAIN": self.cdn.host,
            "AWS_S3_URL_PROTOCOL": "http:",
        }
        self.url_prefix = f"http://{self.cdn.host}/"

    def keys(self):
        listed = self.client.list_objects_v2(Bucket=self.name).get("Contents", [])
        return {entry["Key"] for entry in listed}

    def head(self, key):
        return self.client.head_object(Bucket=self.name, Key=key)

    def read(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def key(self, url):
        """The object's key for one of the storage's URLs."""
        assert url.startswith(self.url_prefix), url
        return urllib.parse.unquote(url.removeprefix(self.url_prefix))

    def direct_url(self, key):
        """The object's address on the S3 server itself, past the CDN."""
        return f"{self.server.endpoint}/{self.name}/{key}"


def fetch(url):
    """(status, headers, bytes) for ``url`` as a browser gets it: no credentials."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - test servers
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="session")
def s3_server():
    server = S3Server()
    yield server
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch, tmp_path):
    """The media storage on a new private bucket behind a CDN, set up from the variables
    production reads; MEDIA_ROOT is an empty folder, so a file written to disk would show."""
    # Any key is accepted by the test server; boto3 reads these as it would real ones.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    made = Bucket(s3_server)
    storage = media.object_storage(made.environ)
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MEDIA_URL = media.public_base(storage)
    settings.MEDIA_ROOT = tmp_path
    yield made
    made.cdn.stop()
