"""A medical review overdue past the grace period: lapsed on the desk and in the list's
filter, and, when the site chooses, a note to readers that the page is being reviewed."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from articles.publishing import pagecache

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(make_article, publish_reviewed):
    """Two live health articles: one overdue by 10 days, one by 40 (grace is 30)."""
    today = timezone.localdate()
    made = {}
    for title, days in (("Slightly late", 10), ("Long lapsed", 40)):
        article = publish_reviewed(make_article(title, medical_review=True))
        Article.objects.filter(pk=article.pk).update(
            review_due=today - datetime.timedelta(days=days)
        )
        made[title] = Article.objects.get(pk=article.pk)
    return made


def test_the_desk_and_the_filter_tell_lapsed_from_overdue(client, editor, overdue, settings):
    """Past the grace period the desk says lapsed; the filter lists only that one."""
    settings.REVIEW_GRACE_DAYS = 30
    client.force_login(editor)
    desk = client.get("/admin/").content.decode()
    panel = desk[desk.index('id="reviews-due"') :]
    late = panel[panel.index("Slightly late") :][:200]
    lapsed = panel[panel.index("Long lapsed") :][:200]
    assert "<strong>overdue</strong>" in late and "lapsed" not in late
    assert "<strong>lapsed</strong> (past the grace period)" in lapsed
    listing = client.get("/admin/articles/article/?review=lapsed").content.decode()
    assert "Long lapsed" in listing and "Slightly late" not in listing
    assert "Overdue past the 30-day grace period" in listing
    settings.REVIEW_GRACE_DAYS = 5
    listing = client.get("/admin/articles/article/?review=lapsed").content.decode()
    assert "Long lapsed" in listing and "Slightly late" in listing


@pytest.mark.parametrize("note", [True, False])
def test_readers_are_told_only_when_the_site_chooses(client, overdue, settings, note):
    """With REVIEW_LAPSED_NOTE on, the lapsed page says it is being reviewed and the one
    within its grace does not; off, neither does."""
    settings.REVIEW_LAPSED_NOTE = note
    pagecache.restart()
    lapsed = client.get(overdue["Long lapsed"].get_absolute_url()).content.decode()
    late = client.get(overdue["Slightly late"].get_absolute_url()).content.decode()
    assert ("This page is being reviewed" in lapsed) is note
    assert "This page is being reviewed" not in late


def test_with_the_note_on_the_generation_ends_at_midnight(settings, db):
    """The note appears as a day begins, so the cached pages are made again then."""
    settings.REVIEW_LAPSED_NOTE = True
    record = pagecache.generation._new()
    midnight = timezone.localtime(datetime.datetime.fromtimestamp(record.valid_until, datetime.UTC))
    assert (midnight.hour, midnight.minute) == (0, 0)
    assert record.valid_until - record.last_modified <= 24 * 3600
