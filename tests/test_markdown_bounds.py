"""Renderer bounds, tested by growth: four times the input costs about four times the time.

Each family of costly Markdown is previewed (checked, parsed, rendered and sanitized) at
a size and at four times it, both within the limits. The parts that were once quadratic
are also timed on their own, well past the limits, where a quadratic would show at once.
"""

import pytest

from articles.models import BODY_MAX_LENGTH
from articles.publishing import limits, markdown
from articles.publishing.markdown import preview
from tests.growth import assert_linear

TABLE = "| Measure | Value |\n|---|---:|\n"

# (family, text for n units, n): four times n stays within every limit.
FAMILIES = [
    ("headings of the same text", lambda n: "## Sleep\n" * n, 200),
    ("headings of their own text", lambda n: "".join(f"## Part {i}\n" for i in range(n)), 200),
    ("references to one footnote", lambda n: "Text[^1] " * n + "\n\n[^1]: A note.\n", 70),
    ("references, a line each", lambda n: "Text[^1]\n" * n + "\n[^1]: A note.\n", 70),
    (
        "footnote definitions",
        lambda n: (
            "".join(f"Text[^{i}]\n" for i in range(n))
            + "".join(f"\n[^{i}]: A note." for i in range(n))
        ),
        35,
    ),
    ("citations of sources", lambda n: "Text[^3] " * n, 70),
    ("table rows", lambda n: TABLE + "| Sleep | 8 |\n" * n, 175),
    ("table columns", lambda n: "|" + " a |" * n + "\n|" + "---|" * n + "\n|" + " 1 |" * n, 175),
    ("rows the parser fills out", lambda n: "| a " * n + "|\n" + "|---" * n + "|" + "\nx" * 10, 30),
    (
        "link reference definitions",
        lambda n: (
            "".join(f"[r{i}] " for i in range(n))
            + "\n\n"
            + "".join(f"[r{i}]: https://a.example/{i}\n" for i in range(n))
        ),
        90,
    ),
    ("a long paragraph", lambda n: "word " * n, 3_000),
    ("a paragraph of short lines", lambda n: "word\n" * n, 400),
    ("emphasis that never closes", lambda n: "*a " * n, 600),
    ("emphasis pairs", lambda n: "*a* " * n, 300),
    ("code spans", lambda n: "`a` " * n, 300),
    ("raw HTML tags", lambda n: "A <b>bold</b> word. " * n, 90),
    ("raw HTML blocks", lambda n: "<div>x</div>\n\n" * n, 90),
    ("autolinks", lambda n: "<https://a.example/> " * n, 180),
    ("links", lambda n: "[a](https://a.example/) " * n, 180),
    ("images", lambda n: "![A cat](https://a.example/cat.png) " * n, 180),
    ("characters HTML escapes", lambda n: 'Fish & "chips" > peas ' * n, 240),
    ("definition lists", lambda n: "Term\n: Meaning\n\n" * n, 120),
    ("nested lists", lambda n: "- a\n  - b\n    - c\n      - d\n" * n, 60),
    ("nested quotes", lambda n: "> > > a\n" * n, 200),
    ("loose list items", lambda n: "- a\n\n" * n, 200),
]


def _preview(text):
    markdown._recent_outcome.cache_clear()  # each run renders afresh
    return preview(text, BODY_MAX_LENGTH)


@pytest.mark.parametrize(("family", "make", "size"), FAMILIES, ids=[f[0] for f in FAMILIES])
def test_each_family_of_costly_markdown_previews_in_linear_time(family, make, size):
    """Four times as much of each costly construct costs about four times as much."""
    assert not limits.problems(make(4 * size), BODY_MAX_LENGTH), "both sizes are within limits"
    assert_linear(_preview, make, size)


def _parse(text):
    return markdown._parse(text)


def test_heading_ids_are_made_in_linear_time():
    """Thousands of headings of the same text get their ids without counting up each time."""
    assert_linear(_parse, lambda n: "## Sleep\n" * n, 1_000)


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "<p>" + '<sup id="r"><a href="#n">1</a></sup>' * n + "</p>",
        lambda n: "<table><tbody>" + "<tr><td>1</td></tr>" * n + "</tbody></table>",
        lambda n: "<ul>" + "<li><p>a</p></li>" * n + "</ul>",
    ],
    ids=["a paragraph of references", "a table of rows", "a list of paragraphs"],
)
def test_the_sanitizer_walks_wide_elements_in_linear_time(make):
    """An element with thousands of children is cleaned in time proportional to them."""
    assert_linear(markdown.sanitize_html, make, 1_000)


def test_the_sanitizer_hands_a_paragraph_of_entities_to_its_tree_in_one_piece(monkeypatch):
    """Text is added to the tree once per run, not once per "&": each addition copies it all."""
    builder = type(markdown._cleaner().parser.tree)
    added, insert = [], builder.insertText
    monkeypatch.setattr(builder, "insertText", lambda *a, **k: added.append(1) or insert(*a, **k))
    html = markdown.sanitize_html("<p>" + "R&amp;D, &quot;fish&quot; &gt; chips. " * 1_000 + "</p>")
    assert html.count("&amp;") == 1_000
    assert len(added) <= 2


def _checks(tokens):
    return markdown._too_deep(tokens), markdown._missing_alt(tokens), markdown._unclosed(tokens)


@pytest.mark.parametrize(
    "tag",
    ['<img alt="x" ', "<img ", '<a "', '<a title="', "<b x=y "],
)
def test_raw_html_that_never_closes_a_tag_is_read_in_one_pass(tag):
    """The depth, alt-text and unclosed-tag checks stay linear on tags that never end."""
    assert_linear(_checks, lambda n: markdown._parse("<div>\n" + tag * n + "x" * 10 * n)[1], 5_000)


def test_the_depth_check_is_linear_in_raw_tags_across_paragraphs():
    """Tags opened and closed in separate pieces are tracked in one pass over them."""
    assert_linear(
        lambda tokens: markdown._too_deep(tokens),
        lambda n: markdown._parse("<i>x</i> <b>y</b>\n\n" * n)[1],
        1_000,
    )
