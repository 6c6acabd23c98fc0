"""The task worker in its own process, as `make run` starts it: what its terminal shows,
and what becomes of an e-mail when the process is killed in the middle of sending it."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from articles.models import Notification
from tests.test_delivery import lease_runs_out, run_worker
from tests.test_two_servers import database_url

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = Path(__file__).resolve().parents[1]
WORKER = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"]


def development(**extra):
    """The environment `make run` gives the worker, on this test's database."""
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url(), **extra}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's own: config.settings
    if "EMAIL_HOST" not in extra:
        env.pop("EMAIL_HOST", None)
    return env


@pytest.fixture
def submitted(restore_roles, make_article, writer, editor):
    """An article sent for review: the editor's notification waits for the worker."""
    editor.email = "eddie@example.org"
    editor.save()
    make_article(user=writer).submit_for_review(writer)


@pytest.mark.usefixtures("submitted")
def test_the_terminal_shows_each_task_once_and_the_mail_as_it_is_sent():
    """One line for the delivery task, and the message with its subject as people read it."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [*WORKER, "--batch"], cwd=PROJECT, env=development(), capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    terminal = done.stdout + done.stderr
    assert terminal.count("path=articles.publishing.delivery.deliver") == 1, terminal
    assert "state=SUCCESSFUL" in terminal and "state=RUNNING" not in terminal
    assert "Subject: [Wellbeing Journal] wendy sent “A calm mind” for review.\n" in terminal
    assert "To: eddie@example.org\n" in terminal
    assert "Message-ID: <notification." in terminal


@pytest.mark.usefixtures("submitted")
def test_a_worker_killed_mid_send_leaves_the_mail_to_the_sweep():
    """Killed while the mail server has not answered, the worker leaves its task RUNNING
    for good and the notification claimed; after the lease, the sweep sends it, once."""
    # A mail server that takes the connection and never says a word.
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(60)
        port = server.getsockname()[1]
        env = development(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port))
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and code
            [*WORKER, "--interval", "0.1"], cwd=PROJECT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            connection, _ = server.accept()  # the worker is in the middle of the send
            worker.kill()
            worker.wait(timeout=30)
            connection.close()
        finally:
            if worker.poll() is None:
                worker.kill()
    assert DBTaskResult.objects.get(task_path__endswith=".deliver").status == "RUNNING"
    note = Notification.objects.get(recipient__email="eddie@example.org")
    assert note.claim and note.emailed_at is None

    run_worker()
    assert mail.outbox == [], "held until the lease runs out"
    lease_runs_out()
    sweep = DBTaskResult.objects.filter(task_path__endswith=".sweep", status="READY")
    sweep.update(run_after=note.created_at)
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["eddie@example.org"]
    note.refresh_from_db()
    assert note.emailed_at is not None and note.attempts == 0


def test_the_console_knows_the_mail_sweep_by_its_path():
    """The log filter names the sweep without importing it; the name must stay true."""
    from articles.publishing import delivery
    from config.logs import MAIL_SWEEP

    assert delivery.sweep.module_path == MAIL_SWEEP
