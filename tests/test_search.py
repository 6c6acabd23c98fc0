"""Site search on either database: what is found, in which order, and what never is."""

import datetime
import html as html_lib
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article, Topic
from articles.publishing import search
from faq.models import FAQEntry
from tests.conftest import parse_page


def results(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    html = response.content.decode()
    titles = re.findall(
        r'<article class="card search-hit">\s*<h2><a href="[^"]+">([^<]+)</a>', html
    )
    return titles, html


def snippets(html):
    """{(path, title): snippet as plain text} of a results page."""
    found = {}
    for hit in html.split('<article class="card search-hit">')[1:]:
        path, title = re.search(r'<h2><a href="([^"]+)">([^<]+)</a>', hit).groups()
        paragraphs = re.findall(r"<p>(.*?)</p>", hit[: hit.index("</article>")], re.S)
        text = re.sub(r"</?mark>", "", paragraphs[-1]) if paragraphs else ""
        found[path, html_lib.unescape(title)] = html_lib.unescape(text)
    return found


# What Markdown source looks like, and never what a reader reads.
MARKDOWN = ("[^", "^1", "**", "##", "](", "\\")


def page_characters(client, path):
    """The visible text of a public page, without its citation marks ([1]), as search leaves
    them out, and without spaces, which the page's inline tags break text at."""
    text = parse_page(client.get(path).content.decode())["text"]
    return re.sub(r"\s+", "", re.sub(r"\[\d+\]", "", text))


def assert_quotes_the_page(client, path, snippet):
    """Each stretch of the snippet (between its ellipses) is text of the page itself."""
    text = page_characters(client, path)
    for stretch in filter(None, (re.sub(r"\s+", "", part) for part in snippet.split("…"))):
        assert stretch in text, (stretch, path)


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


def test_snippets_quote_the_text_readers_read_not_the_markdown(client, make_article, publish):
    """Bold, headings, citations, link addresses and escapes are Markdown: the snippet
    quotes the words the page shows, nothing else."""
    body = (
        "## Why **rest** matters\n\nA **good** night of rest[^1] helps, says [the NHS "
        "guide](https://www.nhs.uk/conditions/insomnia/). Set `rest_mode` on.\n\n"
        "1\\. Rest comes first."
    )
    source = {"title": "Insomnia", "url": "https://www.nhs.uk/conditions/insomnia/"}
    article = publish(make_article("Evenings", body=body, sources=[source]))
    publish(make_faq_with_markdown(article))
    _, html = results(client, "rest")
    found = snippets(html)
    assert len(found) == 2
    for (path, _), snippet in found.items():
        assert "rest" in snippet.lower()
        assert not [mark for mark in MARKDOWN if mark in snippet], snippet
        assert "nhs.uk" not in snippet
        assert_quotes_the_page(client, path.split("#")[0], snippet)
    assert "rest_mode" in found[article.get_absolute_url(), "Evenings"]


def test_search_text_is_the_page_text_without_citation_and_footnote_marks():
    """Stored on save from the rendered HTML: blocks apart, no citation number, no footnote
    number glued to its word, no way back from the footnote."""
    from articles.publishing.markdown import render_markdown
    from articles.publishing.text import plain_text

    html = render_markdown(
        "## Rest\n\nSleep helps[^1] and naps[^n] too.<p>One</p><p>Two</p>\n\n[^n]: Short ones."
    )
    assert plain_text(html) == "Rest Sleep helps and naps too. One Two Short ones."


@pytest.mark.parametrize("app", ["articles", "faq"])
def test_the_migration_fills_the_text_of_existing_rows_and_indexes_it(
    client, make_article, make_faq, publish, app
):
    """Rows saved before search_text existed get it from their stored HTML, and the index,
    built again from it, finds them and quotes no Markdown; the migration also reverses."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    module = {"articles": "articles.migrations.0017_search_text",
              "faq": "faq.migrations.0009_search_text"}[app]  # fmt: skip
    migration = importlib.import_module(module)
    article = publish(
        make_article(
            "Evenings",
            body="A **slow** evening helps[^1] you unwind.",
            sources=[{"title": "Rest", "url": "https://nhs.example/"}],
        )
    )
    entry = publish(make_faq("Why unwind?", "**Unwinding** settles the mind."))
    Article.objects.update(search_text="")
    FAQEntry.objects.update(search_text="")
    # Inside the test's transaction, where SQLite's schema editor cannot open, and where
    # PostgreSQL alters no table with the checks of the rows just made still pending.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        migration.backward(apps, editor)
        migration.forward(apps, editor)
    model, obj = (Article, article) if app == "articles" else (FAQEntry, entry)
    assert model.objects.get(pk=obj.pk).search_text
    _, html = results(client, "unwind")
    found = snippets(html)
    assert any(path.startswith(obj.get_absolute_url()) for path, _ in found)
    for snippet in found.values():
        assert not [mark for mark in MARKDOWN if mark in snippet], snippet


def make_faq_with_markdown(article):
    entry = FAQEntry(
        title="Is a lie-in good?",
        answer="**Rest** helps; see [our guide](/articles/evenings/).[^1]",
        article=article,
    )
    entry.save()
    return entry


def test_snippets_of_the_seed_documents_show_no_markdown(client, seeds, author, publish):
    """The sample documents, imported, cited and published, show in search as their pages
    read: no [^, ^1, ** or ## in any snippet, and each snippet is text of its page."""
    call_command("import_content", str(seeds), stdout=io.StringIO(), stderr=io.StringIO())
    a = Article.objects.get(title__startswith="Strategies to Get Your Sex Back")
    b = Article.objects.get(slug="untitled-001_def938b7b7e15004")
    b.title = "Rekindling intimacy when depression gets in the way"
    b.meta_description = "How depression can dampen desire, and the small steps that help." * 2
    # As a writer would: cite the source of a claim, at the words a reader searches for.
    a.body = a.body.replace("Sensate Focus", "Sensate Focus[^1]")
    a.sources = [{"title": "Sensate focus", "url": "https://www.nhs.uk/sensate-focus/"}]
    for article in (a, b):
        article.author = author
        article.save()
        publish(article)
    assert "[^1]" in Article.objects.get(pk=a.pk).body
    shown = 0
    for query in ("sensate focus", "tenderness", "anxiety", "somatic", "libido"):
        _, html = results(client, query)
        for (path, title), snippet in snippets(html).items():
            assert not [mark for mark in MARKDOWN if mark in snippet], (query, title, snippet)
            if path.startswith("/articles/"):
                assert_quotes_the_page(client, path, snippet)
                shown += 1
    assert shown >= 5


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
    """With more matches of a kind than RANK_LIMIT, only the newest RANK_LIMIT are ranked,
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


# --- Link suggestions ------------------------------------------------------------------


@pytest.fixture
def related_site(make_article, publish):
    """Seven live articles about sleep, one hidden from search, one draft, one about knees."""
    live = [
        publish(make_article(f"Sleep and {topic}", slug=f"sleep-{topic}",
                             body=f"How sleep affects {topic}. Sleep matters."))
        for topic in ("anxiety", "memory", "mood", "diet", "exercise", "work", "age")
    ]  # fmt: skip
    publish(make_article("Sleep hidden", slug="sleep-hidden", body="Sleep.", noindex=True))
    make_article("Sleep draft", slug="sleep-draft", body="Sleep, sleep.")
    publish(make_article("Knee pain", slug="knee-pain", body="Knees and running."))
    return live


def test_link_suggestions_are_related_live_articles_not_yet_linked(related_site, make_article):
    """Up to five live, findable articles on the same subject, leaving out the article
    itself and those it already links to; drafts, hidden pages and other subjects never."""
    article = make_article(
        "Better sleep", slug="better-sleep", focus_keyword="sleep",
        body="Sleep. See [anxiety](/articles/sleep-anxiety/) and [mood](/articles/sleep-mood/).",
    )  # fmt: skip
    slugs = [related.slug for related in article.link_suggestions()]
    assert len(slugs) == 5
    assert set(slugs) <= {"sleep-memory", "sleep-diet", "sleep-exercise", "sleep-work", "sleep-age"}
    own = related_site[0]
    assert "sleep-anxiety" not in [related.slug for related in own.link_suggestions()]


def test_link_suggestions_cost_the_same_queries_however_many_match(
    related_site, make_article, publish, django_assert_num_queries
):
    """The same two queries for seven matches or twenty-seven: the newest matches ranked,
    then their titles. (On PostgreSQL in a savepoint, with where the newest rows start read
    first, and the statements that keep the match on the text index and put the settings
    back around it.)"""
    article = make_article("Better sleep", slug="better-sleep", body="Sleep well.")
    statements = 7 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(statements):
        assert len(article.link_suggestions()) == 5
    for n in range(20):
        publish(make_article(f"More sleep {n}", slug=f"more-sleep-{n}", body="Sleep."))
    with django_assert_num_queries(statements):
        assert len(article.link_suggestions()) == 5


def test_link_suggestions_read_what_the_text_is_about():
    """The keyphrase and title come first, then the words the text uses most; stop words
    and short words are left out, and there are at most twelve."""
    text = "Breathing exercises help. Breathing slowly calms. The exercises take minutes."
    terms = search.prominent_terms("How to calm down", "Box breathing", text)
    assert terms[:4] == ["box", "breathing", "calm", "down"]
    assert "exercises" in terms and "the" not in terms and "how" not in terms
    assert len(search.prominent_terms("", "", " ".join(f"word{n}" for n in range(40)))) == 12


def test_the_search_panel_offers_the_suggestions_as_markdown_links(related_site, client, editor):
    """The panel lists each suggestion with the Markdown that links it."""
    client.force_login(editor)
    html = client.post(
        "/admin/articles/article/search-panel/", {"title": "Sleep", "body": "Sleep well."}
    ).content.decode()
    assert "Articles to link to" in html
    offered = re.findall(r"<code>\[Sleep and (\w+)\]\(/articles/sleep-(\w+)/\)</code>", html)
    assert len(offered) == 5
    assert all(title == slug for title, slug in offered)
