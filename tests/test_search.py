"""Site search on either database: what is found, in which order, and what never is."""

import datetime
import re

import pytest
from django.utils import timezone

from articles.models import Topic


def results(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    html = response.content.decode()
    titles = re.findall(
        r'<article class="card search-hit">\s*<h2><a href="[^"]+">([^<]+)</a>', html
    )
    return titles, html


@pytest.fixture
def library(make_article, make_faq, publish, writer):
    """Live articles and an FAQ entry, plus one article in every state search must skip."""
    publish(make_article("Antidepressants and sleep", body="How medicines change your nights."))
    publish(make_article("Evening routines", body="Some people take antidepressants at night."))
    publish(make_article("Breathing for calm", body="Slow breathing settles the body."))
    publish(make_faq("Do antidepressants cause weight gain?", "Some can; ask your GP."))
    make_article("Draft about antidepressants")
    make_article("Review piece on antidepressants").submit_for_review(writer)
    later = timezone.now() + datetime.timedelta(days=3)
    publish(make_article("Scheduled antidepressants guide"), at=later)
    publish(make_article("Hidden antidepressants note", noindex=True))


def test_stemming_finds_the_plural_and_the_title_ranks_first(client, library):
    """ "antidepressant" finds "antidepressants"; a title match outranks a body match."""
    titles, _ = results(client, "antidepressant")
    assert titles[0] == "Antidepressants and sleep"
    assert set(titles) == {
        "Antidepressants and sleep",
        "Do antidepressants cause weight gain?",
        "Evening routines",
    }
    assert titles.index("Evening routines") == len(titles) - 1


def test_drafts_reviews_scheduled_and_noindex_items_are_never_found(client, library):
    """Only what readers may see, and what search engines may index, is searchable."""
    _, html = results(client, "antidepressants")
    for hidden in ("Draft about", "Review piece", "Scheduled antidepressants", "Hidden"):
        assert hidden not in html


def test_snippets_highlight_the_words_and_escape_the_rest(client, make_article, publish):
    """The matched words are marked; markup in the text is shown as text, never run."""
    publish(make_article("Plain title", body="Sleep <b>deeply</b> with calm breathing tonight."))
    _, html = results(client, "breathing")
    hit = html[html.index('class="card search-hit"') :]
    assert "<mark>breathing</mark>" in hit
    assert "<b>deeply</b>" not in hit


@pytest.mark.parametrize(
    "query",
    [
        '"' * 300 + "AND((( NEAR",
        "<script>alert(1)</script>",
        "x" * 100_000,
        "sleep' OR 1=1 --",
        "\x00\x01 sleep",
        "* ^ : - +",
    ],
)
def test_hostile_and_huge_queries_answer_200_with_nothing_run(client, library, query):
    """Syntax characters, markup and huge input give a page, not a 500, and no markup runs."""
    _, html = results(client, query)
    assert "<script>alert" not in html
    assert 'class="result-count"' in html or "<h1>Search</h1>" in html


def test_no_results_suggests_topics(client, library):
    """An unmatched query says so and offers the topics that have articles."""
    _, html = results(client, "zebra")
    assert "0 results for “zebra”" in html and "No results" in html
    assert 'href="/topics/sleep/"' in html
    assert Topic.objects.count() == 1


def test_results_are_paginated_with_the_count(client, make_article, publish):
    """Twelve matches: the count says 12 and the second page holds the last two."""
    for n in range(12):
        publish(make_article(f"Calm note {n}", body="A calm mind sleeps."))
    titles, html = results(client, "calm")
    assert "12 results for “calm”" in html and len(titles) == 10
    more, _ = results(client, "calm", page=2)
    assert len(more) == 2 and not set(more) & set(titles)


def test_past_the_match_limit_the_newest_are_ranked_and_the_page_says_so(
    client, make_article, publish, monkeypatch
):
    """With more matches of a kind than RANK_LIMIT, only the newest MATCH_LIMIT are ranked,
    best first, and the count says there are more; at the limit every match is ranked."""
    from articles.publishing import search

    now = timezone.now()
    # The best match is the oldest: its title holds the word, the others' bodies do.
    publish(make_article("Insomnia", body="Insomnia, night after night."),
            at=now - datetime.timedelta(days=3))  # fmt: skip
    for days, title in ((2, "Older note"), (1, "Newer note")):
        publish(make_article(title, body="About insomnia."), at=now - datetime.timedelta(days=days))
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    monkeypatch.setattr(search, "MATCH_LIMIT", 2)
    titles, html = results(client, "insomnia")
    assert sorted(titles) == ["Newer note", "Older note"]
    assert "More than 2 results for “insomnia”" in html
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    titles, html = results(client, "insomnia")
    assert titles[0] == "Insomnia" and len(titles) == 3
    assert "3 results for “insomnia”" in html and "More than" not in html


def test_the_results_page_is_noindex_and_every_page_has_the_search_box(client, published):
    """Search result pages ask not to be indexed; the header on every page has the form."""
    _, html = results(client, "calm")
    assert '<meta name="robots" content="noindex, follow">' in html
    page = client.get(published.get_absolute_url()).content.decode()
    assert 'role="search" aria-label="Site search" action="/search/"' in page
    assert 'name="q"' in page


def test_postgresql_matches_through_the_index_and_restores_the_planner(library):
    """On PostgreSQL the match reads the GIN index, not every row, and leaves no setting behind."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.publishing import search

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner only; CI runs this in its PostgreSQL pass")
    with CaptureQueriesContext(connection) as queries:
        assert search.search("antidepressant").ranked
    ranking = next(q["sql"] for q in queries if "ts_rank" in q["sql"] and "articles" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)
        cursor.execute("SHOW enable_indexscan")
        assert cursor.fetchone() == ("on",)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + ranking)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on articles_article_search" in plan
