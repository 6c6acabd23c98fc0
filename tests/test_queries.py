"""Query budgets for public pages: small, and independent of how much content is listed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Author, Topic
from tests.conftest import forget_cached_pages

# Measured budgets (queries per anonymous GET); raise them only with a reason.
ARTICLE_MAX = 6
# The author page adds one query: the articles the person reviewed. A topic's FAQ page
# reads the topic, the count, the entries and their live articles.
LIST_BUDGETS = {"home": 2, "faq": 4, "topic": 3, "author": 4, "topics": 2, "authors": 1}


def count_queries(client, url):
    forget_cached_pages()  # the render itself, not a cached copy
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def add_articles(make_article, publish):
    """Publish ``n`` more articles, each with its own author and topic unless given."""
    made = []

    def add(n, **fields):
        for _ in range(n):
            i = len(made)
            extra = {
                "author": Author.objects.get_or_create(slug=f"author-{i}", name=f"Author {i}")[0],
                "topic": Topic.objects.get_or_create(slug=f"topic-{i}", name=f"Topic {i}")[0],
                **fields,
            }
            made.append(publish(make_article(f"Listed article {i}", **extra)))
        return made

    return add


@pytest.fixture
def add_faqs(make_faq, publish, add_articles):
    """Publish ``n`` more FAQ entries, each with its own published article, and its topic
    unless one is given."""
    made = []

    def add(n, topic=None):
        for _ in range(n):
            i = len(made)
            article = add_articles(1)[-1]
            made.append(
                publish(
                    make_faq(
                        f"Question {i}?",
                        f"Answer {i}.",
                        topic=topic or article.topic,
                        article=article,
                        order=i,
                    )
                )
            )
        return made

    return add


def test_article_page_query_budget(
    client, make_article, publish, publish_reviewed, make_faq, django_assert_max_num_queries
):
    """An article with author, topic, reviewer and 5 published FAQs renders in at most 6 queries."""
    article = publish_reviewed(make_article())
    for n in range(5):
        publish(make_faq(f"Question {n}?", f"Answer {n}.", article=article, topic=article.topic))

    with django_assert_max_num_queries(ARTICLE_MAX):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count('class="faq"') == 5
    assert "Dr Rita Review" in response.text


def test_articles_by_the_same_people_read_them_once_per_change(
    client, make_article, publish_reviewed
):
    """A second article with the same author, reviewer and topic reads only itself and its
    questions: the people and the topic come as the first article's page read them."""
    first, second = (publish_reviewed(make_article(title)) for title in ("First", "Second"))
    forget_cached_pages()
    assert client.get(first.get_absolute_url()).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(second.get_absolute_url())
    assert response.status_code == 200
    assert "Ada Byline" in response.text and "Dr Rita Review" in response.text
    assert ">Sleep<" in response.text
    statements = [query["sql"] for query in ctx.captured_queries]
    assert len(statements) == 2
    assert not any("articles_author" in sql or "articles_topic" in sql for sql in statements)


@pytest.mark.parametrize(
    ("page", "url", "shared"),
    [
        ("home", "/", {}),
        ("topic", "/topics/sleep/", {"topic": "topic"}),
        ("author", "/authors/ada-byline/", {"author": "author"}),
    ],
)
def test_article_lists_do_not_grow_with_articles(
    db, client, add_articles, request, django_assert_max_num_queries, page, url, shared
):
    """Home, topic and author pages use the same, budgeted number of queries for 3 or 10 items."""
    fields = {name: request.getfixturevalue(fixture) for name, fixture in shared.items()}
    add_articles(3, **fields)
    few = count_queries(client, url)
    add_articles(7, **fields)
    with django_assert_max_num_queries(LIST_BUDGETS[page]):
        response = client.get(url)
    assert response.text.count('<article class="card">') == 10
    assert count_queries(client, url) == few


def test_a_topic_faq_page_does_not_grow_with_entries(
    client, add_faqs, django_assert_max_num_queries
):
    """/faq/<topic>/ uses the same, budgeted number of queries for 3 or 15 entries."""
    shared = Topic.objects.create(name="Shared", slug="shared")
    add_faqs(3, topic=shared)
    few = count_queries(client, "/faq/shared/")
    add_faqs(12, topic=shared)
    with django_assert_max_num_queries(LIST_BUDGETS["faq"]):
        response = client.get("/faq/shared/")
    assert response.text.count('class="faq"') == 15
    assert response.text.count('<p class="from">') == 15
    assert count_queries(client, "/faq/shared/") == few


def test_the_faq_hub_grows_only_with_its_page_of_topics(client, add_faqs):
    """/faq/ makes one query per topic shown, and shows at most a page of topics."""
    from faq.views import TOPICS_PER_PAGE

    add_faqs(TOPICS_PER_PAGE + 5)
    queries = count_queries(client, "/faq/")
    assert queries <= 3 + TOPICS_PER_PAGE
    assert client.get("/faq/").text.count('class="faq-topic"') == TOPICS_PER_PAGE


@pytest.mark.parametrize(("page", "url"), [("topics", "/topics/"), ("authors", "/authors/")])
def test_indexes_do_not_grow_with_topics_or_people(
    db, client, add_articles, django_assert_max_num_queries, page, url
):
    """/topics/ and /authors/ cost the same, budgeted queries for 3 or 12 topics and people."""
    add_articles(3)
    few = count_queries(client, url)
    add_articles(9)
    with django_assert_max_num_queries(LIST_BUDGETS[page]):
        response = client.get(url)
    assert response.text.count('<section class="card') == 12
    assert count_queries(client, url) == few


def test_a_signed_in_reader_costs_a_public_page_no_session_or_user_query(client, published, writer):
    """A session cookie keeps the page cache away, but the page itself reads neither the
    session nor the user: the render makes the anonymous reader's queries, no more."""
    url = published.get_absolute_url()
    anonymous = count_queries(client, url)
    client.force_login(writer)
    forget_cached_pages()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200 and "X-Cache" not in response
    tables = " ".join(query["sql"] for query in ctx.captured_queries)
    assert "django_session" not in tables and "auth_user" not in tables
    assert len(ctx.captured_queries) == anonymous
