"""The content API under /api/v1/: published, indexable items only, through the page
cache too; cursor pagination, filters, query counts, JSON escaping and the OpenAPI
document."""

import datetime
import io
import json
import time

import pytest
from django.core.files.base import ContentFile
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openapi_spec_validator import validate
from PIL import Image as Pillow

from articles.api import pagination
from articles.api.routes import BY_DATE
from articles.models import Article, Author, Image, Topic
from articles.publishing.pagecache import middleware
from faq.models import FAQEntry
from tests.conftest import forget_cached_pages

API = "/api/v1"
ENDPOINTS = ["articles", "faqs", "topics", "authors"]


def get(client, url, **extra):
    response = client.get(url, **extra)
    return response, json.loads(response.content) if response.status_code == 200 else None


def slugs(client, url):
    response, data = get(client, url)
    assert response.status_code == 200, url
    return [item["slug"] for item in data["items"]]


def cached_twice(client, url):
    """Fetch ``url`` until the second answer comes from the cache; its JSON."""
    first = client.get(url)
    assert first.status_code == 200, url
    second = client.get(url)
    assert second["X-Cache"] == "HIT", url
    return json.loads(second.content)


def soon(seconds):
    return timezone.now() + datetime.timedelta(seconds=seconds)


@pytest.fixture
def states(make_article, make_faq, publish, writer, editor):
    """One article in each state, each with a question (the noindex one's marked noindex
    too: a question is an item of its own, shown on the FAQ pages)."""
    made = {}
    for name in ("published", "draft", "review", "trashed", "noindex", "scheduled", "past"):
        article = make_article(f"State {name}", noindex=name == "noindex")
        hidden = name == "noindex"
        make_faq(f"A question on {name}?", "An answer.", article=article, noindex=hidden)
        made[name] = article
    publish(made["published"])
    publish(made["noindex"])
    made["review"].submit_for_review(writer)
    publish(made["trashed"]).move_to_trash(editor)
    publish(made["scheduled"], at=soon(3600))
    publish(made["past"])
    Article.objects.filter(pk=made["past"].pk).update(expires_at=soon(-1))
    FAQEntry.objects.filter(article=made["past"]).update(expires_at=soon(-1))
    for article in made.values():
        article.refresh_from_db()
    return made


@pytest.mark.django_db
def test_only_published_indexable_items_are_listed_or_found(client, states):
    """Drafts, items in review, in the trash, marked noindex, scheduled or past their
    Unpublish at are in no list and answer 404; the published article and its question
    are everywhere."""
    shown = states["published"]
    assert slugs(client, f"{API}/articles") == [shown.slug]
    question = FAQEntry.objects.get(article=shown)
    assert slugs(client, f"{API}/faqs") == [question.slug]
    for name, article in states.items():
        found = client.get(f"{API}/articles/{article.slug}").status_code
        entry = FAQEntry.objects.get(article=article)
        asked = client.get(f"{API}/faqs/{entry.slug}").status_code
        assert (found, asked) == ((200, 200) if name == "published" else (404, 404)), name
    _, detail = get(client, f"{API}/articles/{shown.slug}")
    assert [faq["slug"] for faq in detail["faqs"]] == [question.slug]
    _, entry = get(client, f"{API}/faqs/{question.slug}")
    assert entry["article_slug"] == shown.slug


@pytest.mark.django_db
def test_a_question_never_names_an_article_readers_cannot_see(
    client, make_article, make_faq, publish
):
    """A published question filed under a draft article shows without the article's slug."""
    hidden = make_article("Still a draft")
    entry = publish(make_faq("A lone question?", "Yes.", article=None))
    FAQEntry.objects.filter(pk=entry.pk).update(article=hidden)
    _, data = get(client, f"{API}/faqs/{entry.slug}")
    assert data["article_slug"] is None
    assert hidden.slug not in json.dumps(data)


@pytest.mark.django_db
def test_an_unpublished_article_leaves_the_cached_api(client, published, make_faq, editor):
    """Cached lists and detail pages of the API drop an article the moment it is
    unpublished, with its questions."""
    urls = [f"{API}/articles", f"{API}/articles?topic=sleep", f"{API}/articles?author=ada-byline"]
    for url in urls:
        assert [item["slug"] for item in cached_twice(client, url)["items"]] == [published.slug]
    detail = f"{API}/articles/{published.slug}"
    cached_twice(client, detail)
    published.unpublish(editor)
    for url in urls:
        assert slugs(client, url) == [], url
    assert client.get(detail).status_code == 404


@pytest.mark.django_db
def test_a_question_leaves_the_cached_api_with_its_article(
    client, make_article, make_faq, publish, editor
):
    """The FAQ list and a question's own page, cached, lose it when its article comes down."""
    article = make_article("With a question")
    make_faq("Does it go too?", "It does.", article=article)
    publish(article)
    entry = FAQEntry.objects.get(article=article)
    assert [item["slug"] for item in cached_twice(client, f"{API}/faqs")["items"]] == [entry.slug]
    cached_twice(client, f"{API}/faqs/{entry.slug}")
    article.unpublish(editor)
    assert slugs(client, f"{API}/faqs") == []
    assert client.get(f"{API}/faqs/{entry.slug}").status_code == 404


@pytest.mark.django_db
def test_an_article_past_its_unpublish_at_leaves_the_cached_api(client, make_article, publish):
    """Cached before its Unpublish at, the API's copies are not served past it, with no
    worker run and no purge."""
    article = publish(make_article("Seasonal", expires_at=soon(6)))
    list_url, detail = f"{API}/articles", f"{API}/articles/{article.slug}"
    assert [item["slug"] for item in cached_twice(client, list_url)["items"]] == [article.slug]
    cached_twice(client, detail)
    assert time.time() < article.expires_at.timestamp(), "caching took past its time"
    time.sleep(max(0, article.expires_at.timestamp() - time.time()) + 0.5)
    assert slugs(client, list_url) == []
    assert client.get(detail).status_code == 404


@pytest.fixture
def many(make_article, publish, monkeypatch):
    """Eight published articles, three sharing one publication time; pages of three."""
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    made = [publish(make_article(f"Article number {n}")) for n in range(8)]
    same = timezone.now() - datetime.timedelta(hours=1)
    Article.objects.filter(pk__in=[a.pk for a in made[2:5]]).update(published_at=same)
    return made


def walk(client, url):
    """Every page of a list, following ``next_url``: the slugs in order, and the pages."""
    seen, pages = [], 0
    while url:
        response, data = get(client, url)
        assert response.status_code == 200, url
        seen += [item["slug"] for item in data["items"]]
        pages += 1
        url = data["next_url"] and data["next_url"].removeprefix("https://example.test")
    return seen, pages


@pytest.mark.django_db
def test_the_cursor_walks_every_article_exactly_once_newest_first(client, many):
    """Following the cursors reaches each article once, in (published_at, id) order,
    ties included, and the last page has no next."""
    seen, pages = walk(client, f"{API}/articles")
    expected = list(
        Article.objects.published().order_by("-published_at", "-pk").values_list("slug", flat=True)
    )
    assert seen == expected and len(set(seen)) == 8
    assert pages == 3


@pytest.mark.django_db
def test_a_walk_is_not_shifted_by_an_article_withdrawn_meanwhile(client, many, editor):
    """An article withdrawn after the first page leaves the rest of the walk whole."""
    response, first = get(client, f"{API}/articles")
    gone = Article.objects.get(slug=first["items"][-1]["slug"])
    gone.unpublish(editor)
    rest, _ = walk(client, first["next_url"].removeprefix("https://example.test"))
    shown = [item["slug"] for item in first["items"]] + rest
    assert len(shown) == 8 and len(set(shown)) == 8 and gone.slug not in rest


@pytest.mark.django_db
def test_topics_and_authors_walk_by_slug(client, make_article, publish, monkeypatch):
    """The topic and author lists page by slug, each once, and only those with content."""
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    for n in range(5):
        topic = Topic.objects.create(name=f"Topic {n}", slug=f"topic-{n}")
        person = Author.objects.create(name=f"Person {n}", slug=f"person-{n}")
        publish(make_article(f"On topic {n}", topic=topic, author=person))
    Topic.objects.create(name="Empty", slug="empty")
    Author.objects.create(name="Idle", slug="idle")
    assert walk(client, f"{API}/topics") == ([f"topic-{n}" for n in range(5)], 3)
    assert walk(client, f"{API}/authors") == ([f"person-{n}" for n in range(5)], 3)
    assert client.get(f"{API}/topics/empty").status_code == 404
    assert client.get(f"{API}/authors/idle").status_code == 404


@pytest.mark.django_db
def test_a_cursor_not_made_here_is_refused(client, published):
    """Garbage, the wrong shape or the wrong types answer 400, never a 500."""
    for cursor in ("nonsense!", "W10", "WyJ4IiwgMV0", "eyJhIjogMX0"):
        assert client.get(f"{API}/articles?cursor={cursor}").status_code == 400, cursor


@pytest.mark.django_db
def test_filters_by_topic_author_date_and_words(client, make_article, publish, topic, author):
    """topic, author, updated_since and q each narrow the list; an unknown slug is a 404."""
    diet = Topic.objects.create(name="Diet", slug="diet")
    other = Author.objects.create(name="Bo Other", slug="bo-other")
    sleep = publish(make_article("Sleep hygiene basics"))
    greens = publish(make_article("Eat your greens", topic=diet, author=other))
    old = publish(make_article("Napping in the afternoon"))
    Article.objects.filter(pk=old.pk).update(updated_at=soon(-86400 * 30))
    assert set(slugs(client, f"{API}/articles?topic=diet")) == {greens.slug}
    assert set(slugs(client, f"{API}/articles?author=ada-byline")) == {sleep.slug, old.slug}
    assert set(slugs(client, f"{API}/articles?topic=sleep&author=bo-other")) == set()
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert set(slugs(client, f"{API}/articles?updated_since={since.replace('+', '%2B')}")) == {
        sleep.slug,
        greens.slug,
    }
    assert slugs(client, f"{API}/articles?q=greens") == [greens.slug]
    assert slugs(client, f"{API}/articles?q=nothingmatches") == []
    assert client.get(f"{API}/articles?topic=nope").status_code == 404
    assert client.get(f"{API}/articles?author=nope").status_code == 404
    for wrong in ("yesterday", "0.5", "1700000000"):
        assert client.get(f"{API}/articles?updated_since={wrong}").status_code == 422, wrong
    naive = (timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert len(slugs(client, f"{API}/articles?updated_since={naive}")) == 2


@pytest.mark.django_db
def test_faq_filters(client, make_faq, publish, topic):
    """The FAQ list narrows by topic and by words."""
    diet = Topic.objects.create(name="Diet", slug="diet")
    nap = publish(make_faq("Are naps good?", "Short ones.", topic=topic))
    veg = publish(make_faq("How many vegetables?", "Five a day.", topic=diet))
    assert slugs(client, f"{API}/faqs?topic=diet") == [veg.slug]
    assert slugs(client, f"{API}/faqs?q=naps") == [nap.slug]
    assert set(slugs(client, f"{API}/faqs")) == {nap.slug, veg.slug}


@pytest.mark.django_db
def test_each_filter_has_its_own_cached_copy(client, make_article, publish):
    """The page cache keys a list by its filters and cursor, never by other parameters:
    one topic's copy is never served for another's."""
    diet = Topic.objects.create(name="Diet", slug="diet")
    sleep = publish(make_article("Sleep hygiene basics"))
    greens = publish(make_article("Eat your greens", topic=diet))
    assert [i["slug"] for i in cached_twice(client, f"{API}/articles?topic=sleep")["items"]] == [
        sleep.slug
    ]
    response = client.get(f"{API}/articles?topic=diet")
    assert response["X-Cache"] == "MISS"
    assert [item["slug"] for item in json.loads(response.content)["items"]] == [greens.slug]
    # Parameters the API does not read share the copy.
    assert client.get(f"{API}/articles?topic=sleep&utm_source=x")["X-Cache"] == "HIT"


def test_the_address_holds_the_api_parameters_sorted_and_nothing_else(rf):
    """address() keeps the last value of each parameter a view names, sorted, and drops
    the rest; pages of readers' lists keep their page number as before."""
    request = rf.get(f"{API}/articles?utm=1&topic=b&cursor=x&topic=a")
    assert middleware.address(request) == f"{API}/articles?cursor=x&topic=a"
    assert middleware.address(rf.get(f"{API}/articles?utm=1")) == f"{API}/articles"
    assert middleware.address(rf.get(f"{API}/articles/x?topic=a")) == f"{API}/articles/x"
    assert middleware.address(rf.get("/?page=2&utm=1")) == "/?page=2"


@pytest.mark.django_db
def test_searches_dates_and_made_up_cursors_are_never_stored(client, many):
    """Responses to ?q=, ?updated_since= or a cursor that names no listed item say
    no-store and are made each time, so made-up values cannot fill the cache."""
    _, first = get(client, f"{API}/articles")
    fake = BY_DATE.encode(Article(published_at=timezone.now(), pk=10**6))
    for url in (
        f"{API}/articles?q=article",
        f"{API}/articles?updated_since=2020-01-01T00:00:00Z",
        f"{API}/articles?cursor={fake}",
    ):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["X-Cache"] == "MISS" and "no-store" in response["Cache-Control"]
    real = first["next"]
    assert client.get(f"{API}/articles?cursor={real}")["X-Cache"] == "MISS"
    assert client.get(f"{API}/articles?cursor={real}")["X-Cache"] == "HIT"


@pytest.mark.django_db
def test_responses_carry_the_surrogate_keys_of_what_they_show(
    client, make_article, make_faq, publish, topic, author
):
    """Lists name their list and each item; a detail names the item and its questions."""
    article = make_article("Keyed")
    make_faq("A keyed question?", "Yes.", article=article)
    article = publish(article)
    entry = FAQEntry.objects.get(article=article)

    def keys(url):
        return set(client.get(url)["xkey"].split())

    assert {"articles", f"article-{article.pk}"} <= keys(f"{API}/articles")
    assert {f"topic-{topic.pk}", f"article-{article.pk}"} <= keys(f"{API}/articles?topic=sleep")
    assert "articles" not in keys(f"{API}/articles?topic=sleep")
    assert f"author-{author.pk}" in keys(f"{API}/articles?author=ada-byline")
    detail = keys(f"{API}/articles/{article.slug}")
    assert {f"article-{article.pk}", f"faqentry-{entry.pk}"} <= detail
    assert "articles" not in detail and "faq" not in detail
    assert {"faq", f"faqentry-{entry.pk}"} <= keys(f"{API}/faqs")


def queries_for(client, url):
    """The queries one uncached request to ``url`` makes."""
    forget_cached_pages()
    # The log holds a bounded number: a full one would count nothing.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def make_image(db):
    def make():
        data = io.BytesIO()
        Pillow.new("RGB", (1200, 800), (40, 120, 90)).save(data, "JPEG")
        image = Image(alt="A quiet bedroom", licence="CC BY 4.0", credit="A. Photographer")
        image.file.save("bedroom.jpg", ContentFile(data.getvalue()), save=False)
        image.save()
        return image

    return make


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_items(
    client, make_article, make_faq, publish, make_image, clinician
):
    """Each endpoint makes the same number of queries for two items as for six, heroes,
    reviewers and questions included."""
    image = make_image()
    reviewer = Author.objects.get(slug="dr-rita-review")

    def add(n):
        for _ in range(n):
            number = Article.objects.count()
            article = make_article(f"Counted article {number}", hero=image)
            make_faq(f"Counted question {number}?", "Yes.", article=article)
            make_faq(f"Another counted question {number}?", "Yes.", article=article)
            publish(article)
            Article.objects.filter(pk=article.pk).update(reviewed_by=reviewer)
        return article

    last = add(2)
    urls = {
        "articles": f"{API}/articles",
        "articles?topic": f"{API}/articles?topic=sleep",
        "article": f"{API}/articles/{last.slug}",
        "faqs": f"{API}/faqs",
        "topics": f"{API}/topics",
        "authors": f"{API}/authors",
    }
    before = {name: queries_for(client, url) for name, url in urls.items()}
    add(4)
    after = {name: queries_for(client, url) for name, url in urls.items()}
    # One query a list, one more to find a topic or author filtered by, one for a
    # detail's questions; the page cache's own reads are from the cache, not the database.
    expected = {"articles": 1, "articles?topic": 2, "article": 2, "faqs": 1}
    assert before == after == {**expected, "topics": 1, "authors": 1}


@pytest.mark.django_db
def test_the_article_shows_its_hero_sources_review_and_nothing_private(
    client, make_article, publish, make_image, clinician, author
):
    """The detail has the hero's renditions, the sources, the reviewer, and no owner,
    account or e-mail address; HTML in the JSON is escaped."""
    clinician.email = "private@example.test"
    clinician.save()
    article = make_article(
        "Full article",
        hero=make_image(),
        body="Text with a source.[^1]\n\n<script>alert(1)</script>",
        sources=[{"title": "Sleep", "publisher": "NHS", "url": "https://www.nhs.uk/sleep/"}],
    )
    article = publish(article)
    reviewer = Author.objects.get(user=clinician)
    Article.objects.filter(pk=article.pk).update(reviewed_by=reviewer)
    response, data = get(client, f"{API}/articles/{article.slug}")
    assert response["Content-Type"].startswith("application/json")
    raw = response.content.decode()
    assert "<" not in raw and ">" not in raw
    assert "<script" not in data["body_html"]
    assert data["hero"]["alt"] == "A quiet bedroom" and data["hero"]["licence"] == "CC BY 4.0"
    assert data["hero"]["renditions"] and all(
        r["src"].startswith("https://example.test/media/") for r in data["hero"]["renditions"]
    )
    assert data["sources"][0]["url"] == "https://www.nhs.uk/sleep/"
    assert data["author"]["slug"] == author.slug
    assert data["medical_review"]["reviewed_by"]["name"] == "Dr Rita Review"
    for private in ("private@example.test", "owner", "email", '"rita"', '"user"'):
        assert private not in raw, private


@pytest.mark.django_db
def test_the_openapi_document_is_valid_and_the_docs_load_their_scripts_from_here(client):
    """/api/v1/openapi.json is a valid OpenAPI 3.1 document naming every endpoint, and the
    docs page loads only this site's scripts, under the site's own CSP."""
    response, document = get(client, f"{API}/openapi.json")
    validate(document)
    assert document["openapi"].startswith("3.1")
    for name in ENDPOINTS:
        assert f"{API}/{name}" in document["paths"]
        assert f"{API}/{name}/{{slug}}" in document["paths"]
    docs = client.get(f"{API}/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in html
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in docs["Content-Security-Policy"]
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
