"""Each cached page carries the surrogate keys of what it shows, and a change purges
exactly the pages carrying its keys: the others stay cached."""

import threading
import time
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Author, Topic
from articles.publishing import pagecache
from tests.conftest import forget_cached_pages
from tests.test_outage import fetch

LISTS = ["/", "/topics/", "/authors/", "/feed/", "/llms.txt", "/faq/", "/sitemap-articles.xml"]


@pytest.fixture
def site(make_article, publish, make_faq, author, topic):
    """Two topics and two authors, an article in each, and a question on the first."""
    other_topic = Topic.objects.create(name="Diet", slug="diet", description="Food.")
    other_author = Author.objects.create(name="Bo Other", slug="bo-other", bio="Also writes.")
    first = make_article("Sleep well tonight")
    question = make_faq("How long should I sleep?", topic=topic, article=first)
    first = publish(first)
    second = publish(make_article("Eat greens", topic=other_topic, author=other_author))
    question.refresh_from_db()
    return {
        "first": first, "second": second, "question": question, "topic": topic,
        "other_topic": other_topic, "author": author, "other_author": other_author,
    }  # fmt: skip


def urls_of(site):
    return [
        site["first"].get_absolute_url(),
        site["second"].get_absolute_url(),
        site["topic"].get_absolute_url(),
        site["other_topic"].get_absolute_url(),
        site["author"].get_absolute_url(),
        site["other_author"].get_absolute_url(),
        f"/articles/{site['first'].slug}.md",
        f"/faq/{site['topic'].slug}/",
        *LISTS,
    ]


def keys_of(response):
    return set(response["xkey"].split())


def cache_all(client, urls):
    """Each page rendered and stored; {url: its keys}."""
    held = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        held[url] = keys_of(response)
        assert client.get(url)["X-Cache"] == "HIT", url
    return held


def rendered(client, urls):
    """The pages that were made again rather than served from the cache."""
    made = set()
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response["X-Cache"] != "HIT":
            made.add(url)
            assert len(queries) > 0
    return made


def test_each_kind_of_page_carries_the_keys_of_what_it_shows(client, site):
    """An article's page names it and its questions, lists name their list and the items
    they link, and every page names ``all``; the keys reach the three CDN headers."""
    first, second = site["first"], site["second"]
    article = client.get(first.get_absolute_url())
    assert keys_of(article) == {
        f"article-{first.pk}", f"article-{first.pk}.whole", f"faqentry-{site['question'].pk}",
        "all",
    }  # fmt: skip
    assert article["Surrogate-Key"] == article["xkey"]
    assert article["Cache-Tag"] == ",".join(sorted(keys_of(article)))
    topic = keys_of(client.get(site["topic"].get_absolute_url()))
    assert {f"topic-{site['topic'].pk}", f"article-{first.pk}"} <= topic
    assert f"article-{second.pk}" not in topic and "articles" not in topic
    author = keys_of(client.get(site["other_author"].get_absolute_url()))
    assert {f"author-{site['other_author'].pk}", f"article-{second.pk}"} <= author
    home = keys_of(client.get("/"))
    assert {"articles", f"article-{first.pk}", f"article-{second.pk}"} <= home
    assert "faq" in keys_of(client.get(f"/faq/{site['topic'].slug}/"))
    assert "content" in keys_of(client.get("/llms.txt"))


def test_a_live_edit_purges_exactly_the_pages_that_show_the_article(client, site, writer, publish):
    """Publishing an edit of one article makes again only the pages carrying its keys,
    and none of the pages it is not on; none serves the old title afterwards."""
    urls = urls_of(site)
    held = cache_all(client, urls)
    first = site["first"]
    first.title = "Sleep better tonight"
    first.save(user=writer)
    publish(first)
    purged = {f"article-{first.pk}", "content"}
    expected = {url for url, names in held.items() if names & purged}
    assert rendered(client, urls) == expected
    for url in (site["second"].get_absolute_url(), site["other_topic"].get_absolute_url()):
        assert url not in expected
    assert first.get_absolute_url() in expected and "/" in expected
    for url in urls:
        assert "Sleep well tonight" not in client.get(url).content.decode(), url


def test_a_body_edit_purges_the_article_s_own_pages_and_not_the_pages_linking_it(
    client, site, writer, publish, make_article
):
    """A correction that leaves the article's card as it was re-renders its page, its
    Markdown, its question's page and the lists of everything, not its topic, its author,
    the home page or another article whose related box links it."""
    first = site["first"]
    # Its card's description is its own, not an excerpt of the body.
    first.meta_description = "Seven to nine hours, for most adults."
    first.save(user=writer)
    first = publish(first)
    neighbour = publish(make_article("Sleep and screens"))
    urls = [*urls_of(site), neighbour.get_absolute_url()]
    held = cache_all(client, urls)
    assert f"article-{first.pk}" in held[neighbour.get_absolute_url()]  # its related box
    first.body += "\n\nSleep better: keep the bedroom cool and dark."
    first.save(user=writer)
    publish(first)
    made = rendered(client, urls)
    mine = {first.get_absolute_url(), f"/articles/{first.slug}.md"}
    # Its question is published with it again: the pages showing the question too.
    again = {"content", f"faqentry-{site['question'].pk}"}
    assert made == mine | {url for url, names in held.items() if names & again}
    assert not made & {neighbour.get_absolute_url(), "/", site["topic"].get_absolute_url()}
    for url in mine:
        assert "keep the bedroom cool" in client.get(url).content.decode(), url


def test_a_new_publication_purges_its_lists_and_not_the_others(client, site, make_article, publish):
    """A new article joins the lists of all articles, its topic's and its author's: those
    pages are made again with it, while the other topic's and author's pages stay."""
    urls = urls_of(site)
    cache_all(client, urls)
    fresh = publish(make_article("Naps count too", author=site["author"]))
    made = rendered(client, urls)
    stayed = {
        site["second"].get_absolute_url(),
        site["other_topic"].get_absolute_url(),
        site["other_author"].get_absolute_url(),
    }
    assert not made & stayed
    for url in ("/", site["topic"].get_absolute_url(), site["author"].get_absolute_url()):
        assert url in made and "Naps count too" in client.get(url).content.decode()
    assert fresh.get_absolute_url() not in made  # it was no page before


def test_an_unpublish_purges_every_page_that_showed_it(client, site, editor):
    """A withdrawal takes the article off every page that named it, on the next request."""
    urls = urls_of(site)
    held = cache_all(client, urls)
    first = site["first"]
    first.unpublish(editor, note="Under review")
    for url in urls:
        response = client.get(url)
        assert "Sleep well tonight" not in response.content.decode(), url
    showing = {url for url, names in held.items() if f"article-{first.pk}" in names}
    assert first.get_absolute_url() in showing and "/" in showing


def test_a_page_purged_while_it_renders_is_not_stored_as_current(client, site, monkeypatch):
    """A purge that lands during a render leaves that render uncached: the next reader
    gets a page made after the purge."""
    from articles.views import ArticleDetailView

    url = site["first"].get_absolute_url()
    original = ArticleDetailView.get_context_data

    def purged_meanwhile(self, **kwargs):
        context = original(self, **kwargs)
        pagecache.purged({f"article-{site['first'].pk}"})
        return context

    monkeypatch.setattr(ArticleDetailView, "get_context_data", purged_meanwhile)
    client.get(url)
    monkeypatch.setattr(ArticleDetailView, "get_context_data", original)
    assert client.get(url)["X-Cache"] == "MISS"
    assert client.get(url)["X-Cache"] == "HIT"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_roles")
def test_one_render_per_change_across_threads(live_server, make_article, publish, monkeypatch):
    """Twelve readers ask at once for a page whose copy was just purged: it is made once,
    and each reader gets a page (the old copy or the new), none an error."""
    from django.conf import settings

    from articles.views import ArticleDetailView

    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip(
            "The file cache's add() is not atomic between threads, so its lock is not "
            "either; CI runs this in its PostgreSQL and Redis pass"
        )
    article = publish(make_article("Popular page"))
    url = live_server.url + article.get_absolute_url()
    forget_cached_pages()
    renders = []
    original = ArticleDetailView.get_context_data

    def slow(self, **kwargs):
        renders.append(self.object.pk)
        time.sleep(0.3)  # a render long enough for every reader to arrive during it
        return original(self, **kwargs)

    monkeypatch.setattr(ArticleDetailView, "get_context_data", slow)
    fetch(url)
    for wave in range(2):
        renders.clear()
        pagecache.purged({f"article-{article.pk}"})
        answers = []

        def read(answers=answers):
            status, headers, _ = fetch(url)
            answers.append((status, headers["X-Cache"]))

        readers = [threading.Thread(target=read) for _ in range(12)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        assert len(renders) == 1, (wave, renders)
        assert len(answers) == 12 and {status for status, _ in answers} == {200}
        assert {state for _, state in answers} <= {"MISS", "STALE", "HIT"}


def test_a_change_carried_by_another_server_keeps_the_other_pages_current(
    client, site, writer, publish, django_capture_on_commit_callbacks
):
    """A process that read the database's count just before another server's change
    finds the shared record ahead of it: it reads again, and keeps every page the change
    did not touch instead of dropping them all."""
    first, second = site["first"], site["second"]
    cache_all(client, [first.get_absolute_url(), second.get_absolute_url()])
    read_before = pagecache.known.changes
    first.title = "Sleep better tonight"
    first.save(user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        publish(first)
    assert pagecache.current().changes > read_before  # carried into the shared record
    # As if this process were another server: its last read predates the change.
    pagecache.known.changes = read_before
    pagecache.known.read_at = pagecache.known.tried_at = time.monotonic()
    assert client.get(second.get_absolute_url())["X-Cache"] == "HIT"
    assert client.get(first.get_absolute_url())["X-Cache"] == "MISS"


def test_a_database_behind_the_shared_record_starts_a_new_generation(client, site):
    """A database that counts fewer changes than the shared record (restored from a
    backup) is not trusted to be the state the copies were made from: every page is made
    again."""
    from django.core.cache import cache

    from articles.publishing.pagecache import generation

    generation._pending.block = None  # the site's publications are committed
    url = site["second"].get_absolute_url()
    cache_all(client, [url])
    record = pagecache.Generation.load(cache.get(pagecache.GENERATION_KEY))
    ahead = replace(record, changes=record.changes + 5)
    cache.set(pagecache.GENERATION_KEY, ahead.dump(), None)
    pagecache.known.read_at = pagecache.known.tried_at = time.monotonic()
    assert client.get(url)["X-Cache"] == "MISS"
    assert client.get(url)["X-Cache"] == "HIT"


@pytest.mark.parametrize("reached", [True, False], ids=["purges-reached", "purges-missed"])
def test_a_change_committed_and_not_yet_carried(
    client, site, monkeypatch, django_capture_on_commit_callbacks, reached
):
    """Between a commit and the counts reaching the shared record, the database is ahead
    by one change. If its purges reached the shared cache before it committed, the pages
    it did not touch stay current; if they did not, every page is made again."""
    from articles.publishing.pagecache import generation, versions

    generation._pending.block = None  # the site's publications are committed
    pagecache.known.tried_at = float("-inf")  # and the shared record takes their count
    first, second = site["first"].get_absolute_url(), site["second"].get_absolute_url()
    cache_all(client, [first, second])
    if not reached:
        monkeypatch.setattr(versions, "bump", lambda names: False)
    with django_capture_on_commit_callbacks(execute=False):  # committed, not carried yet
        pagecache.purged({f"article-{site['first'].pk}"}, withdrawal=True)
    generation._pending.block = None
    monkeypatch.undo()
    pagecache.known.tried_at = float("-inf")  # this process reads the database next
    assert client.get(second)["X-Cache"] == ("HIT" if reached else "MISS")
    assert client.get(first)["X-Cache"] == "MISS"
