"""A local HTTP server that records each POST and answers as the test says."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@pytest.fixture
def receiver():
    """Records (path, headers, raw body) of each POST; answers ``receiver.status``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            server.seen.append((self.path, dict(self.headers), body))
            self.send_response(server.status)
            if server.location:
                self.send_header("Location", server.location)
            self.end_headers()
            self.wfile.write(server.answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.seen, server.status, server.location, server.answer = [], 200, "", b"ok"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    server.bodies = lambda: [json.loads(body) for _, _, body in server.seen]
    yield server
    server.shutdown()
    server.server_close()


# The tasks of outbound requests; others (e-mail) commit on their own and need the worker.
OUTBOUND = (
    "articles.publishing.events.",
    "articles.publishing.webhooks.",
    "articles.publishing.indexnow.",
)


def run_queued(due_now=False):
    """Run the queued outbound tasks in this test's transaction, as the worker would,
    until none due is left (`manage.py db_worker` closes the connection a test holds);
    ``due_now`` runs those queued for later too. Return the paths of the tasks run."""
    from django.db.models import Q
    from django.utils.module_loading import import_string
    from django_tasks_db.models import DBTaskResult

    ours = Q()
    for prefix in OUTBOUND:
        ours |= Q(task_path__startswith=prefix)
    ran = []
    while True:
        queued = DBTaskResult.objects.filter(ours, status="READY")
        queued = (queued if due_now else queued.ready()).order_by("enqueued_at")
        task = queued.first()
        if task is None:
            return ran
        task.delete()
        import_string(task.task_path).call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"])
        ran.append(task.task_path)
