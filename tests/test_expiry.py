"""Unpublish at: a page comes down at its time, with no cron, everywhere at once, and the
task worker then unpublishes it in the workflow and logs it."""

import datetime
import io
import os
import time

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article, Notification, Transition
from articles.publishing import expiry, pagecache
from articles.publishing.pagecache.store import Copy
from articles.publishing.workflow import InvalidTransition
from faq.models import FAQEntry
from tests.journeys.browser import form_data
from tests.test_outage import fetch, site
from tests.test_two_servers import database_url
from tests.test_withdrawal import SECRET, database_cut, public_urls, shown

# Long enough for two servers to cache every public URL twice on a busy machine first.
LEAD_SECONDS = 20

CHANGE = "/admin/articles/article/{}/change/"


def soon(seconds):
    return timezone.now() + datetime.timedelta(seconds=seconds)


@pytest.fixture
def seasonal(make_article, make_faq, publish):
    """A live article, with a question, whose Unpublish at is ``seconds`` away."""

    def make(seconds, **fields):
        article = make_article(
            f"{SECRET} winter advice",
            summary=f"What {SECRET} said about the winter.",
            body=f"Intro about {SECRET}.\n\n## Doses\n\nTake {SECRET} twice a day.",
            focus_keyword="winter advice",
            expires_at=soon(seconds),
            **fields,
        )
        make_faq(f"Is {SECRET} safe?", f"{SECRET} is safe.", article=article)
        return publish(article)

    return make


@pytest.mark.django_db
def test_past_its_time_a_page_is_not_published_whatever_the_row_says(seasonal):
    """published() and is_live leave it out from its Unpublish at, before any worker ran;
    its question comes down with it; the desk reads "came down"."""
    article = seasonal(3600)
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert FAQEntry.objects.get(article=article).expires_at == article.expires_at
    Article.objects.filter(pk=article.pk).update(expires_at=soon(-1))
    FAQEntry.objects.filter(article=article).update(expires_at=soon(-1))
    article = Article.objects.get(pk=article.pk)
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert not FAQEntry.objects.published().filter(article=article).exists()
    assert Article.objects.with_liveness().get(pk=article.pk).is_live is False
    assert article.live and article.has_expired and not article.is_scheduled
    assert article.state_label() == "Came down at its Unpublish at"


@pytest.mark.django_db
def test_publishing_refuses_an_unpublish_at_before_it_goes_live(make_article, publish):
    """An Unpublish at already past, or before a scheduled Publish at, is a clear refusal."""
    article = make_article("Short-lived", expires_at=soon(-60))
    with pytest.raises(InvalidTransition, match="Unpublish at is not after it would go live"):
        publish(article)
    assert not Article.objects.get(pk=article.pk).live
    later = make_article("Later", expires_at=soon(3600))
    with pytest.raises(InvalidTransition, match="Unpublish at"):
        publish(later, at=soon(7200))


@pytest.mark.django_db
def test_publishing_queues_the_take_down_for_its_time(seasonal, django_capture_on_commit_callbacks):
    """One run queued at the Unpublish at; a later page does not queue a second, a sooner
    one does."""
    with django_capture_on_commit_callbacks(execute=True):
        article = seasonal(3600)
    queued = DBTaskResult.objects.filter(task_path=expiry.run.module_path, status="READY")
    assert list(queued.values_list("run_after", flat=True)) == [article.expires_at]
    assert expiry.queue(soon(7200)) == article.expires_at and queued.count() == 1
    sooner = soon(60)
    assert expiry.queue(sooner) == sooner and queued.count() == 2


@pytest.mark.django_db
def test_the_worker_unpublishes_logs_and_tells_the_owner(seasonal, writer):
    """Run past the time, the worker unpublishes the page and its question, logs it with
    no person, tells the owner, and counts a withdrawal; a second run finds nothing."""
    article = seasonal(3600, user=writer)
    withdrawals = pagecache.generation._counts()[1]
    Article.objects.filter(pk=article.pk).update(expires_at=soon(-1))
    assert expiry.take_down() == 1
    article.refresh_from_db()
    assert not article.live and article.status == "draft"
    assert not FAQEntry.objects.get(article=article).live
    log = Transition.objects.for_object(article).first()
    assert (log.action, log.user) == ("expire", None)
    assert pagecache.generation._counts()[1] == withdrawals + 1
    assert Notification.objects.filter(recipient=writer, verb="unpublished").exists()
    assert expiry.take_down() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_roles")
def test_the_task_worker_runs_it_at_its_time(seasonal):
    """The queued run, once due, takes the page down through the real worker."""
    article = seasonal(1)
    time.sleep(1.1)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())
    article.refresh_from_db()
    assert not article.live
    assert Transition.objects.for_object(article).first().action == "expire"


@pytest.mark.django_db
def test_the_generation_ends_at_the_next_unpublish_at(seasonal):
    """The page cache's record ends when the page comes down, and says so for copies."""
    article = seasonal(3600)
    fresh = pagecache.generation._new()
    assert fresh.valid_until == pytest.approx(article.expires_at.timestamp())
    assert fresh.ends_by == pytest.approx(article.expires_at.timestamp())


def test_an_outage_copy_past_its_ends_by_is_never_served():
    """A copy whose ends_by has passed is not an outage copy, whatever its withdrawals."""
    from articles.publishing.pagecache.middleware import _outage_copy

    generation = pagecache.Generation("t", 0, time.time() + 60, 0, 0, time.time() + 60)
    gone = Copy("t", 0, 200, (), b"old", ends_by=time.time() - 1)
    kept = Copy("t", 0, 200, (), b"fine", ends_by=time.time() + 60)
    assert _outage_copy([gone], generation) is None
    assert _outage_copy([gone, kept], generation) is kept


@pytest.mark.django_db
def test_the_change_form_takes_an_unpublish_at_in_the_sites_format(client, editor, make_article):
    """24/12/2031 09:30 is saved as that local time; a past time is refused with the
    reason and nothing lost; an unchanged past time (a page that came down) saves."""
    article = make_article("Seasonal", user=editor)
    client.force_login(editor)
    url = CHANGE.format(article.pk)
    data = form_data(client.get(url).content.decode(), "article_form")
    response = client.post(url, {**data, "expires_at": "24/12/2031 09:30", "_continue": "1"})
    assert response.status_code == 302
    saved = Article.objects.get(pk=article.pk).expires_at
    assert timezone.localtime(saved).strftime("%d/%m/%Y %H:%M") == "24/12/2031 09:30"
    data = form_data(client.get(url).content.decode(), "article_form")
    assert data["expires_at"] == "24/12/2031 09:30"
    response = client.post(url, {**data, "expires_at": "01/01/2020 09:30", "body": "Kept."})
    page = response.content.decode()
    assert response.status_code == 200 and "Unpublish at must be in the future." in page
    assert "Kept." in page
    Article.objects.filter(pk=article.pk).update(expires_at=soon(-60))
    data = form_data(client.get(url).content.decode(), "article_form")
    response = client.post(url, {**data, "summary": "Edited after.", "_continue": "1"})
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_roles")
def test_at_its_time_every_public_url_on_two_servers_loses_it(seasonal):
    """Both servers cache every public URL; a second after the Unpublish at, with no
    worker and no request to the admin, neither serves the text anywhere."""
    prefix = os.environ["CACHE_KEY_PREFIX"]
    with site(database_url(), prefix) as a, site(database_url(), prefix) as b:
        article = seasonal(LEAD_SECONDS)
        urls = public_urls(a, article)
        for _ in range(2):  # made, then served from the cache
            assert len(shown(a, urls)) >= 8 and len(shown(b, urls)) >= 8
        assert time.time() < article.expires_at.timestamp(), "caching took past its time"
        time.sleep(max(0, article.expires_at.timestamp() - time.time()) + 1)
        assert shown(a, urls) == [] and shown(b, urls) == []
        assert Article.objects.get(pk=article.pk).live  # no worker ran: the time did it


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_roles")
def test_a_database_outage_at_its_time_brings_nothing_back(seasonal):
    """Every URL cached, then the database goes before the Unpublish at: after it, the
    server serves none of the old copies (503 rather than the text)."""
    prefix = os.environ["CACHE_KEY_PREFIX"]
    with (
        database_cut(database_url()) as (url, cut),
        site(url, prefix, CONN_MAX_AGE="0") as base,
    ):
        article = seasonal(LEAD_SECONDS)
        urls = public_urls(base, article)
        for _ in range(2):
            assert len(shown(base, urls)) >= 8
        cut()
        assert SECRET in fetch(base + article.get_absolute_url())[2]  # before: the outage copy
        time.sleep(max(0, article.expires_at.timestamp() - time.time()) + 1)
        assert shown(base, urls) == []
