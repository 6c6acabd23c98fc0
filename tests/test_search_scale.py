"""Site search at scale: a bounded number of matches ranked, read from the newest rows
first, and queries that do not grow with the matches."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.publishing import search


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


def test_past_the_rank_limit_the_newest_matches_are_ranked_best_first(
    make_article, publish, monkeypatch
):
    """With 2 ranked of 5 matches, the 2 newest come back, best first, and more=True; a
    word only an old article has is found past the newest rows searched first."""
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    monkeypatch.setattr(search, "RECENT_ROWS", 2)
    publish(make_article("Melatonin", body="Melatonin and insomnia."), at=days_ago(30))
    for n in range(3):
        publish(make_article(f"Note {n}", body="About insomnia."), at=days_ago(20 - n))
    publish(make_article("Insomnia", body="Insomnia, insomnia."), at=days_ago(1))

    found = search.search("insomnia")
    titles = [Article.objects.get(pk=pk).title for _, pk, _ in found.ranked]
    assert titles == ["Insomnia", "Note 2"] and found.more
    rare = search.search("melatonin")
    assert [pk for _, pk, _ in rare.ranked] == [Article.objects.get(title="Melatonin").pk]
    assert not rare.more


def test_a_word_thinning_out_in_the_newest_rows_still_finds_the_newest_matches(
    make_article, publish, monkeypatch
):
    """A word common long ago but rare lately: the newest matches are found, wherever
    they are, and only RANK_LIMIT are ranked."""
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    monkeypatch.setattr(search, "RECENT_ROWS", 3)
    for n in range(6):
        publish(make_article(f"Old grief {n}", body="On grief."), at=days_ago(60 - n))
    for n in range(4):
        publish(make_article(f"Recent {n}", body="Other things."), at=days_ago(10 - n))
    publish(make_article("New grief", body="Grief again."), at=days_ago(1))

    found = search.search("grief")
    titles = {Article.objects.get(pk=pk).title for _, pk, _ in found.ranked}
    assert titles == {"New grief", "Old grief 5", "Old grief 4"} and found.more


def test_search_queries_do_not_grow_with_matches(db, client, monkeypatch):
    """The results page costs the queries for 60 matches that it does for 12, past
    RANK_LIMIT, but for a window widened (at most twice a kind) where the newest rows
    hold too few matches."""
    monkeypatch.setattr(search, "RANK_LIMIT", 10)
    monkeypatch.setattr(search, "RECENT_ROWS", 20)

    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/", {"q": "sleep"})
        assert response.status_code == 200
        assert response.content.decode().count('class="card search-hit"') == 10
        return len(queries)

    call_command("generate_content", "12", "--faqs", "1", stdout=io.StringIO())
    page_queries()  # first-request costs
    few = page_queries()
    call_command("generate_content", "48", "--faqs", "1", stdout=io.StringIO())
    assert few <= page_queries() <= few + 2 * len(search.searchable_models())


def test_a_word_with_fewer_matches_than_the_limit_finds_them_all(
    make_article, publish, monkeypatch
):
    """Fewer matches in all than RANK_LIMIT, one of them among the newest rows: every one
    is found, after one widened window at most."""
    monkeypatch.setattr(search, "RANK_LIMIT", 10)
    monkeypatch.setattr(search, "RECENT_ROWS", 2)
    for n in range(4):
        publish(make_article(f"Old panic {n}", body="On panic."), at=days_ago(90 - n))
    for n in range(3):
        publish(make_article(f"Other {n}", body="Other things."), at=days_ago(10 - n))
    publish(make_article("New panic", body="Panic again."), at=days_ago(1))

    found = search.search("panic")
    assert len(found.ranked) == 5 and not found.more


def _admin_matches(model, query):
    found = search.matching(model, query)
    return found.more, set(model.objects.filter(found.filter).values_list("pk", flat=True))


def test_words_taken_as_common_find_the_same_rows_and_say_there_are_more(make_article, monkeypatch):
    """Taken as common, words find the rows the text index finds, and say there are more
    without counting them."""
    monkeypatch.setattr(search, "MATCH_LIMIT", 3)
    for n in range(5):
        make_article(f"Sleep note {n}", body="Sleep hygiene, night after night.")
    make_article("Rest", body="Sleeping in, and a sleeper train.")
    make_article("Other", body="Nothing alike.")
    queries = ["sleep", "sle", "night after", "sleeper train", "nothing", "absent"]
    counted = {query: _admin_matches(Article, query) for query in queries}
    assert counted["sleep"][0] and not counted["sleeper train"][0]
    assert len(counted["sleeper train"][1]) == 1 and counted["absent"] == (False, set())
    if connection.vendor != "postgresql":
        return  # SQLite has no statistics: its search always counts
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")  # counted still: the statistics say few
    assert {query: _admin_matches(Article, query) for query in queries} == counted
    monkeypatch.setattr(search, "COMMON", -1)  # any word in a row or more is common
    common = {query: _admin_matches(Article, query) for query in queries}
    assert {query: rows for query, (_, rows) in common.items()} == {
        query: rows for query, (_, rows) in counted.items()
    }
    assert common["sle"][0] and common["absent"][0]
    # Two words in a row each of 7 may be in no row together: they are counted.
    assert not common["sleeper train"][0]


def test_the_admins_search_counts_no_word_the_statistics_put_in_many_rows(
    make_article, monkeypatch
):
    """On PostgreSQL, a word the statistics put in more than COMMON rows is not counted:
    no read of its matches. A rarer word is counted, and so are two common words that
    need not share a row, which here share none, and a word the parser splits."""
    if connection.vendor != "postgresql":
        pytest.skip("the statistics are PostgreSQL's")
    monkeypatch.setattr(search, "MATCH_LIMIT", 2)
    monkeypatch.setattr(search, "COMMON", 5)
    for n in range(30):
        extra = " Warm milk." if n < 2 else ""
        make_article(f"Note {n}", body=("Sleep hygiene." if n % 2 else "Rest days.") + extra)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")

    def read(query):
        with CaptureQueriesContext(connection) as queries:
            found = search.matching(Article, query)
        probes = [q for q in queries if "LIMIT" in q["sql"] and "EXPLAIN" not in q["sql"]]
        return found.more, Article.objects.filter(found.filter).count(), len(probes)

    assert read("sleep") == (True, 15, 0)
    assert read("milk") == (False, 2, 1)
    assert read("sleep rest") == (False, 0, 1)
    assert read("sleep and") == (True, 15, 0)  # a stop word drops out, as from the match
    assert read("rest sleep_hygiene") == (False, 0, 1)  # a phrase to the parser: counted


def test_words_in_many_rows_read_in_date_order_find_what_the_text_index_finds(
    make_article, publish, monkeypatch
):
    """On PostgreSQL, words the statistics put in many rows are read in date order; the
    site's search and the link suggestions find the same newest matches, ranked alike,
    as through the text index, for a word common of late, one thinning out, and a rare one."""
    if connection.vendor != "postgresql":
        pytest.skip("the date-ordered read is chosen from PostgreSQL's statistics")
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    monkeypatch.setattr(search, "RECENT_ROWS", 4)
    for n in range(6):
        publish(make_article(f"Old grief {n}", body="On grief and sleep."), at=days_ago(60 - n))
    for n in range(5):
        publish(make_article(f"Sleep {n}", body="Sleep, rest and calm."), at=days_ago(10 - n))
    publish(make_article("Melatonin", body="Melatonin and sleep."), at=days_ago(1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")

    def read(dense):
        monkeypatch.setattr(search, "DENSE", dense)
        with CaptureQueriesContext(connection) as queries:
            found = {q: search.search(q) for q in ("sleep", "grief", "melatonin", "calm rest")}
            suggested = search.related(Article, ["sleep", "calm"], exclude_pks=[])
        ordered = sum("-- indexscan" in q["sql"] for q in queries.captured_queries)
        ranked = {q: ([pk for _, pk, _ in f.ranked], f.more) for q, f in found.items()}
        return ranked, suggested, ordered

    by_index, suggested_by_index, ordered = read(dense=2.0)  # never: no share exceeds 1
    assert ordered == 0
    in_order, suggested_in_order, ordered = read(dense=0.0)  # always, past RECENT_ROWS
    assert ordered > 0
    assert in_order == by_index and suggested_in_order == suggested_by_index
    assert by_index["sleep"][1] and len(by_index["sleep"][0]) == 3
    assert len(by_index["melatonin"][0]) == 1
