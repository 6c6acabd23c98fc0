"""Markdown rendering and sanitizing: what survives, what is stripped, and when it runs."""

import re
import threading

import bleach
import pytest

import articles.models
import articles.publishing.markdown
import faq.models
from articles.models import BODY_MAX_LENGTH
from articles.publishing.markdown import (
    markdown_problems,
    preview,
    render_markdown,
    sanitize_html,
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Just a paragraph.", ["<p>Just a paragraph.</p>"]),
        ("## Sub\n\n### Subsub", ['<h2 id="sub">Sub</h2>', "<h3", "Subsub</h3>"]),
        ("- one\n- two\n\n1. first\n2. second", ["<ul>", "<li>one</li>", "<ol>", "<li>first</li>"]),
        ("*soft* and **loud**", ["<em>soft</em>", "<strong>loud</strong>"]),
        ("Use `sleep()` here\n\n```\nblock\n```", ["<code>sleep()</code>", "<pre><code>block"]),
        ("> Wise words", ["<blockquote>", "<p>Wise words</p>", "</blockquote>"]),
        ("| a | b |\n|---|---|\n| 1 | 2 |", ["<table>", "<th>a</th>", "<td>2</td>"]),
        (
            "![A cat](https://img.example/cat.png)",
            ['src="https://img.example/cat.png"', 'alt="A cat"'],
        ),
        ("[web](https://a.example/x)", ['<a href="https://a.example/x">web</a>']),
        ("[plain](http://a.example/)", ['<a href="http://a.example/">plain</a>']),
        ("[mail](mailto:hi@a.example)", ['<a href="mailto:hi@a.example">mail</a>']),
    ],
)
def test_allowed_markup_survives(source, expected):
    """Ordinary Markdown constructs and safe link protocols come through rendering intact."""
    html = render_markdown(source)
    for fragment in expected:
        assert fragment in html


def test_h1_in_body_is_demoted_to_h2():
    """A `# Heading` in a body becomes an h2, so the page title stays the only h1."""
    html = render_markdown("# Top heading\n\nText.")
    assert "<h1" not in html
    assert "<h2" in html and "Top heading</h2>" in html


@pytest.mark.parametrize(
    ("source", "forbidden", "kept"),
    [
        ("<script>alert(1)</script>Hello", ["<script", "alert"], "Hello"),
        ("<SCRIPT>steal()</SCRIPT>Hello", ["<script", "steal"], "Hello"),
        ('<img src="x" onerror="alert(1)">Hello', ["onerror", "alert"], "Hello"),
        (
            '<a href="https://ok.example" onclick="alert(1)">Hello</a>',
            ["onclick", "alert"],
            "Hello",
        ),
        ('<a href="javascript:alert(1)">Hello</a>', ["javascript", "alert"], "Hello"),
        ('<a href="JaVaScRiPt:alert(1)">Hello</a>', ["javascript", "alert"], "Hello"),
        ("[Hello](javascript:alert(1))", ["href", "<a"], "Hello"),
        ("[Hello](JAVASCRIPT:alert(1))", ["href", "<a"], "Hello"),
        ('<iframe src="https://evil.example"></iframe>Hello', ["<iframe", "evil.example"], "Hello"),
        ("<style>body { display: none }</style>Hello", ["<style", "display"], "Hello"),
        ('<p style="position:fixed">Hello</p>', ["style=", "position"], "Hello"),
        ("[Hello](data:text/html;base64,PHNjcmlwdD4=)", ["href", "<a"], "Hello"),
        ('<a href="data:text/html,<b>x</b>">Hello</a>', ["data:"], "Hello"),
    ],
)
def test_dangerous_markup_is_removed(source, forbidden, kept):
    """Scripts, handlers, javascript:/data: links, iframes, styles are stripped; text stays."""
    html = render_markdown(source)
    for fragment in forbidden:
        assert fragment not in html.lower()
    assert kept in html


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ('<p onmouseover="x()">Kept</p><script>x()</script>', ["onmouseover", "<script", "x()"]),
        ('<a href=" javascript:alert(1)">Kept</a>', ["javascript"]),
        (
            "<h1>Kept</h1><iframe></iframe><form><input></form>",
            ["<h1", "<iframe", "<form", "<input"],
        ),
    ],
)
def test_sanitize_html_strips_raw_html(dirty, forbidden):
    """sanitize_html on its own enforces the allowlist on already-rendered HTML."""
    clean = sanitize_html(dirty)
    for fragment in forbidden:
        assert fragment not in clean.lower()
    assert "Kept" in clean


def test_article_body_html_rendered_and_stored_on_save(make_article):
    """Saving an article stores sanitized body_html and re-renders it when the body changes."""
    article = make_article(body="Hello **world**<script>bad()</script>")
    article.refresh_from_db()
    assert "<strong>world</strong>" in article.body_html
    assert "<script" not in article.body_html
    assert article.word_count == 2

    article.body = "Changed *text* now"
    article.save()
    article.refresh_from_db()
    assert "<em>text</em>" in article.body_html
    assert "world" not in article.body_html


def test_faq_answer_html_rendered_and_stored_on_save(make_faq):
    """Saving an FAQ entry stores its sanitized answer_html."""
    entry = make_faq(answer="Yes, *truly*.<iframe src='https://evil.example'></iframe>")
    entry.refresh_from_db()
    assert "<em>truly</em>" in entry.answer_html
    assert "<iframe" not in entry.answer_html


def test_public_pages_do_not_render_markdown_per_request(
    client, published, make_faq, publish, monkeypatch
):
    """The article and FAQ pages serve stored HTML: render_markdown is never called on GET."""
    publish(make_faq(answer="Stored *answer*.", article=published))

    def explode(*args, **kwargs):
        raise AssertionError("render_markdown called during a request")

    for module in (articles.publishing.markdown, articles.models, faq.models):
        monkeypatch.setattr(module, "render_markdown", explode)

    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert "<h2" in response.text and "A section</h2>" in response.text
    assert "Stored <em>answer</em>." in response.text
    assert client.get("/faq/").status_code == 200


def test_footnotes_definition_lists_and_heading_anchors():
    """Footnotes link both ways, definition lists render, repeated headings get unique ids."""
    html = render_markdown(
        "## Sleep\n\nText[^1] and again[^1].\n\n## Sleep\n\nTerm\n: Meaning\n\n"
        "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n[^1]: A source."
    )
    assert '<h2 id="sleep">Sleep</h2>' in html and '<h2 id="sleep-1">Sleep</h2>' in html
    assert '<sup id="fnref1"><a href="#fn1">1</a></sup>' in html
    assert '<li id="fn1">' in html and 'href="#fnref1"' in html and 'href="#fnref1-1"' in html
    assert "<dt>Term</dt>" in html and "<dd>Meaning</dd>" in html
    assert '<td align="center">2</td>' in html


def test_a_pathological_body_cannot_poison_the_next_render():
    """A list nested 300 deep renders without an exception, and a normal body after it is right."""
    nested = "".join("  " * level + "- item\n" for level in range(300))
    render_markdown(nested)
    html = render_markdown("**bold**\n\n## Heading\n\n[a link](https://a.example/)")
    assert "<p><strong>bold</strong></p>" in html
    assert '<h2 id="heading">Heading</h2>' in html
    assert '<a href="https://a.example/">a link</a>' in html


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("[" * 100_000, "100,000 characters long; the limit is 60,000"),
        ("".join("  " * level + "- x\n" for level in range(200)), "nested more than 10 levels"),
        (">" * 5_000 + " deep", "nested more than 10 levels deep on line 1"),
        ("1. " * 10_000 + "deep", "nested more than 10 levels deep on line 1"),
        ("<i><b>" * 700, "tags are nested more than 40 levels deep on line 1"),
        ("*a " * 2_000 + "b" + "*" * 2_000, "nested more than 40 levels deep on line 1"),
        ("".join(f"<b title={n}>x\n\n" for n in range(60)), "nested more than 40 levels"),
    ],
)
def test_oversized_and_overnested_text_is_refused_unrendered(source, message, monkeypatch):
    """Size and depth limits give a message, and such text is never handed to the sanitizer."""

    def explode(html):
        raise AssertionError("refused text was rendered")

    monkeypatch.setattr(articles.publishing.markdown, "sanitize_html", explode)
    problems, html = preview(source, BODY_MAX_LENGTH)
    assert html == ""
    assert any(message in problem for problem in problems), problems


@pytest.mark.parametrize(
    "source",
    [
        "\n\n".join(["Water is H<sub>2</sub>O."] * 60),
        "A <b>bold</b> word. " * 60,
        "<b><i>Mis</b>nested</i> tags. " * 60,
    ],
)
def test_raw_tags_closed_where_they_open_add_no_depth(source):
    """Sixty small tags, each closed after its word, pass the depth check on any line."""
    assert markdown_problems(source, BODY_MAX_LENGTH) == []


def test_a_closing_tag_of_another_name_closes_nothing():
    """`<i></b>` repeated nests ever deeper, as html5lib builds it, and is refused."""
    problems = markdown_problems("<i></b>" * 60, BODY_MAX_LENGTH)
    assert any("nested more than 40 levels deep on line 1" in p for p in problems), problems


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "Intro.\n\n<script>track()\n\nThe rest of the article.",
            "A <script> tag opened on line 3 is never closed",
        ),
        ("Intro.\n\n<!-- note to self\n\nThe rest.", "A comment (<!--) opened on line 3"),
        ("Intro <style> b\n\nMiddle.\n\n</style> end", "<style> tag runs from line 1 to line 5"),
        ("One\n\nTwo <iframe src=x>\n\nRest.", "<iframe> tag opened on line 3 is never closed"),
    ],
)
def test_text_the_sanitizer_would_drop_is_reported_with_its_line(source, message):
    """An unclosed script, style, iframe or comment is named, with its line, before saving."""
    problems = markdown_problems(source, BODY_MAX_LENGTH)
    assert any(message in problem for problem in problems), problems


@pytest.mark.parametrize(
    "source",
    [
        "A <script>x()</script> inline.\n\nMore.",
        "```html\n<script>\n<!--\n```\n\nMore.",
        "Use `<style>` for that.\n\nMore.",
        "<!-- a note -->\n\nMore.",
        "<style>\np { color: red }\n</style>\n\nMore.",
    ],
)
def test_closed_or_quoted_tags_are_not_reported(source):
    """Closed tags, comments and tags inside code are fine as they are."""
    assert markdown_problems(source, BODY_MAX_LENGTH) == []


def test_seed_documents_pass_the_checks(seed_a, seed_b):
    """Both sample documents (read from ../shared/seeds/) are within every limit."""
    for seed in (seed_a, seed_b):
        assert markdown_problems(seed.read_text(encoding="utf-8"), BODY_MAX_LENGTH) == []


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("Intro.\n\n![](https://img.example/a.png)", 3),
        ("Intro.\n\n![   ](https://img.example/a.png)", 3),
        ('One\n\nTwo\n\n<img src="https://img.example/a.png">', 5),
        ("<p>x <img src=a.png alt=''></p>", 1),
    ],
)
def test_an_image_without_alt_text_is_refused_with_its_line(source, line):
    """Body images need alt text, in Markdown or HTML; the message names the line."""
    problems = markdown_problems(source, BODY_MAX_LENGTH)
    assert any(f"The image on line {line} has no alt text" in p for p in problems), problems


def test_images_with_alt_text_pass():
    """Alt text in either form is enough."""
    source = '![A cat](https://img.example/a.png)\n\n<img src="b.png" alt="A dog">'
    assert markdown_problems(source, BODY_MAX_LENGTH) == []


def test_threads_sanitize_with_cleaners_of_their_own():
    """bleach's Cleaner keeps parser state between calls, so each thread has its own, and
    threads cleaning at once get what one thread alone would."""
    markdown = articles.publishing.markdown
    documents = [f'<p onclick="x()">Note {n} <script>bad()</script><b>{n}</b></p>' * 20
                 for n in range(40)]  # fmt: skip
    expected = [markdown.sanitize_html(doc) for doc in documents]
    cleaners, results = [], {}

    def work(name):
        cleaners.append(markdown._cleaner())
        results[name] = [markdown.sanitize_html(doc) for doc in documents]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(cleaner) for cleaner in cleaners}) == 6
    assert markdown._cleaner() is markdown._cleaner()
    assert all(found == expected for found in results.values())


def test_the_linear_walker_cleans_exactly_as_bleachs_own(seed_a, seed_b):
    """The sanitizer's own tree walk gives the output bleach's walker gives, tag for tag."""
    markdown = articles.publishing.markdown
    bleachs_own = bleach.Cleaner(
        tags=markdown.ALLOWED_TAGS,
        attributes=markdown.ALLOWED_ATTRIBUTES,
        protocols=markdown.ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    documents = [seed.read_text(encoding="utf-8") for seed in (seed_a, seed_b)] + [
        "<p>One <b>two <i>three</b> four</i></p><table><tr><td>x<td>y</table>",
        "<ul><li><p>a<li>b</ul><script>x()</script><svg><g><a>link</a></g></svg>",
        "Text <!-- note --> &amp; <sup id=r><a href='#n'>1</a></sup> tail<br>more",
    ]
    for document in documents:
        md, tokens, env = markdown._parse(document)
        for source in (document, md.renderer.render(tokens, md.options, env)):
            expected = bleachs_own.clean(markdown._CODE_ELEMENTS.sub("", source))
            assert sanitize_html(source) == expected


def test_a_heading_that_reads_like_a_numbered_id_takes_the_next_free_number():
    """Ids stay unique when a heading's own text looks like a number already given."""
    html = render_markdown("## Sleep\n\n## Sleep 1\n\n## Sleep\n\n## Sleep\n\n## Sleep 1")
    ids = re.findall(r'<h2 id="([^"]+)"', html)
    assert ids == ["sleep", "sleep-1", "sleep-2", "sleep-3", "sleep-1-1"]
