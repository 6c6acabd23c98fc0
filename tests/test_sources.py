"""Cited sources: checked entries, [^N] citations, the page, JSON-LD, .md, admin, gate, import."""

import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from articles.models import Article, Status
from articles.publishing import sources
from articles.publishing.importing.load import Options, import_file
from articles.publishing.markdown import render_markdown
from articles.publishing.workflow import InvalidTransition
from tests.conftest import graph_nodes, parse_page
from tests.importing.test_seed_publishing import empty_values
from tests.test_admin import change_url, form_data
from tests.test_queries import ARTICLE_MAX

NHS = {
    "title": "Insomnia",
    "publisher": "NHS",
    "url": "https://www.nhs.uk/conditions/insomnia/",
    "date": "2024-03-05",
}
PAPER = {
    "title": "A cognitive model of insomnia",
    "publisher": "Behaviour Research and Therapy",
    "date": "2002-08",
    "doi": "https://doi.org/10.1016/S0005-7967(01)00061-4",
    "pmid": "PMID: 12186352",
}
CITING_BODY = "Sleep matters.[^1] Worry keeps people up.[^2]\n\n## More\n\nAgain.[^1]"
HOSTILE = '</script><script>alert(1)</script> "quoted" <img src=x onerror=alert(2)>'


def stored(*entries):
    return sources.normalize(list(entries))


# --- Entries ----------------------------------------------------------------------------


def test_entries_are_normalized_to_six_fields():
    """DOI and PMID prefixes are dropped, dates kept as written, missing fields empty."""
    assert stored(NHS, PAPER) == [
        {**NHS, "doi": "", "pmid": ""},
        {**PAPER, "url": "", "doi": "10.1016/S0005-7967(01)00061-4", "pmid": "12186352"},
    ]
    assert stored({"title": " Two\nlines ", "doi": "doi: 10.1000/xyz"})[0]["title"] == "Two lines"
    assert sources.normalize_doi("https://dx.doi.org/10.1000/xyz") == "10.1000/xyz"
    assert [sources.normalize_date(d) for d in ("2024", "2024-02", "2024-02-29")] == [
        "2024",
        "2024-02",
        "2024-02-29",
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"title": "T", "url": "javascript:alert(1)"}, "Source 1, URL: “javascript:alert(1)”"),
        ({"title": "T", "url": "ftp://files.example/x"}, "Source 1, URL:"),
        ({"title": "T", "date": "2023-02-30"}, "Source 1, date: “2023-02-30” is not valid"),
        ({"title": "T", "date": "March 2024"}, "write it as YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"title": "T", "doi": "11.1000/x"}, "Source 1, DOI:"),
        ({"title": "T", "pmid": "12a"}, "Source 1, PMID:"),
        ({"publisher": "NHS"}, "Source 1, title: give the title of the source."),
    ],
)
def test_bad_entries_are_refused_naming_source_and_field(entry, message):
    """Each problem says which source and which field, and how to write it."""
    with pytest.raises(ValidationError) as error:
        sources.normalize([entry])
    assert any(text.startswith(message) or message in text for text in error.value.messages)


def test_stored_values_are_read_tolerantly_and_checked_again():
    """What reaches a page is checked on the way out too: bad links and junk show nothing."""
    found = sources.entries(
        [{"title": "Bad", "url": "javascript:alert(1)", "doi": "x", "pmid": "1; drop"}, "junk", NHS]
    )
    assert [(s.number, s.title, s.link, s.doi, s.pmid) for s in found] == [
        (1, "Bad", "", "", ""),
        (2, "", "", "", ""),
        (3, "Insomnia", NHS["url"], "", ""),
    ]
    assert sources.entries("not a list") == []


# --- Rendering [^N] ----------------------------------------------------------------------


def test_citations_become_numbered_links_to_the_sources():
    """[^N] with no footnote N links to #source-N; each citation has its own id."""
    html = render_markdown("One[^1], two[^2] and one again[^1].").strip()
    assert html == (
        '<p>One<sup class="cite" id="cite-1"><a href="#source-1">[1]</a></sup>, '
        'two<sup class="cite" id="cite-2"><a href="#source-2">[2]</a></sup> and one again'
        '<sup class="cite" id="cite-1-2"><a href="#source-1">[1]</a></sup>.</p>'
    )


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("Call `f[^1]` here.", "<code>f[^1]</code>"),
        ("```\nx[^1]\n```", "x[^1]"),
        ("A \\[^1] written out.", "A [^1] written out."),
        ("[see [^1]](https://example.org/)", '<a href="https://example.org/">see [^1]</a>'),
        ("Not a number [^a] or [^0].", "Not a number [^a] or [^0]."),
    ],
)
def test_code_escapes_and_link_text_stay_literal(text, literal):
    """Only plain text cites: code, an escaped bracket and a link's own text do not."""
    html = render_markdown(text)
    assert literal in html
    assert "source-" not in html


def test_a_defined_footnote_stays_a_footnote():
    """[^1] with a [^1]: definition is the text's own footnote, not a source."""
    html = render_markdown("Text[^1] and a source[^2].\n\n[^1]: A note.")
    assert '<a href="#fn1">1</a>' in html and "A note." in html
    assert '<a href="#source-2">[2]</a>' in html and "#source-1" not in html


def test_the_sanitizer_keeps_the_citation_markup_and_nothing_more():
    """class="cite" survives on <sup> only; other classes and handlers are stripped."""
    html = render_markdown(
        '<sup class="cite" onclick="x()">a</sup> <sup class="evil">b</sup> '
        '<a class="cite" href="#source-1" id="x">c</a> <span class="cite">d</span>'
    )
    assert '<sup class="cite">a</sup>' in html
    assert "<sup>b</sup>" in html
    assert '<a href="#source-1">c</a>' in html
    assert "onclick" not in html and "evil" not in html and "span" not in html


# --- The page, JSON-LD and .md ---------------------------------------------------------------


@pytest.fixture
def cited(make_article, publish):
    return publish(make_article("Sleep and worry", body=CITING_BODY, sources=stored(NHS, PAPER)))


def test_the_page_lists_the_sources_the_text_links_to(client, cited):
    """A Sources section with source-N items, each linked, with publisher, date, DOI, PMID."""
    html = client.get(cited.get_absolute_url()).text
    section = re.search(r'<section class="sources".*?</section>', html, re.S).group(0)
    assert 'aria-labelledby="sources-heading"' in section
    assert '<h2 id="sources-heading">Sources</h2>' in section
    first = re.search(r'<li id="source-1">.*?</li>', section, re.S).group(0)
    assert f'<a href="{NHS["url"]}">Insomnia</a>' in first
    assert '<time datetime="2024-03-05">5 March 2024</time>' in first
    second = re.search(r'<li id="source-2">.*?</li>', section, re.S).group(0)
    # No URL: the title leads to the DOI's address.
    doi_url = "https://doi.org/10.1016/S0005-7967%2801%2900061-4"
    assert f'<a href="{doi_url}">A cognitive model of insomnia</a>' in second
    assert '<time datetime="2002-08">August 2002</time>' in second
    assert 'PMID: <a href="https://pubmed.ncbi.nlm.nih.gov/12186352/">12186352</a>' in second
    # Every citation in the text points at an item that is there.
    for number in re.findall(r'href="#source-(\d+)"', html):
        assert f'id="source-{number}"' in html


def test_the_sources_join_the_contents_list_when_it_shows(client, make_article, publish):
    """With an "On this page" list, Sources is its last entry; without sources, no section."""
    body = "Intro[^1].\n\n## One\n\nA.\n\n## Two\n\nB.\n\n## Three\n\nC."
    article = publish(make_article("Long read", body=body, sources=stored(NHS)))
    html = client.get(article.get_absolute_url()).text
    contents = re.search(r'<nav class="contents".*?</nav>', html, re.S).group(0)
    assert '<li><a href="#sources-heading">Sources</a></li></ol>' in contents
    plain = publish(make_article("No sources", body=body.replace("[^1]", "")))
    html = client.get(plain.get_absolute_url()).text
    assert "sources-heading" not in html and 'class="sources"' not in html


def test_sources_cost_no_queries(client, cited, django_assert_max_num_queries):
    """The sources are on the article's row: the page stays within its query budget."""
    with django_assert_max_num_queries(ARTICLE_MAX):
        assert client.get(cited.get_absolute_url()).status_code == 200


def test_jsonld_cites_creative_works_on_the_article_and_health_page(client, cited):
    """Article and MedicalWebPage carry citation: name, publisher, url, date, DOI and PMID."""
    cited.topic.medical = True
    cited.topic.save()
    page = parse_page(client.get(cited.get_absolute_url()).text)
    article = graph_nodes(page, "Article")[0]
    assert graph_nodes(page, "MedicalWebPage")[0]["citation"] == article["citation"]
    nhs, paper = article["citation"]
    assert nhs == {
        "@type": "CreativeWork",
        "name": "Insomnia",
        "publisher": {"@type": "Organization", "name": "NHS"},
        "url": NHS["url"],
        "datePublished": "2024-03-05",
    }
    assert paper["url"] == "https://doi.org/10.1016/S0005-7967%2801%2900061-4"
    assert paper["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1016/S0005-7967(01)00061-4"},
        {"@type": "PropertyValue", "propertyID": "PMID", "value": "12186352"},
    ]
    assert paper["sameAs"] == ["https://pubmed.ncbi.nlm.nih.gov/12186352/"]
    assert empty_values(page["jsonld"]) == []


def test_jsonld_has_no_citation_without_sources(client, published):
    """An article without sources has no citation property at all, not an empty one."""
    cited = sources.citations([{"title": "", "url": ""}, {"title": "Only a title"}])
    assert cited == [{"@type": "CreativeWork", "name": "Only a title"}]
    page = parse_page(client.get(published.get_absolute_url()).text)
    assert "citation" not in graph_nodes(page, "Article")[0]


def test_the_markdown_version_lists_the_sources(client, cited):
    """The .md version ends with the sources, numbered as the text cites them."""
    text = client.get(f"/articles/{cited.slug}.md").text
    listing = text.split("## Sources\n\n", 1)[1]
    assert listing.splitlines() == [
        f"1. [Insomnia]({NHS['url']}). NHS, 5 March 2024.",
        "2. [A cognitive model of insomnia](https://doi.org/10.1016/S0005-7967%2801%2900061-4)."
        " Behaviour Research and Therapy, August 2002."
        " DOI: [10.1016/S0005-7967\\(01\\)00061-4](https://doi.org/10.1016/S0005-7967%2801%2900061-4)."
        " PMID: [12186352](https://pubmed.ncbi.nlm.nih.gov/12186352/).",
    ]


# --- Hostile input ---------------------------------------------------------------------------

HOSTILE_ENTRY = {
    "title": HOSTILE + " [click](javascript:alert(3))\n# Heading",
    "publisher": 'ACME"><svg onload=alert(4)>\n\n## Injected',
    "url": "https://example.org/a?q=</script><script>alert(5)</script>&x=\"'",
    "date": "2024",
    "doi": "10.1000/<img/src=x/onerror=alert(6)>",
    "pmid": "123",
}


@pytest.fixture
def hostile(make_article, publish):
    """An article whose source holds hostile text in every field that validation lets in,
    plus a source written straight to the database past validation."""
    article = publish(
        make_article("Hostile", body="Cited.[^1][^2]", sources=stored(HOSTILE_ENTRY, NHS))
    )
    raw = [
        *article.sources,
        {"title": "Raw</title>", "url": "javascript:alert(7)", "doi": "javascript:alert(8)",
         "pmid": "1<script>", "publisher": "<b>x</b>", "date": "2024<script>"},
    ]  # fmt: skip
    Article.objects.filter(pk=article.pk).update(sources=raw, body="Cited.[^1][^2][^3]")
    return article


def test_hostile_sources_are_inert_on_the_page(client, hostile):
    """No tag, handler or javascript: link comes out of any field; text shows as text."""
    html = client.get(hostile.get_absolute_url()).text
    section = re.search(r'<section class="sources".*?</section>', html, re.S).group(0)
    tags = _tags(section)
    assert {tag for tag, _ in tags} <= {"section", "h2", "ol", "li", "cite", "a", "time"}
    assert {name for _, attrs in tags for name in attrs} <= {
        "class", "aria-labelledby", "id", "href", "datetime",
    }  # fmt: skip
    hrefs = [attrs["href"] for tag, attrs in tags if tag == "a"]
    assert len(hrefs) == 4 and all(href.startswith("https://") for href in hrefs)
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "ACME&#34;&gt;&lt;svg onload=alert(4)&gt; ## Injected" in section
    assert 'href="https://example.org/a?q=&lt;/script&gt;' in section
    # The DOI's own link is percent-encoded; its text is escaped.
    assert 'href="https://doi.org/10.1000/%3Cimg/src%3Dx/onerror%3Dalert%286%29%3E"' in section
    third = re.search(r'<li id="source-3">.*?</li>', section, re.S).group(0)
    assert "<a" not in third and "Raw&lt;/title&gt;" in third


def test_hostile_sources_are_inert_in_the_jsonld(client, hostile):
    """The JSON-LD still parses, holds the text as data, and cannot close its script tag."""
    html = client.get(hostile.get_absolute_url()).text
    block = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    assert "<" not in block.group(1) and ">" not in block.group(1)
    page = parse_page(html)
    citation = graph_nodes(page, "Article")[0]["citation"]
    assert citation[0]["name"].startswith(HOSTILE)
    assert "\n" not in citation[0]["name"]
    assert citation[2] == {"@type": "CreativeWork", "name": "Raw</title>",
                           "publisher": {"@type": "Organization", "name": "<b>x</b>"}}  # fmt: skip
    assert all(u.startswith("https://") for u in re.findall(r'"(?:url|sameAs)": "([^"]*)"',
                                                             json.dumps(citation)))  # fmt: skip


def test_hostile_sources_are_inert_in_the_markdown_version(client, hostile):
    """In the .md, no field can start a heading, a link, a tag or a second line."""
    text = client.get(f"/articles/{hostile.slug}.md").text
    listing = text.split("## Sources\n\n", 1)[1].splitlines()
    assert len(listing) == 3 and all(re.match(r"\d\. ", line) for line in listing)
    first = listing[0]
    assert "<" not in first and "alert\\(1\\)" in first  # tags dropped, their text kept
    assert "\\[click\\]\\(javascript:alert\\(3\\)\\) \\# Heading" in first  # escaped
    # The one real link destination is the checked URL, percent-encoded.
    links = re.findall(r"(?<!\\)\]\(([^)]*)\)", first)
    assert (
        links[0]
        == "https://example.org/a?q=%3C/script%3E%3Cscript%3Ealert%285%29%3C/script%3E&x=%22%27"
    )
    assert all(link.startswith("https://") for link in links)
    assert listing[2] == "3. Raw. x."


def _tags(html):
    """[(tag, {attribute: value})] of every element in the fragment, as a browser parses it."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


# --- Admin -------------------------------------------------------------------------------------


def _rows(html):
    return int(re.search(r'name="sources-rows" value="(\d+)"', html).group(1))


def test_the_admin_edits_sources_as_rows(client, editor, make_article):
    """Two blank rows to fill; the numbers order them; a tick deletes one; a save round-trips."""
    article = make_article("Edited", body=CITING_BODY, sources=stored(NHS))
    client.force_login(editor)
    html = client.get(change_url(article)).text
    assert _rows(html) == 3  # one source and two blank rows
    assert '<h2 id="fieldset-0-1-heading" class="fieldset-heading">Sources</h2>' in html
    data = form_data(client, article)
    assert client.post(change_url(article), {**data, "_continue": "1"}).status_code == 302
    assert Article.objects.get(pk=article.pk).latest_revision_id == article.latest_revision_id

    data.update({
        "sources-1-title": "A cognitive model of insomnia",
        "sources-1-publisher": "Behaviour Research and Therapy",
        "sources-1-doi": "doi:10.1016/S0005-7967(01)00061-4",
        "sources-1-pmid": "12186352",
        "sources-1-date": "2002",
        "sources-1-order": "1",
        "sources-0-order": "2",
    })  # fmt: skip
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert [s["title"] for s in article.sources] == ["A cognitive model of insomnia", "Insomnia"]
    assert article.sources[0]["doi"] == "10.1016/S0005-7967(01)00061-4"

    data = form_data(client, article, **{"sources-0-delete": "on"})
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.sources == stored(NHS)


def test_an_invalid_row_is_refused_keeping_everything_typed(client, editor, make_article):
    """The error names the row and field; the posted rows come back exactly as typed."""
    article = make_article("Edited", sources=stored(NHS))
    client.force_login(editor)
    data = form_data(
        client,
        article,
        **{
            "sources-0-title": "Insomnia, retitled",
            "sources-1-title": "Bad link",
            "sources-1-url": "javascript:alert(1)",
            "sources-2-publisher": "No title here",
            "sources-2-date": "5 March",
        },
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    html = response.text
    assert "Row 2, URL: “javascript:alert(1)” is not valid" in html
    assert "Row 3, title: give the title of the source." in html
    assert "Row 3, date: “5 March” is not valid" in html
    for value in ("Insomnia, retitled", "Bad link", "javascript:alert(1)", "No title here"):
        assert f'value="{value}"' in html
    assert re.search(r'name="sources-1-url"[^>]*aria-invalid="true"', html)
    assert _rows(html) == 5  # the three rows typed in, and two blank ones
    article.refresh_from_db()
    assert article.sources == stored(NHS)


def test_every_source_input_has_a_label(client, editor, make_article):
    """Each input of the rows is named by a <label for>, and the table has a caption."""
    article = make_article("Labelled", sources=stored(NHS))
    client.force_login(editor)
    html = client.get(change_url(article)).text
    editor_html = re.search(r'<div class="sources-editor".*?</table></div>', html, re.S).group(0)
    ids = re.findall(r'<input type="(?:text|url|checkbox)"[^>]* id="([^"]+)"', editor_html)
    assert len(ids) == 3 * 8
    for input_id in ids:
        assert f'<label class="visually-hidden" for="{input_id}">' in editor_html
    assert "<caption>" in editor_html
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Sources", html)


# --- Publishing ------------------------------------------------------------------------------


def test_publishing_needs_a_link_for_every_source_and_a_source_for_every_citation(
    make_article, writer, editor
):
    """A source with no URL or DOI, or a [^N] with no source N, stops publishing."""
    article = make_article(
        "Gated", body="Text[^1][^2][^3].", sources=stored(NHS, {"title": "A book", "pmid": "1"})
    )
    problems = article.publication_problems()
    assert "Source 2 (“A book”) has no URL or DOI: give one, so readers can check it." in problems
    assert any("cites [^3], but there is no source 3" in p for p in problems)
    article.submit_for_review(writer)
    with pytest.raises(InvalidTransition, match="no URL or DOI"):
        article.publish(editor)
    article.sources = stored(NHS, {"title": "A book", "doi": "10.1000/book"})
    article.body = "Text[^1][^2]."
    article.save(user=editor)
    article.publish(editor)
    assert Article.objects.get(pk=article.pk).live


def test_an_uncited_source_is_a_suggestion_not_a_block(make_article):
    """A source the text never cites is worth a word, but does not stop publishing."""
    article = make_article("Uncited", body="Text[^1].", sources=stored(NHS, PAPER))
    assert article.publication_problems() == []
    checks = {c.message for c in article.analysis() if c.key == "sources"}
    assert any("Source 2 (“A cognitive model of insomnia”) is not cited" in m for m in checks)


# --- Revisions --------------------------------------------------------------------------------


def test_sources_change_through_review_and_restore(client, editor, cited, publish):
    """A live page keeps its sources until the change is published; compare shows each
    source as a line; restoring an old revision brings its sources back."""
    first_revision = cited.latest_revision
    article = Article.objects.get(pk=cited.pk)
    article.sources = stored(NHS)
    article.body = "Sleep matters.[^1]"
    article.save(user=editor)
    live = Article.objects.get(pk=cited.pk)
    assert live.status == Status.DRAFT and len(live.sources) == 2  # the page is unchanged
    assert "A cognitive model" in client.get(cited.get_absolute_url()).text
    latest = live.latest_revision
    assert latest.content["fields"]["sources"] == stored(NHS)
    assert latest.changed == ["body", "sources"]

    client.force_login(editor)
    compare = client.get(f"/admin/articles/article/{cited.pk}/history/compare/").text
    assert "[removed: </span>" in compare and "A cognitive model of insomnia" in compare

    publish(live)
    assert "A cognitive model" not in client.get(cited.get_absolute_url()).text
    from articles.publishing import revisions

    revisions.restore(live, first_revision, editor)
    restored = Article.objects.get(pk=cited.pk)
    assert restored.latest_revision.content["fields"]["sources"] == stored(NHS, PAPER)


# --- Import --------------------------------------------------------------------------------------

DOCUMENT = """Sleep problems are common.[^1] Worry makes them worse.[^2]

Most people sleep better with a routine.[^3]

## References

1. Insomnia. NHS, 2024. https://www.nhs.uk/conditions/insomnia/
2. A cognitive model of insomnia. Behaviour Research and Therapy, 2002-08.
   doi:10.1016/S0005-7967(01)00061-4 PMID: 12186352
3. [Insomnia: management](https://cks.nice.org.uk/topics/insomnia/management/) NICE
"""


def test_an_imported_file_keeps_its_sources(tmp_path, editor):
    """A closing References list becomes the sources, and leaves the body."""
    report = import_file("sleep.txt", DOCUMENT.encode(), Options(user=editor, title="Sleep"))
    assert report.ok, report.error
    article = Article.objects.get(slug="sleep")
    assert "References" not in article.body and "doi:" not in article.body
    assert article.body.endswith("Most people sleep better with a routine.[^3]")
    assert article.sources == stored(
        {**NHS, "date": "2024"},
        {**PAPER, "url": ""},
        {
            "title": "Insomnia: management",
            "publisher": "NICE",
            "url": "https://cks.nice.org.uk/topics/insomnia/management/",
        },
    )
    assert not [p for p in article.publication_problems() if "source" in p]


def test_footnote_definitions_in_a_file_are_sources_too(editor):
    """[^N]: lines of the same shape become source N, and leave the body."""
    text = (
        "Routines help.[^2] Light matters.[^1]\n\n"
        "[^1]: Light and sleep. Sleep Foundation. https://example.org/light\n"
        "[^2]: Routines. NHS, 2023-01. https://example.org/routines\n"
    )
    report = import_file("notes.txt", text.encode(), Options(user=editor, title="Notes"))
    assert report.ok and report.warnings == []
    article = Article.objects.get(slug="notes")
    assert article.body == "Routines help.[^2] Light matters.[^1]"
    assert [(s["title"], s["publisher"], s["date"]) for s in article.sources] == [
        ("Light and sleep", "Sleep Foundation", ""),
        ("Routines", "NHS", "2023-01"),
    ]


def test_a_sources_heading_over_ordinary_text_is_left_in_the_body(editor):
    """Only a closing list of references is taken: prose under the heading stays."""
    text = "Intro.\n\nSources\n\nWe read widely for this piece.\n"
    report = import_file("prose.txt", text.encode(), Options(user=editor, title="Prose"))
    assert report.ok
    article = Article.objects.get(slug="prose")
    assert article.sources == [] and "We read widely" in article.body


def test_the_seeds_import_exactly_as_before(seed_a, seed_b):
    """The sample documents have no sources: nothing is taken out of them."""
    from articles.publishing.importing.formats import split_sources

    for path in (seed_a, seed_b):
        lines = path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
        assert split_sources(lines) == (lines, [], [])


def test_an_export_carries_sources_and_an_older_one_leaves_them(cited, editor):
    """export_content writes sources and import_content restores them; a file from before
    sources leaves an article's own as they are."""
    out = io.StringIO()
    call_command("export_content", stdout=out, stderr=io.StringIO())
    document = json.loads(out.getvalue())
    row = next(a for a in document["articles"] if a["slug"] == cited.slug)
    assert row["sources"] == cited.sources

    Article.objects.filter(pk=cited.pk).delete()
    result = import_file("export.json", json.dumps(document).encode(), Options(user=editor))
    assert result.ok, result.error
    assert Article.objects.get(slug=cited.slug).sources == stored(NHS, PAPER)

    for entry in document["articles"]:
        entry.pop("sources")
        entry["body"] = "Changed text.[^1][^2]"
    result = import_file(
        "old.json", json.dumps(document).encode(), Options(user=editor, force=True)
    )
    assert result.ok, result.error
    article = Article.objects.get(slug=cited.slug)
    assert article.latest_revision.content["fields"]["sources"] == stored(NHS, PAPER)


def test_an_export_with_bad_sources_is_refused(cited, editor):
    """Sources in an export are checked like the admin's: a javascript: URL fails the file."""
    out = io.StringIO()
    call_command("export_content", stdout=out, stderr=io.StringIO())
    document = json.loads(out.getvalue())
    Article.objects.all().delete()
    document["articles"][0]["sources"] = [{"title": "X", "url": "javascript:alert(1)"}]
    result = import_file("bad.json", json.dumps(document).encode(), Options(user=editor))
    assert not result.ok and "Source 1, URL" in result.error
    document["articles"][0]["sources"] = "not a list"
    result = import_file("bad.json", json.dumps(document).encode(), Options(user=editor))
    assert not result.ok and "sources must be a list" in result.error


def test_someone_who_may_only_read_sees_the_sources_as_a_list(client, make_article, writer):
    """A writer looking at an article in review reads its sources as the page lists them."""
    article = make_article("In review", user=writer, body=CITING_BODY, sources=stored(NHS, PAPER))
    article.submit_for_review(writer)
    client.force_login(writer)
    html = client.get(change_url(article)).text
    assert '<a href="https://www.nhs.uk/conditions/insomnia/">Insomnia</a>' in html
    assert 'PMID: <a href="https://pubmed.ncbi.nlm.nih.gov/12186352/">12186352</a>' in html
    assert '"publisher": "NHS"' not in html and 'name="sources-0-title"' not in html


def test_a_heading_never_takes_the_id_of_a_source_or_a_page_part():
    """ "## Source 1" cannot hijack the link that [^1] makes to the first source."""
    html = render_markdown("## Source 1\n\nText.[^1]\n\n## Sources heading\n\n## Plain")
    assert 'id="source-1-section"' in html and 'id="sources-heading-section"' in html
    assert 'id="plain"' in html and 'href="#source-1"' in html
