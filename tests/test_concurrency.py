"""Saves and workflow moves racing each other on PostgreSQL, in real threads.

Each trial makes a fresh article and lets two requests (admin change form, bulk action,
workflow button) or service calls (``article.save()``, ``article.publish()``…) collide
on its row, each thread on its own database connection. Trials alternate two kinds:

* *ordered*: this test's own connection holds the article's row lock while the racers
  start one after the other and queue behind it; when it lets go they run back to back
  in the order they queued (PostgreSQL grants a row lock first come, first served), so
  the exact outcome of each order can be asserted;
* *free*: a barrier releases the threads together, one of them a random few
  milliseconds late, and whatever interleaving happens must leave a consistent item.

After every trial the state must agree with the log: the status is the last entry's
``to_status``, ``live`` follows the last publish or unpublish, each move is logged once
and chains from the state before it, and the public row holds the live revision.

PostgreSQL only: SQLite serialises writers and has no row locks. ``CONCURRENCY_TRIALS``
sets the trials per race (default 10: about half ordered, half free).
"""

import os
import random
import re
import threading
import time
from html import unescape

import pytest
from django.db import connection, transaction
from django.test import Client

from articles.models import Article, Revision, Status, Transition
from articles.publishing import revisions
from articles.publishing.roles import EDITOR
from articles.publishing.workflow import InvalidTransition
from tests.conftest import make_user
from tests.test_admin import CHANGELIST, change_url, form_data

if connection.vendor != "postgresql":
    pytest.skip(
        f"PostgreSQL only: these tests race row locks (SELECT … FOR UPDATE) between threads, "
        f"and {connection.display_name} serialises writers. "
        "Run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/editorial_conc.",
        allow_module_level=True,
    )

# Threads must see each other's commits, so each test commits for real; restore_roles
# puts back the groups the flush after each test removes.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]

TRIALS = int(os.environ.get("CONCURRENCY_TRIALS", "10"))
# Longest wait for a thread to start waiting on the lock, or to finish.
TIMEOUT = 20
# The latest a free trial starts one of its racers.
MAX_JITTER = 0.03

# --- Racing -----------------------------------------------------------------------------


class Racer(threading.Thread):
    """Runs ``work`` once on its own thread, so on its own database connection."""

    def __init__(self, name, work, start_line=None, delay=0.0):
        super().__init__(name=f"racer-{name}", daemon=True)
        self.label, self.work, self.start_line, self.delay = name, work, start_line, delay
        self.result = self.error = None

    def run(self):
        try:
            if self.start_line is not None:
                self.start_line.wait(timeout=TIMEOUT)
            if self.delay:
                time.sleep(self.delay)
            self.result = self.work()
        except Exception as error:  # re-raised in the test's thread by race()
            self.error = error
        finally:
            connection.close()  # Django gives each thread its own connection


def lock_waiters():
    """How many connections to this database are waiting for a lock."""
    with connection.cursor() as cursor:
        # pg_stat_activity is read once per transaction unless told to look again.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE NOT l.granted AND a.datname = current_database()"
        )
        return cursor.fetchone()[0]


def _wait_until(condition, what):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {TIMEOUT}s waiting until {what}.")
        time.sleep(0.002)


def race(pk, works, order=None, rng=None):
    """Run ``works`` ({name: callable}) at once against the article ``pk``.

    With ``order`` (a list of the names), the row is held locked while the racers start
    in that order and queue behind the lock; otherwise a barrier releases them together
    and ``rng`` picks one to start up to MAX_JITTER seconds late. Returns {name: result};
    any exception a racer raised is raised here.
    """
    if order is None:
        start_line = threading.Barrier(len(works))
        late, delay = rng.choice(sorted(works)), rng.uniform(0, MAX_JITTER)
        racers = [
            Racer(name, work, start_line, delay if name == late else 0.0)
            for name, work in works.items()
        ]
        for racer in racers:
            racer.start()
    else:
        racers = [Racer(name, works[name]) for name in order]
        with transaction.atomic():
            locked = Article.objects.select_for_update().filter(pk=pk).values_list("pk")
            assert list(locked) == [(pk,)]
            queued = 0
            for racer in racers:
                racer.start()
                _wait_until(
                    lambda r=racer, n=queued + 1: lock_waiters() >= n or not r.is_alive(),
                    f"{racer.label} waits for the row lock",
                )
                # A racer that finished without waiting never touched the row lock.
                queued += racer.is_alive()
        # Committing lets the first racer in the queue go.
    for racer in racers:
        racer.join(TIMEOUT)
    hung = [racer.label for racer in racers if racer.is_alive()]
    assert not hung, f"Still running after {TIMEOUT}s (a deadlock?): {hung}"
    for racer in racers:
        if racer.error is not None:
            raise racer.error
    return {racer.label: racer.result for racer in racers}


def schedule(first, second):
    """The order of each trial: alternately each way round, then as many free trials."""
    for n in range(TRIALS):
        yield n, ([first, second], None, [second, first], None)[n % 4]


# --- The racers -------------------------------------------------------------------------


def logged_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)  # writes a session: done before any race starts
    return client


def checked(response):
    """The response, with a server error raised as the exception behind it."""
    if response.status_code == 500:
        error = response.exc_info[1] if response.exc_info else None
        raise error or AssertionError("500 Internal Server Error")
    return response


def admin_post(client, url, data):
    return lambda: checked(client.post(url, data))


def form_save(client, item, **edits):
    """The change form, opened now; the returned racer posts it with the edits."""
    data = form_data(client, item, _save="Save", **edits)
    return admin_post(client, change_url(item), data)


def service_save(item, **edits):
    """An instance loaded now; the returned racer saves it with the edits."""
    stale = Article.objects.get(pk=item.pk)
    for name, value in edits.items():
        setattr(stale, name, value)
    return stale.save


def move(item, action, user, by, client=None):
    """A racer making a workflow move by service call, bulk action or change-form button.

    The service racer returns "done" or "refused"; the admin ones return the response.
    The item (and for a button, the form) is loaded now, before the race.
    """
    if by == "service":
        stale = Article.objects.get(pk=item.pk)

        def run():
            try:
                getattr(stale, action)(user)
            except InvalidTransition as refusal:
                return ("refused", str(refusal))
            return ("done", "")

        return run
    if by == "bulk action":
        data = {"action": f"bulk_{action}", "_selected_action": [item.pk], "index": "0"}
        return admin_post(client, CHANGELIST, data)
    assert by == "button"
    # Publishing past the checks' suggestions is confirmed, as an editor would.
    data = form_data(client, item, _transition=action, _publish_despite_advice="1")
    return admin_post(client, change_url(item), data)


def _messages(html):
    listed = re.search(r'<ul class="messagelist">(.*?)</ul>', html, re.S)
    found = re.findall(r'<li class="(\w+)">(.*?)</li>', listed.group(1) if listed else "", re.S)
    return [(level, unescape(text).strip()) for level, text in found]


def messages_after(client, item):
    """The messages a redirected admin POST left for the next page."""
    response = client.get(change_url(item))
    assert response.status_code == 200
    return _messages(response.content.decode())


STALE = "Nothing of yours was saved"


def move_outcome(result, by, client, item):
    """("done" | "refused" | "stale", message) for a racer made by move().

    A button posts the whole change form, so a save that lands between opening the
    form and clicking refuses the post, move and all, with the conflict shown ("stale").
    """
    if by == "service":
        return result
    if by == "button" and result.status_code == 200:
        html = unescape(result.content.decode())
        assert STALE in html, "a 200 answer that is not the stale-form refusal"
        return ("stale", STALE)
    assert result.status_code == 302, f"{by}: status {result.status_code}"
    shown = messages_after(client, item)
    assert len(shown) == 1, shown
    level, text = shown[0]
    return ("done" if level == "success" else "refused", text)


# --- The state must agree with the log ----------------------------------------------------

LIVE_AFTER = {"publish": True, "unpublish": False}


def row_content(item):
    return revisions.field_values(item)


def revision_content(pk):
    return Revision.objects.get(pk=pk).content["fields"]


def assert_consistent(pk):
    """Check the invariants of the item ``pk`` and return it with its log, oldest first."""
    item = Article.objects.get(pk=pk)
    log = list(Transition.objects.for_object(item).order_by("created_at", "pk"))
    story = ", ".join(f"{t.action} {t.from_status}→{t.to_status}" for t in log)
    where = f"“{item}” ({story}): "

    # Each entry starts where the one before ended: nothing unlogged, nothing twice.
    state = Status.DRAFT
    for entry in log:
        assert entry.from_status == state, where + f"{entry.action} logged from {state}"
        state = entry.to_status
    assert item.status == state, where + f"status is {item.status}, the log says {state}"
    stamps = [(t.action, t.from_status, t.to_status, t.created_at) for t in log]
    assert len(set(stamps)) == len(stamps), where + "a move is logged twice"

    # Live follows the last publish or unpublish, and the public queryset agrees.
    moves = [t for t in log if t.action in LIVE_AFTER]
    live = bool(moves) and LIVE_AFTER[moves[-1].action]
    assert item.live == live, where + f"live is {item.live}"
    listed = Article.objects.published().filter(pk=pk).exists()
    assert listed == item.live, where + f"published() {'lists' if listed else 'omits'} it"

    if item.live:
        publishes = [t for t in log if t.action == "publish"]
        # Nothing here is scheduled: the page went live when it was first published.
        assert item.published_at is not None, where + "live without published_at"
        assert item.published_at == item.first_published_at == publishes[0].created_at, where
        assert item.live_revision_id == publishes[-1].revision_id is not None, where
        # The row is what readers see: the live revision, whatever drafts came since.
        assert row_content(item) == revision_content(item.live_revision_id), where
        if item.status == Status.PUBLISHED:
            assert item.latest_revision_id == item.live_revision_id, where + "hidden changes"
    else:
        # Offline, the row is the working copy.
        assert row_content(item) == revision_content(item.latest_revision_id), where
    return item, log


def actions(log):
    return [t.action for t in log]


# --- Fixtures -----------------------------------------------------------------------------


@pytest.fixture
def editor2(db):
    return make_user("erin", EDITOR)


@pytest.fixture
def rng(request):
    # Reproducible per test: the same free-trial delays on every run.
    return random.Random(request.node.nodeid)


@pytest.fixture
def article_in(make_article, writer, editor):
    """A fresh article per trial, taken by the service to ``status``."""

    def make(status, n):
        item = make_article(f"Race {n}", summary=f"Original summary {n}.",
                            body=f"## Start\n\nOriginal words {n}.")  # fmt: skip
        if status != Status.DRAFT:
            item.submit_for_review(writer)
        if status == Status.PUBLISHED:
            item.publish(editor)
        item.refresh_from_db()
        return item

    return make


def edits(n, who):
    return {"summary": f"Summary {n} by {who}.", "body": f"## Start\n\nEdited words {n}."}


def public_text(item):
    response = Client().get(item.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- 1. A save racing an unpublish ----------------------------------------------------------


def _save_racing_unpublish(save_by, unpublish_by, article_in, writer, editor, rng):
    writer_client, editor_client = logged_in(writer), logged_in(editor)
    orders = {"save first": 0, "unpublish first": 0}
    for n, order in schedule("save", "unpublish"):
        item = article_in(Status.PUBLISHED, n)
        wanted = edits(n, "wendy")
        save = (
            form_save(writer_client, item, **wanted) if save_by == "form"
            else service_save(item, **wanted)
        )  # fmt: skip
        unpublish = move(item, "unpublish", editor, unpublish_by, editor_client)
        results = race(item.pk, {"save": save, "unpublish": unpublish}, order, rng)

        if save_by == "form":
            # Unpublishing writes no revision, so the form is never stale here.
            assert results["save"].status_code == 302
        else:
            assert isinstance(results["save"], Revision)
        outcome = move_outcome(results["unpublish"], unpublish_by, editor_client, item)
        item, log = assert_consistent(item.pk)
        assert revision_content(item.latest_revision_id)["summary"] == wanted["summary"]
        # A save to the live page is the edit move; a save after the unpublish is not.
        first = "save first" if "edit" in actions(log) else "unpublish first"
        orders[first] += 1
        if order is not None:
            assert first == f"{order[0]} first", (order, actions(log))
        # Unpublish wins: even a button on a form opened before the save takes the page
        # down, and the unchanged form then saves nothing over the writer's text.
        assert outcome[0] == "done", outcome
        # Whichever landed first: offline, with the saved text as its working copy.
        assert (item.live, item.status) == (False, Status.DRAFT)
        assert (item.summary, item.body) == (wanted["summary"], wanted["body"])
        expected = {
            "save first": ["submit", "publish", "edit", "unpublish"],
            "unpublish first": ["submit", "publish", "unpublish"],
        }[first]
        assert actions(log) == expected
    print(f"save ({save_by}) vs unpublish ({unpublish_by}): {orders}")


@pytest.mark.parametrize("unpublish_by", ["service", "bulk action"])
@pytest.mark.parametrize("save_by", ["form", "service"])
def test_a_save_racing_an_unpublish_leaves_the_page_down(
    save_by, unpublish_by, article_in, writer, editor, rng
):
    """An edit landing beside an unpublish never puts the page back up, in either order."""
    _save_racing_unpublish(save_by, unpublish_by, article_in, writer, editor, rng)


def test_a_form_save_racing_the_unpublish_button(article_in, writer, editor, rng):
    """As above, the editor clicking Unpublish on a form opened before the save: the page
    still comes down, and the writer's saved text stays the working copy."""
    _save_racing_unpublish("form", "button", article_in, writer, editor, rng)


# --- 2. Two publishes at once -------------------------------------------------------------


def _two_publishes(by, article_in, editor, editor2, rng):
    clients = {editor.username: logged_in(editor), editor2.username: logged_in(editor2)}
    users = {editor.username: editor, editor2.username: editor2}
    winners = {name: 0 for name in users}
    for n, order in schedule(editor.username, editor2.username):
        item = article_in(Status.IN_REVIEW, n)
        works = {name: move(item, "publish", users[name], by, clients[name]) for name in users}
        results = race(item.pk, works, order, rng)

        outcomes = {
            name: move_outcome(result, by, clients[name], item) for name, result in results.items()
        }
        item, log = assert_consistent(item.pk)
        published = [t for t in log if t.action == "publish"]
        assert len(published) == 1, f"publish logged {len(published)} times: {outcomes}"
        winner = published[0].user.username
        winners[winner] += 1
        (loser,) = set(users) - {winner}
        assert outcomes[winner][0] == "done", outcomes
        assert outcomes[loser][0] == "refused", outcomes
        assert "Cannot publish" in outcomes[loser][1]
        assert "only items that are in review" in outcomes[loser][1]
        assert actions(log) == ["submit", "publish"]
        assert (item.live, item.status) == (True, Status.PUBLISHED)
        if order is not None:
            assert winner == order[0]
    print(f"two publishes ({by}): wins {winners}")


@pytest.mark.parametrize("by", ["service", "bulk action"])
def test_two_publishes_at_once_log_one_publish(by, article_in, editor, editor2, rng):
    """Two editors publishing together: one publishes, the other is refused, one log entry."""
    _two_publishes(by, article_in, editor, editor2, rng)


def test_two_publish_buttons_at_once_log_one_publish(article_in, editor, editor2, rng):
    """As above, with both editors clicking Publish on the change page."""
    _two_publishes("button", article_in, editor, editor2, rng)


# --- 3. A form opened in review, saved after (or while) the item is published -------------


def _stale_form_after_publish(save_by, by, article_in, editor, editor2):
    eddie, erin = logged_in(editor), logged_in(editor2)
    for n in range(max(2, TRIALS // 5)):
        item = article_in(Status.IN_REVIEW, n)
        opened_on = item.latest_revision_id
        wanted = edits(n, "eddie")
        # Opened while in review (an instance loaded then, for the service).
        save = (
            form_save(eddie, item, **wanted) if save_by == "form"
            else service_save(item, **wanted)
        )  # fmt: skip
        outcome = move_outcome(move(item, "publish", editor2, by, erin)(), by, erin, item)
        assert outcome[0] == "done", outcome
        published, _ = assert_consistent(item.pk)
        # Publishing a reviewed revision records no new one: the form is not stale.
        assert published.latest_revision_id == published.live_revision_id == opened_on
        page_before = public_text(item)

        saved = save()
        if save_by == "form":
            assert saved.status_code == 302, "the form was refused"
            shown = messages_after(eddie, item)
            assert any("Saved as draft changes" in text for _, text in shown), shown
        else:
            assert isinstance(saved, Revision)

        item, log = assert_consistent(item.pk)
        assert actions(log) == ["submit", "publish", "edit"]
        # Still live since the publish, showing what was published.
        assert item.live and item.published_at == published.published_at
        assert item.live_revision_id == opened_on
        assert (item.summary, item.body) == (published.summary, published.body)
        assert public_text(item) == page_before
        assert "Edited words" not in page_before
        # The saved text is the working copy: draft changes, waiting for review.
        assert item.status == Status.DRAFT
        assert item.state_label() == "Live · draft changes"
        latest = revision_content(item.latest_revision_id)
        assert (latest["summary"], latest["body"]) == (wanted["summary"], wanted["body"])
        assert log[-1].revision_id == item.latest_revision_id


@pytest.mark.parametrize(
    ("save_by", "by"), [("form", "service"), ("form", "bulk action"), ("service", "service")]
)
def test_a_stale_form_saved_after_a_publish_becomes_draft_changes(
    save_by, by, article_in, editor, editor2
):
    """A form opened in review and saved once live: page and dates kept, text as draft changes."""
    _stale_form_after_publish(save_by, by, article_in, editor, editor2)


def test_a_stale_form_saved_after_the_publish_button_becomes_draft_changes(
    article_in, editor, editor2
):
    """As above, published with the Publish button."""
    _stale_form_after_publish("form", "button", article_in, editor, editor2)


def _form_save_racing_publish(by, article_in, editor, editor2, rng):
    eddie, erin = logged_in(editor), logged_in(editor2)
    orders = {"save first": 0, "publish first": 0}
    for n, order in schedule("save", "publish"):
        item = article_in(Status.IN_REVIEW, n)
        opened_on = item.latest_revision_id
        wanted = edits(n, "eddie")
        works = {
            "save": form_save(eddie, item, **wanted),
            "publish": move(item, "publish", editor2, by, erin),
        }
        results = race(item.pk, works, order, rng)

        assert results["save"].status_code == 302
        outcome = move_outcome(results["publish"], by, erin, item)
        item, log = assert_consistent(item.pk)
        latest = revision_content(item.latest_revision_id)
        assert (latest["summary"], latest["body"]) == (wanted["summary"], wanted["body"])
        if outcome[0] == "stale":
            # The Publish button posted a form opened before the save: refused whole and
            # shown as a conflict, so the saved edit is still in review, unpublished.
            first = "save first"
            assert actions(log) == ["submit"]
            assert (item.live, item.status) == (False, Status.IN_REVIEW)
            assert item.summary == wanted["summary"]
        else:
            assert outcome[0] == "done", outcome
            assert item.live and item.published_at is not None
            text = public_text(item)
            if actions(log) == ["submit", "publish"]:
                first = "save first"  # the edit was in review, and went live with it
                assert item.status == Status.PUBLISHED
                assert f"Edited words {n}." in text
            else:
                first = "publish first"  # the edit arrived on a live page: draft changes
                assert actions(log) == ["submit", "publish", "edit"]
                assert item.status == Status.DRAFT
                assert item.live_revision_id == opened_on
                assert f"Original words {n}." in text and "Edited words" not in text
        orders[first] += 1
        if order is not None:
            assert first == f"{order[0]} first", (order, actions(log))
    print(f"form save vs publish ({by}): {orders}")


@pytest.mark.parametrize("by", ["service", "bulk action"])
def test_a_form_save_racing_a_publish(by, article_in, editor, editor2, rng):
    """An editor saves while another publishes: either the edit goes live, or it waits."""
    _form_save_racing_publish(by, article_in, editor, editor2, rng)


def test_a_form_save_racing_the_publish_button(article_in, editor, editor2, rng):
    """As above, with the Publish button; after a save the click is refused as stale."""
    _form_save_racing_publish("button", article_in, editor, editor2, rng)


# --- 4. Two saves from forms opened on the same revision -------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PUBLISHED])
def test_two_form_saves_at_once_one_is_refused_as_stale(status, article_in, writer, editor, rng):
    """Two forms opened on one revision, saved together: one saves, the other is told."""
    clients = {writer.username: logged_in(writer), editor.username: logged_in(editor)}
    winners = {name: 0 for name in clients}
    for n, order in schedule(writer.username, editor.username):
        item = article_in(status, n)
        before = row_content(item)
        opened_on = item.latest_revision_id
        typed = {name: edits(n, name) for name in clients}
        works = {name: form_save(clients[name], item, **typed[name]) for name in clients}
        results = race(item.pk, works, order, rng)

        codes = {name: response.status_code for name, response in results.items()}
        saved = [name for name, code in codes.items() if code == 302]
        assert len(saved) == 1 and sorted(codes.values()) == [200, 302], codes
        (winner,) = saved
        (loser,) = set(clients) - {winner}
        winners[winner] += 1
        # The refusal says so, and keeps what the loser typed in the form.
        html = unescape(results[loser].content.decode())
        assert f"{winner} saved a newer version of this item" in html
        assert "Nothing of yours was saved" in html
        assert typed[loser]["summary"] in html and typed[loser]["body"] in html

        item, log = assert_consistent(item.pk)
        new = Revision.objects.for_object(item).filter(pk__gt=opened_on)
        assert [r.user.username for r in new] == [winner], "one save, and only one, recorded"
        latest = revision_content(item.latest_revision_id)
        assert (latest["summary"], latest["body"]) == (
            typed[winner]["summary"], typed[winner]["body"],
        )  # fmt: skip
        if status == Status.PUBLISHED:
            # The live page is untouched; the one save is one edit move.
            assert actions(log) == ["submit", "publish", "edit"]
            assert log[-1].user.username == winner
            assert item.live and row_content(item) == before
        else:
            assert actions(log) == []
            assert item.summary == typed[winner]["summary"]
        if order is not None:
            assert winner == order[0]
    print(f"two form saves ({status}): wins {winners}")
