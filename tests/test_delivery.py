"""Notification e-mail sent once: claims, retries with backoff, runs cut off, the sweep.

Time passing is simulated by moving the rows' own times into the past ("the lease ran
out", "the retry is due"), never by waiting.
"""

import datetime
import io
import smtplib
import threading

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Notification
from articles.publishing import delivery
from tests.conftest import make_user

# The durable transactions each send commits need a database the test does not wrap.
pytestmark = pytest.mark.django_db(transaction=True)


class RefusingBackend(BaseEmailBackend):
    """A mail server that hangs up on every message."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class Killed(BaseException):
    """The worker process ending mid-run: nothing in the run catches it."""


class KilledBeforeSending(BaseEmailBackend):
    def send_messages(self, messages):
        raise Killed


class KilledAfterSending(LocmemBackend):
    """Delivers the message, then the process ends before the run records it."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise Killed


def use_mailer(settings, backend):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.{backend.__name__}"}}


@pytest.fixture
def people(db):
    return [make_user(f"person{n}", email=f"person{n}@example.org") for n in range(3)]


def notes(people):
    return [
        Notification.objects.create(
            recipient=user, verb="submitted", message=f"Note {n}", url="/admin/"
        )
        for n, user in enumerate(people)
    ]


def lease_runs_out():
    """Every claim ends, as it does LEASE after a run was cut off."""
    past = timezone.now() - datetime.timedelta(seconds=1)
    Notification.objects.exclude(claimed_until=None).update(claimed_until=past)


def retry_comes_due():
    past = timezone.now() - datetime.timedelta(seconds=1)
    Notification.objects.exclude(next_attempt_at=None).update(next_attempt_at=past)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())


def test_the_waits_grow_fivefold_from_a_minute_to_six_hours():
    """The backoff after the 1st to 6th failure: 1, 5, 25, 125, 360 and 360 minutes."""
    waits = [delivery.retry_wait(n) / datetime.timedelta(minutes=1) for n in range(1, 7)]
    assert waits == [1, 5, 25, 125, 360, 360]


def test_an_smtp_failure_is_retried_with_backoff_until_the_last_attempt(settings, people):
    """Each failure is counted with its error and retried after a longer wait; after the
    sixth the e-mail is given up and no run tries it again."""
    use_mailer(settings, RefusingBackend)
    (note,) = notes(people[:1])
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        before = timezone.now()
        assert delivery.send_due() == 0
        after = timezone.now()
        note.refresh_from_db()
        assert note.attempts == attempt and note.emailed_at is None
        assert note.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
        assert note.claim == "" and note.claimed_until is None
        if attempt < delivery.MAX_ATTEMPTS:
            wait = delivery.retry_wait(attempt)
            assert before + wait <= note.next_attempt_at <= after + wait
            # Not before its time: a run now leaves it alone.
            delivery.send_due()
            note.refresh_from_db()
            assert note.attempts == attempt
            retry_comes_due()
    assert note.next_attempt_at is None
    assert list(Notification.objects.undelivered()) == [note]
    delivery.send_due()
    note.refresh_from_db()
    assert note.attempts == delivery.MAX_ATTEMPTS


def test_a_retry_sends_once_the_server_answers_again(settings, people):
    """A failed e-mail goes out on its retry, once, and leaves the undelivered list."""
    use_mailer(settings, RefusingBackend)
    (note,) = notes(people[:1])
    delivery.send_due()
    assert list(Notification.objects.undelivered()) == [note]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    retry_comes_due()
    assert delivery.send_due() == 1
    delivery.send_due()
    assert [message.to for message in mail.outbox] == [["person0@example.org"]]
    note.refresh_from_db()
    assert note.emailed_at is not None and note.attempts == 1 and note.next_attempt_at is None
    assert not Notification.objects.undelivered().exists()


def test_a_run_cut_off_before_sending_is_sent_by_a_later_run_after_the_lease(settings, people):
    """The claim outlives the run that took it; once it runs out the sweep sends the mail, once."""
    first, *_ = notes(people)
    use_mailer(settings, KilledBeforeSending)
    with pytest.raises(Killed):
        delivery.send_due()
    first.refresh_from_db()
    assert first.claim and first.emailed_at is None and mail.outbox == []

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    # Held while the lease lasts: a run now sends the other two, not this one.
    assert delivery.send_due() == 2
    assert "person0@example.org" not in [message.to[0] for message in mail.outbox]
    lease_runs_out()
    assert delivery.sweep.call() == 1
    delivery.sweep.call()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "person0@example.org",
        "person1@example.org",
        "person2@example.org",
    ]


def test_a_run_cut_off_after_sending_resends_only_that_one_with_the_same_message_id(
    settings, people
):
    """Cut off between the send and its record, a run sends again only the message in
    flight, under the same Message-ID; what it had recorded is never sent again."""
    notes(people)
    use_mailer(settings, KilledAfterSending)
    with pytest.raises(Killed):
        delivery.send_due()
    (in_flight,) = mail.outbox
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    lease_runs_out()
    assert delivery.send_due() == 3
    assert [message.to[0] for message in mail.outbox].count(in_flight.to[0]) == 2
    again = next(m for m in mail.outbox[1:] if m.to == in_flight.to)
    assert again.extra_headers["Message-ID"] == in_flight.extra_headers["Message-ID"]
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 3
    assert Notification.objects.filter(emailed_at=None).count() == 0

    # A later run finds nothing to send again.
    lease_runs_out()
    delivery.sweep.call()
    assert len(mail.outbox) == 4


@pytest.mark.usefixtures("restore_roles")
def test_a_worker_cut_off_mid_send_leaves_the_mail_to_the_sweep(
    settings, writer, editor, make_article
):
    """A delivery task that dies mid-send is never run again; the sweep it queued first
    sends the mail once the lease has run out, and the editor gets one e-mail."""
    editor.email = "eddie@example.org"
    editor.save()
    make_article(user=writer).submit_for_review(writer)

    use_mailer(settings, KilledBeforeSending)
    run_worker()
    task = DBTaskResult.objects.get(task_path__endswith=".deliver")
    assert task.status == "FAILED" and mail.outbox == []
    sweep = DBTaskResult.objects.get(task_path__endswith=".sweep", status="READY")

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    DBTaskResult.objects.filter(pk=sweep.pk).update(run_after=timezone.now())
    run_worker()
    assert mail.outbox == [], "the claim still holds"
    lease_runs_out()
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["eddie@example.org"]


class StartsAnotherRun(LocmemBackend):
    """Starts a second run in the middle of the first send, once."""

    armed, runs = False, []

    def send_messages(self, messages):
        if StartsAnotherRun.armed:
            StartsAnotherRun.armed = False
            StartsAnotherRun.runs.append(delivery.send_due())
        return super().send_messages(messages)


def test_two_runs_at_once_never_send_one_notification_twice(settings, people):
    """A second run started while the first is mid-send skips what the first holds, and the
    first skips what the second sent: each e-mail goes out once."""
    notes(people)
    use_mailer(settings, StartsAnotherRun)
    StartsAnotherRun.armed, StartsAnotherRun.runs = True, []
    first = delivery.send_due()
    assert (first, StartsAnotherRun.runs) == (1, [2])
    assert sorted(message.to[0] for message in mail.outbox) == [
        f"person{n}@example.org" for n in range(3)
    ]


def test_runs_in_threads_send_each_notification_once(people):
    """Four runs on their own connections over 30 notifications: 30 e-mails, none twice."""
    many = [make_user(f"reader{n}", email=f"reader{n}@example.org") for n in range(27)]
    notes(people + many)
    start = threading.Barrier(4)
    sent, errors = [], []

    def run():
        try:
            start.wait(timeout=10)
            sent.append(delivery.send_due())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    addresses = [message.to[0] for message in mail.outbox]
    assert sum(sent) == 30 and len(addresses) == 30 and len(set(addresses)) == 30
    assert not Notification.objects.filter(emailed_at=None).exists()


def test_the_sweep_queues_its_next_run_first_and_drops_old_ones(people):
    """A sweep queues the next a minute on before sending; finished ones over an hour old go."""
    old = delivery.sweep.enqueue()
    DBTaskResult.objects.filter(pk=old.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - datetime.timedelta(hours=2)
    )
    notes(people[:1])
    before = timezone.now()
    assert delivery.sweep.call() == 1
    (queued,) = DBTaskResult.objects.filter(task_path=delivery.sweep.module_path)
    assert queued.status == "READY"
    assert queued.run_after >= before + delivery.SWEEP_EVERY
    # Queuing again while one waits changes nothing.
    call_command("schedule_mail_sweep", stdout=io.StringIO())
    assert DBTaskResult.objects.filter(task_path=delivery.sweep.module_path).count() == 1


def test_no_address_means_nothing_to_send(people):
    """A recipient without an address gets the notification in the inbox, and no e-mail."""
    people[0].email = ""
    people[0].save()
    notes(people[:1])
    assert delivery.send_due() == 0
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is not None


UNDELIVERED = "/admin/articles/undeliveredmail/"


@pytest.mark.usefixtures("restore_roles")
def test_failed_mail_is_listed_for_editors_who_may_retry_it_now(
    client, settings, people, editor, writer
):
    """Editors see the failed e-mail with its recipient, error, attempts and next attempt;
    Retry now sends it at once; writers may not see the list."""
    use_mailer(settings, RefusingBackend)
    (failing,) = notes(people[:1])
    delivery.send_due()
    failing.refresh_from_db()
    for user, message in ((people[1], "Not tried yet"), (people[2], "Sent")):
        Notification.objects.create(recipient=user, verb="submitted", message=message, url="/")
    Notification.objects.filter(message="Sent").update(emailed_at=timezone.now())

    client.force_login(editor)
    page = client.get(UNDELIVERED).content.decode()
    assert "person0@example.org" in page and "Note 0" in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page
    assert '<td class="field-attempts">1</td>' in page
    assert f"{timezone.localtime(failing.next_attempt_at):%-d %b %Y, %H:%M}" in page
    assert "Not tried yet" not in page and "Sent" not in page, "neither of them failed"
    assert "Retry now" in page

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    response = client.post(
        UNDELIVERED, {"action": "retry_now", "_selected_action": [failing.pk]}, follow=True
    )
    assert "1 e-mail will be sent again now." in response.content.decode()
    run_worker()
    assert [message.to for message in mail.outbox] == [["person0@example.org"]]
    assert "Note 0" not in client.get(UNDELIVERED).content.decode()

    client.force_login(writer)
    assert client.get(UNDELIVERED).status_code == 403


@pytest.mark.usefixtures("restore_roles")
def test_given_up_mail_is_marked_so_and_retry_now_tries_once_more(client, settings, people, editor):
    """After the last attempt the list says "Given up"; Retry now gives it one more try."""
    use_mailer(settings, RefusingBackend)
    (note,) = notes(people[:1])
    Notification.objects.filter(pk=note.pk).update(attempts=delivery.MAX_ATTEMPTS - 1)
    delivery.send_due()
    client.force_login(editor)
    page = client.get(f"{UNDELIVERED}?delivery=given_up").content.decode()
    assert "Given up" in page and "Note 0" in page
    client.post(UNDELIVERED, {"action": "retry_now", "_selected_action": [note.pk]})
    run_worker()
    note.refresh_from_db()
    assert (note.attempts, note.next_attempt_at) == (delivery.MAX_ATTEMPTS + 1, None)


@pytest.mark.usefixtures("restore_roles")
def test_a_review_reminder_about_a_title_with_line_breaks_has_a_one_line_subject(
    make_article, publish_reviewed, writer
):
    """The daily reminder goes through the same delivery: one e-mail, its subject one line."""
    from articles.models import Article
    from articles.publishing import reminders

    writer.email = "wendy@example.org"
    writer.save()
    article = publish_reviewed(
        make_article("Sleep\r\nand stress", user=writer, medical_review=True)
    )
    today = timezone.localdate()
    Article.objects.filter(pk=article.pk).update(review_due=today)
    reminders.send(today)
    run_worker()
    (message,) = [m for m in mail.outbox if "is due on" in m.subject]
    assert message.to == ["wendy@example.org"]
    assert message.subject == (
        f"[Wellbeing Journal] The medical review of “Sleep and stress” is due on {today:%-d %B %Y}."
    )


def test_a_delivery_queued_under_its_old_name_still_runs(people):
    """Tasks queued before the upgrade name notify.deliver; the worker still finds it."""
    (note,) = notes(people[:1])
    DBTaskResult.objects.create(
        args_kwargs={"args": [[note.pk]], "kwargs": {}},
        task_path="articles.publishing.notify.deliver",
        backend_name="default",
        run_after=timezone.now(),
    )
    run_worker()
    assert [message.to for message in mail.outbox] == [["person0@example.org"]]
