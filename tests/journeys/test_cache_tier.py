"""Through Varnish, as readers get the site in production: a live article edited at the
desk, signed off and published, then unpublished, while readers read through the cache.

Only what the change touched is fetched again from the app; a draft changes nothing; an
unpublish is gone from Varnish at once."""

import time

import pytest

from articles.models import Article
from tests.journeys.test_health_article import change_url, messages_of, move
from tests.test_varnish import through, varnish  # noqa: F401 - the fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]

SLUG = "why-worry-keeps-you-awake"
ELSEWHERE = "/articles/a-breathing-exercise-for-stressful-days/"
NEW_SUMMARY = "Racing thoughts at night, and four steps that calm them."
NEW_TITLE = "Why worry keeps you up at night, and what calms it"


def state(varnish, path):  # noqa: F811 - the fixture's value
    status, headers, text = through(varnish, path)
    return status, headers.get("X-Cache"), text


def settled(varnish, path, new, old):  # noqa: F811
    """How many readers got the old copy (within Varnish's grace) before the new text."""
    stale = 0
    for _ in range(40):
        status, cached, text = state(varnish, path)
        if new in text:
            return stale
        assert cached == "STALE" and old in text, (path, cached)
        stale += 1
        time.sleep(0.05)
    raise AssertionError(f"{path} never showed the new text")


def test_an_edit_and_an_unpublish_reach_readers_through_varnish(people, varnish):  # noqa: F811
    """The writer's draft leaves Varnish's copies alone; the published edit replaces the
    article's pages at once, and not the other topic's; the unpublish takes it off every
    page at once."""
    writer, editor, reviewer = people["writer"], people["editor"], people["reviewer"]
    # The breathing exercise, waiting in review on another topic, goes live first.
    other = Article.objects.get(slug=ELSEWHERE.split("/")[2])
    description = (
        "A two-minute breathing exercise to use on stressful days: how to do it, when it "
        "helps, and when to ask a GP about anxiety instead."
    )
    editor.submit(change_url(other), "article_form", {"meta_description": description})
    move(reviewer, other, "sign_off", "Fine.")
    response = move(editor, other, "publish", "", _publish_despite_advice="1")
    assert "Published" in messages_of(response), messages_of(response)
    article = Article.objects.get(slug=SLUG)
    page = article.get_absolute_url()
    reader_paths = [page, "/", article.topic.get_absolute_url(), ELSEWHERE, "/feed/"]
    for path in reader_paths:
        state(varnish, path)
        assert state(varnish, path)[:2] == (200, "HIT"), path
    old_summary, old_title = article.summary, article.title

    # A draft: every copy stays, and none shows the new words.
    changes = {"summary": NEW_SUMMARY, "title": NEW_TITLE, "_continue": "1"}
    writer.submit(change_url(article), "article_form", changes)
    for path in reader_paths:
        status, cached, text = state(varnish, path)
        assert (status, cached) == (200, "HIT") and NEW_TITLE not in text, path

    # Reviewed and published: the article's pages change, the other topic's page does not.
    move(writer, article, "submit", "Clearer summary.")
    response = move(reviewer, article, "sign_off", "Fine.")
    assert "Signed off" in messages_of(response), messages_of(response)
    response = move(editor, article, "publish", "", _publish_despite_advice="1")
    assert "Published" in messages_of(response), messages_of(response)
    # The text replaced: no reader gets the old page, even in grace.
    assert settled(varnish, page, NEW_SUMMARY, old_summary) == 0
    for path in ("/", article.topic.get_absolute_url(), "/feed/"):
        assert settled(varnish, path, NEW_TITLE, old_title) <= 1, path
    assert state(varnish, ELSEWHERE)[1] == "HIT"

    # Unpublished: no grace copy anywhere.
    response = move(editor, article, "unpublish", "Being rewritten.")
    assert "Unpublished" in messages_of(response), messages_of(response)
    assert state(varnish, page)[0] == 404
    for path in ("/", article.topic.get_absolute_url(), "/feed/", "/sitemap-articles.xml"):
        status, cached, text = state(varnish, path)
        assert status == 200 and NEW_TITLE not in text and old_title not in text, path
    assert state(varnish, ELSEWHERE)[1] == "HIT"
