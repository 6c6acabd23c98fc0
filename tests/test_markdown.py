"""Markdown rendering and sanitizing: what survives, what is stripped, and when it runs."""

import pytest

import articles.models
import articles.publishing.markdown
import faq.models
from articles.publishing.markdown import render_markdown, sanitize_html


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
        ("[Hello](javascript:alert(1))", ["javascript", "alert"], "Hello"),
        ("[Hello](JAVASCRIPT:alert(1))", ["javascript", "alert"], "Hello"),
        ('<iframe src="https://evil.example"></iframe>Hello', ["<iframe", "evil.example"], "Hello"),
        ("<style>body { display: none }</style>Hello", ["<style", "display"], "Hello"),
        ('<p style="position:fixed">Hello</p>', ["style=", "position"], "Hello"),
        ("[Hello](data:text/html;base64,PHNjcmlwdD4=)", ["data:", "base64"], "Hello"),
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
