"""The sitemap, the Atom feed and robots.txt list only what the public may see."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Author, Topic
from tests.conftest import sitemap_locations

SITE = "https://example.test"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def articles_in_every_state(make_article, publish, writer):
    """One article per state; returns {state: article}."""
    future = timezone.now() + datetime.timedelta(days=3)
    in_review = make_article("In review piece")
    in_review.submit_for_review(writer)
    return {
        "published": publish(make_article("Published piece")),
        "draft": make_article("Draft piece"),
        "in_review": in_review,
        "scheduled": publish(make_article("Scheduled piece"), at=future),
        "noindex": publish(make_article("Noindex piece", noindex=True)),
    }


def test_sitemap_lists_only_published_indexable_articles(client, articles_in_every_state):
    """The sitemap has the published article, absolute on SITE_URL, and no hidden or noindex one."""
    locations = sitemap_locations(client)
    assert all(loc.startswith(f"{SITE}/") for loc in locations)
    article_locs = {loc for loc in locations if "/articles/" in loc}
    assert article_locs == {f"{SITE}{articles_in_every_state['published'].get_absolute_url()}"}
    assert f"{SITE}/" in locations


def test_sitemap_leaves_out_topics_and_authors_without_published_articles(
    client, make_article, publish, writer
):
    """Topics and authors whose only articles are unpublished are not in the sitemap."""
    publish(make_article("Visible piece"))  # default topic "sleep", author "ada-byline"
    quiet_topic = Topic.objects.create(name="Quiet", slug="quiet")
    quiet_author = Author.objects.create(name="Quiet Writer", slug="quiet-writer")
    make_article("Draft only", topic=quiet_topic, author=quiet_author)
    make_article("Review only", topic=quiet_topic, author=quiet_author).submit_for_review(writer)
    future = timezone.now() + datetime.timedelta(days=1)
    publish(make_article("Scheduled only", topic=quiet_topic, author=quiet_author), at=future)

    locations = sitemap_locations(client)
    assert f"{SITE}/topics/sleep/" in locations
    assert f"{SITE}/authors/ada-byline/" in locations
    assert f"{SITE}/topics/quiet/" not in locations
    assert f"{SITE}/authors/quiet-writer/" not in locations
    assert len(locations) == len(set(locations)), "no duplicate locations"


def test_feed_lists_only_published_articles(client, articles_in_every_state):
    """The Atom feed's entries are the published articles only, with absolute links."""
    response = client.get("/feed/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own server's output
    links = {link.get("href") for link in root.findall("atom:entry/atom:link", ATOM_NS)}
    url = {state: f"{SITE}{a.get_absolute_url()}" for state, a in articles_in_every_state.items()}
    assert url["published"] in links
    assert links.isdisjoint({url["draft"], url["in_review"], url["scheduled"]})
    assert all(link.startswith(f"{SITE}/articles/") for link in links)
    titles = {e.text for e in root.findall("atom:entry/atom:title", ATOM_NS)}
    assert titles.isdisjoint({"Draft piece", "In review piece", "Scheduled piece"})


def test_robots_txt_names_the_sitemap(client):
    """robots.txt points crawlers at the absolute sitemap URL."""
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {SITE}/sitemap.xml" in response.text.splitlines()


def feed_entries(client):
    response = client.get("/feed/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own server's output
    return root.findall("atom:entry", ATOM_NS)


def test_feed_summaries_are_plain_text(client, make_article, publish):
    """A summary goes out as type="text", so markup in it is shown as written, never run."""
    summary = 'Sleep <img src=x onerror=alert(1)> & <b>rest</b> "well".'
    publish(make_article(summary=summary, meta_description=summary))
    (entry,) = feed_entries(client)
    element = entry.find("atom:summary", ATOM_NS)
    assert element.get("type") == "text"
    assert element.text == summary


def test_control_characters_stored_anywhere_never_break_the_feed(client, make_article, publish):
    """Control characters written straight to the database are dropped from the feed: no 500."""
    article = publish(make_article(summary="Calm"))
    type(article).objects.filter(pk=article.pk).update(
        title="Sleep\x0b well", summary="Calm\x01 nights\x1f", meta_description=""
    )
    Author.objects.filter(pk=article.author_id).update(name="Ada\x0c Byline")
    Topic.objects.filter(pk=article.topic_id).update(name="Sle\x08ep")
    (entry,) = feed_entries(client)
    assert entry.find("atom:title", ATOM_NS).text == "Sleep well"
    assert entry.find("atom:summary", ATOM_NS).text == "Calm nights"
    assert entry.find("atom:author/atom:name", ATOM_NS).text == "Ada Byline"
    assert entry.find("atom:category", ATOM_NS).get("term") == "Sleep"


def test_sitemap_sections_are_pages_of_bounded_size(client, make_article, publish, monkeypatch):
    """The index lists each page of each section; no page holds more than the limit."""
    from articles.sitemaps import SiteSitemap

    monkeypatch.setattr(SiteSitemap, "limit", 2)
    for n in range(5):
        publish(make_article(f"Piece {n}"))
    index = client.get("/sitemap.xml").content.decode()
    pages = [loc for loc in re.findall(r"<loc>([^<]+)</loc>", index) if "articles" in loc]
    assert pages == [
        f"{SITE}/sitemap-articles.xml",
        f"{SITE}/sitemap-articles.xml?p=2",
        f"{SITE}/sitemap-articles.xml?p=3",
    ]
    sizes = [
        client.get("/sitemap-articles.xml", {"p": p}).content.decode().count("<url>")
        for p in (1, 2, 3)
    ]
    assert sizes == [2, 2, 1]
    assert len(set(sitemap_locations(client))) == len(sitemap_locations(client))


def test_the_sitemap_index_reads_the_faq_pages_once(client, make_faq, publish, topic):
    """The index asks the FAQ section for its date and its page count: one read serves both."""
    publish(make_faq("Does a warm bath help sleep?", topic=topic))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/sitemap.xml", {"uncached": 1})
    assert response.status_code == 200 and b"/sitemap-faq.xml" in response.content
    faq_reads = [q["sql"] for q in queries if 'FROM "faq_faqentry"' in q["sql"]]
    assert len([sql for sql in faq_reads if "updated_at" in sql and "LIMIT 1" in sql]) == 1
