"""Limits counted on the raw text: refused before parsing, with the limit and the line named."""

import pytest

from articles.models import BODY_MAX_LENGTH
from articles.publishing import editor, limits, markdown
from articles.publishing.markdown import markdown_problems, preview, render_markdown
from tests.growth import assert_linear

TABLE = "| Measure | Value |\n|---|---:|\n"
WIDE = "|" + " a |" * 100 + "\n|" + "---|" * 100 + "\n"


@pytest.fixture
def unparsed(monkeypatch):
    """Parsing or sanitizing fails the test: refused text must reach neither."""

    def explode(*args, **kwargs):
        raise AssertionError("refused text was parsed")

    monkeypatch.setattr(markdown, "_parse", explode)
    monkeypatch.setattr(markdown, "sanitize_html", explode)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x" * 60_001, "This is 60,001 characters long; the limit is 60,000."),
        (
            "A line.\n\n \n" * 2_501,
            "The text has 2,501 lines that are not blank; the limit is 2,500.",
        ),
        (
            "See [this](/a). " * 1_501,
            "The text has 1,501 “[” brackets, which links, images and footnotes use; "
            "the limit is 1,500. It passes the limit on line 1.",
        ),
        (
            "Intro.\n\n" + "A <b>bold</b> word.\n" * 751,
            "The text has 1,502 “<” signs, which HTML tags and autolinks use; "
            "the limit is 1,500. It passes the limit on line 753.",
        ),
        (
            "A claim.[^1]\n" * 601,
            "The text has 601 footnote marks, [^…] or ^[…]; the limit is 600. "
            "It passes the limit on line 601.",
        ),
        (
            "*a* " * 2_501,
            "The text has 5,002 emphasis and code marks, * _ ` or ~; the limit is 5,000. "
            "It passes the limit on line 1.",
        ),
        (
            "R&D " * 8_001,
            'The text has 8,001 characters HTML escapes, & " or >; the limit is 8,000. '
            "It passes the limit on line 1.",
        ),
        (
            "Intro.\n\n" + TABLE + "| Sleep | 8 |\n" * 1_500,
            "The text has 3,002 table cells (each table’s columns times its rows); "
            "the limit is 3,000. It passes the limit on line 3.",
        ),
        (
            "".join(f"> {line}" for line in (WIDE + "x\n" * 30).splitlines(keepends=True)),
            "The text has 3,100 table cells",
        ),
    ],
)
def test_text_past_a_limit_is_refused_unparsed_with_the_limit_named(source, message, unparsed):
    """Each limit names the count, the limit and the line where it is passed, before parsing."""
    problems, html = preview(source, BODY_MAX_LENGTH)
    assert html == ""
    assert any(message in problem for problem in problems), problems
    assert markdown_problems(source, BODY_MAX_LENGTH) == problems


def test_a_table_filled_out_by_the_parser_counts_every_cell():
    """Rows shorter than the header are filled out to its width, so they count at full width."""
    assert limits.problems(WIDE + "x\n" * 28, BODY_MAX_LENGTH) == []
    problems = limits.problems(WIDE + "x\n" * 30, BODY_MAX_LENGTH)
    assert problems[0].startswith("The text has 3,100 table cells"), problems


def test_text_near_several_limits_at_once_is_refused_unparsed(unparsed):
    """1,201 lines, 799 links and 1,600 table cells pass no limit alone, but do together."""
    source = TABLE + "| [a](/b) | 1 |\n" * 799 + "\n" + "A line.\n" * 400
    problems = markdown_problems(source, BODY_MAX_LENGTH)
    assert problems == [
        "The text comes close to several limits at once (1,600 of 3,000 table cells, "
        "799 of 1,500 “[” brackets, 1,201 of 2,500 lines), which together make it too slow "
        "to render. Shorten it, or split it into two."
    ]


def test_an_answer_is_held_to_its_own_length():
    """The length limit is the field's; an FAQ answer's is 10,000 characters."""
    assert markdown_problems("x" * 10_001, 10_000) == [
        "This is 10,001 characters long; the limit is 10,000."
    ]


def test_refused_text_renders_as_written_escaped_and_unparsed(unparsed):
    """Whatever renders text past the limits (a refused form's panel) shows it as typed."""
    html = render_markdown("<b>Bold</b> & *x*\n" * 2_501)
    assert html.startswith("<p>&lt;b&gt;Bold&lt;/b&gt; &amp; *x*<br>&lt;b&gt;")


def test_refused_text_renders_no_longer_than_a_text_may_be(unparsed):
    """A body of a million characters renders its first 60,000, so what reads it is bounded."""
    assert render_markdown("x" * 1_000_000) == f"<p>{'x' * limits.MAX_LENGTH}</p>"


def test_the_limits_hold_the_longest_text_any_field_takes():
    """The body and the editor's preview take no more than the renderer's own length limit."""
    assert BODY_MAX_LENGTH <= limits.MAX_LENGTH
    assert editor.PREVIEW_MAX_LENGTH <= limits.MAX_LENGTH


def dense_article():
    """An article at the length limit, written as a long, dense one would be."""
    sections = []
    for n in range(1, 80):
        table = TABLE + "".join(f"| Measure {k} | {k * 7} |\n" for k in range(12))
        sections.append(
            f"## Part {n}: what the research says\n\n"
            f"Sleep *matters* for **mood**, says [a review](https://example.org/{n}).[^{n % 9 + 1}]"
            " Most adults need seven to nine hours; “catching up” at weekends helps less "
            "than a regular bedtime, and caffeine after noon shortens deep sleep.\n\n"
            + "".join(f"- Point {k}: keep the room dark, cool & quiet.\n" for k in range(6))
            + ("\n" + table if n % 3 == 0 else "")
            + "\nA closing paragraph that says what to try first, and when to see a doctor. " * 3
        )
    return "\n\n".join(sections)[: BODY_MAX_LENGTH - 10]


def test_a_long_dense_article_passes_every_limit():
    """A list in every section and a table in every third use under three quarters of it all."""
    text = dense_article()
    assert len(text) > BODY_MAX_LENGTH - 1_000
    assert markdown_problems(text, BODY_MAX_LENGTH) == []
    used = sum(count / kind.limit for kind, count in limits.counts(text).items())
    assert used < limits.COMBINED_LIMIT * 3 / 4, used


def test_the_limits_are_counted_in_linear_time():
    """Counting every limit on four times the text costs about four times as much."""
    assert_linear(
        lambda text: limits.problems(text, len(text)),
        lambda n: "| [a](/b) | *c* & <d> [^1] |\n|---|---|\n" * n,
        5_000,
    )
