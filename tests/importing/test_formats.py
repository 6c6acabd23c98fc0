"""The seed-format parser against the real sample documents and broken variants."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from articles.publishing.importing.formats import (
    END,
    START,
    ImportFormatError,
    ParsedDocument,
    parse_document,
    repair_json,
)

SEED_A = "000_2c3dcb79e5ffe5ba.txt"
SEED_B = "001_def938b7b7e15004.txt"
QUESTIONS = [
    "How can I get my sex back after starting antidepressants?",
    "What role does anxiety play in low sexual desire?",
    "Why is somatic therapy recommended for trauma-related intimacy issues?",
    "Can relationship counseling help with sexual dysfunction?",
    "How long does it take to see improvements in libido after starting therapy?",
]


@pytest.fixture(scope="module")
def text_a(seed_a: Path) -> str:
    return seed_a.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def text_b(seed_b: Path) -> str:
    return seed_b.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc_a(text_a: str) -> ParsedDocument:
    return parse_document(text_a)


@pytest.fixture(scope="module")
def doc_b(text_b: str) -> ParsedDocument:
    return parse_document(text_b)


def _line_of(lines: list[str], predicate) -> int:
    """1-based number of the first line matching ``predicate``."""
    return next(i for i, line in enumerate(lines, 1) if predicate(line))


# --- Seed A ------------------------------------------------------------------------------------


def test_a_format_and_title(doc_a: ParsedDocument) -> None:
    """Seed 000 is detected as format A and its title line is taken verbatim."""
    assert doc_a.format == "A"
    assert doc_a.title == "Strategies to Get Your Sex Back After Mental Health Challenges"


def test_a_meta_fields(doc_a: ParsedDocument) -> None:
    """Meta title, description and focus keyword come from the schema block."""
    assert doc_a.meta_title == "How to Get Your Sex Back: 2026 Guide to Reclaiming Intimacy"
    assert doc_a.meta_description.startswith("Learn evidence-led strategies")
    assert doc_a.focus_keyword == "sex back"


def test_a_faqs_in_source_order(doc_a: ParsedDocument) -> None:
    """Exactly the five schema-block FAQs are returned, in source order."""
    assert [f.question for f in doc_a.faqs] == QUESTIONS


def test_a_typographic_quotes_kept_in_answer(doc_a: ParsedDocument) -> None:
    """Content quotes inside JSON values survive the repair as typographic characters."""
    answer = doc_a.faqs[1].answer
    assert "This “fight or flight” state" in answer
    assert "biological “brakes” and" in answer
    assert answer.endswith("allow desire to return.")


def test_a_body_headings(doc_a: ParsedDocument) -> None:
    """The body has five section headings plus the conclusion as `## ` lines."""
    headings = [line for line in doc_a.body.split("\n") if line.startswith("## ")]
    assert len(headings) == 6
    assert headings[0] == "## Understanding the Impact of Anxiety and Depression on Libido"
    assert headings[-1] == "## Conclusion for Reclaiming Your Intimate Well-being"
    assert doc_a.body.startswith("Maintaining a healthy intimate life")


def test_a_faq_not_in_body(doc_a: ParsedDocument) -> None:
    """The plain-text FAQ at the end is cut from the body."""
    for question in QUESTIONS:
        assert question not in doc_a.body
    assert doc_a.body.rstrip().endswith("reintegrating intimacy into your life.")
    assert "SCHEMA_JSON" not in doc_a.body and "“@type”" not in doc_a.body


def test_a_placeholder_warnings(doc_a: ParsedDocument) -> None:
    """Empty and placeholder author/date values become warnings, never data."""
    text = "\n".join(doc_a.warnings)
    assert "Article.author.name is empty" in text
    assert "Article.datePublished is empty" in text
    assert '"2026-01-01" looks like a placeholder' in text
    assert '"Site editorial team" looks like a generic placeholder' in text


def test_a_sources_agree(doc_a: ParsedDocument) -> None:
    """The three FAQ copies in seed 000 agree, so there is no cross-check warning."""
    assert not [w for w in doc_a.warnings if w.startswith("FAQ ")]
    assert len(doc_a.warnings) == 4


def _ascii_json(text: str) -> str:
    """Seed A with ASCII JSON delimiters; the few content quotes stay typographic."""
    content = ("“fight or flight”", "“brakes”", "“macro-context”")
    lines = text.split("\n")
    title = lines.index("Strategies to Get Your Sex Back After Mental Health Challenges")
    start, end = lines.index(START), lines.index(END)

    def convert(chunk: str) -> str:
        for n, quoted in enumerate(content):
            chunk = chunk.replace(quoted, f"\0{n}\0")
        chunk = chunk.replace("“", '"').replace("”", '"')
        for n, quoted in enumerate(content):
            chunk = chunk.replace(f"\0{n}\0", quoted)
        return chunk

    leading, schema = convert("\n".join(lines[:title])), convert("\n".join(lines[start + 1 : end]))
    json.loads(schema)  # the conversion really produced standard JSON
    json.JSONDecoder().raw_decode(leading)
    return "\n".join([leading, *lines[title : start + 1], schema, *lines[end:]])


def test_a_ascii_quotes_same_result(text_a: str, doc_a: ParsedDocument) -> None:
    """The same document written with ordinary JSON quotes parses to the same result."""
    converted = _ascii_json(text_a)
    assert "“@type”" not in converted
    assert parse_document(converted) == doc_a


def test_a_crlf_same_result(text_a: str, doc_a: ParsedDocument) -> None:
    """Windows line endings are normalised before parsing."""
    assert parse_document(text_a.replace("\n", "\r\n")) == doc_a


# --- Seed B ------------------------------------------------------------------------------------


def test_b_list_items(doc_b: ParsedDocument) -> None:
    """Seed 001's nine dash bullets become one Markdown list with bold labels."""
    assert doc_b.format == "B"
    items = [line for line in doc_b.body.split("\n") if line.startswith("- ")]
    assert len(items) == 9
    assert all(re.match(r"^- \*\*[^*]+:\*\* \S", item) for item in items)
    assert items[0].startswith("- **Communicate with tenderness:** Set aside a 10–15 minute")
    assert "\n".join(items) in doc_b.body  # consecutive: a single list


def test_b_paragraphs_verbatim(text_b: str, doc_b: ParsedDocument) -> None:
    """Every non-bullet line of seed 001 appears verbatim in the body; there is no title."""
    assert doc_b.title == ""
    paragraphs = [s for s in map(str.strip, text_b.split("\n")) if s and not s.startswith("–")]
    assert len(paragraphs) == 4
    for paragraph in paragraphs:
        assert f"\n{paragraph}\n" in f"\n{doc_b.body}\n"
    assert doc_b.faqs == [] and doc_b.warnings == []


def test_b_markdown_escaping() -> None:
    """Paragraphs that look like Markdown syntax are escaped; normal text is untouched."""
    doc = parse_document(
        "1. Not a list\n# Not a heading\n> not a quote\n* star\nPlain *text* 2.\n"
        "- plain bullet\n- Label: value"
    )
    assert doc.body.split("\n\n") == [
        "1\\. Not a list",
        "\\# Not a heading",
        "\\> not a quote",
        "\\* star",
        "Plain *text* 2.",
        "- plain bullet\n- **Label:** value",
    ]


# --- Errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "  \n\t\n"])
def test_empty_file(text: str) -> None:
    """An empty or whitespace-only file is an error on line 1."""
    with pytest.raises(ImportFormatError) as info:
        parse_document(text)
    assert info.value.line == 1 and str(info.value) == "line 1: file is empty"


def test_unterminated_schema_block(text_a: str) -> None:
    """A schema block without its END marker is reported at the START marker's line."""
    lines = text_a.split("\n")
    start = lines.index(START) + 1
    with pytest.raises(ImportFormatError) as info:
        parse_document("\n".join(lines[: start + 5]))
    assert info.value.line == start
    assert "not terminated" in info.value.message and END in info.value.message


def test_broken_leading_json(text_a: str) -> None:
    """A missing colon in the leading JSON is reported at that line of the file."""
    lines = text_a.split("\n")
    bad = _line_of(lines, lambda s: s == "“@type”: “FAQPage”,")
    lines[bad - 1] = "“@type” “FAQPage”,"
    with pytest.raises(ImportFormatError) as info:
        parse_document("\n".join(lines))
    assert info.value.line == bad and "leading JSON" in info.value.message


def test_broken_schema_block_json(text_a: str) -> None:
    """Garbage inside the schema block is reported at its line in the original file."""
    lines = text_a.split("\n")
    after = _line_of(lines, lambda s: s.startswith("“meta_title”"))
    lines.insert(after, "garbage here")
    with pytest.raises(ImportFormatError) as info:
        parse_document("\n".join(lines))
    assert info.value.line == after + 1 and "schema block" in info.value.message


def test_missing_closing_brace(text_a: str) -> None:
    """Deleting a closing brace in the schema block still gives a line inside that block."""
    lines = text_a.split("\n")
    brace = _line_of(lines, lambda s: s.startswith("“author”: { “@type”: “Organization”")) + 1
    assert lines[brace - 1] == "},"
    del lines[brace - 1]
    with pytest.raises(ImportFormatError) as info:
        parse_document("\n".join(lines))
    assert lines.index(START) < info.value.line <= lines.index(END) + 1


def test_a_without_body(text_a: str) -> None:
    """Format A whose only text after the title is the FAQ has no body: an error."""
    lines = text_a.split("\n")
    title = lines.index("Strategies to Get Your Sex Back After Mental Health Challenges")
    first_question = lines.index(QUESTIONS[0])
    with pytest.raises(ImportFormatError) as info:
        parse_document("\n".join(lines[: title + 2] + lines[first_question:]))
    assert info.value.message == "no body text" and info.value.line == title + 2


# --- Cross-check -------------------------------------------------------------------------------


def test_plain_text_answer_differs(text_a: str, doc_a: ParsedDocument) -> None:
    """A changed plain-text answer is warned about by question; the schema block's answer wins."""
    lines = text_a.split("\n")
    n = _line_of(lines, lambda s: s.startswith("Somatic therapy is recommended because"))
    lines[n - 1] = lines[n - 1].replace("gently reconnect", "quickly reconnect")
    doc = parse_document("\n".join(lines))
    assert [w for w in doc.warnings if w.startswith("FAQ ")] == [
        f'FAQ "{QUESTIONS[2]}": answer differs between the schema block and the plain-text FAQ; '
        "using the schema block"
    ]
    assert doc.faqs == doc_a.faqs and "gently reconnect" in doc.faqs[2].answer


def test_question_missing_from_leading_faqpage(text_a: str, doc_a: ParsedDocument) -> None:
    """Removing a question from the leading FAQPage gives a warning naming it."""
    lines = text_a.split("\n")
    k = lines.index(f"“name”: “{QUESTIONS[3]}”,")  # first occurrence: the leading FAQPage
    assert lines[k - 2] == "{" and lines[k + 5] == "},"
    del lines[k - 2 : k + 6]
    doc = parse_document("\n".join(lines))
    assert [w for w in doc.warnings if w.startswith("FAQ ")] == [
        f'FAQ "{QUESTIONS[3]}": missing from the leading FAQPage'
    ]
    assert doc.faqs == doc_a.faqs


# --- repair_json -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("{“a”: “the “brakes”, the rest”, “b”: “x”}", {"a": "the “brakes”, the rest", "b": "x"}),
        ("{“a”: “say “no”, “yes” ok”,\n“b”: [“x”, 1]}", {"a": "say “no”, “yes” ok", "b": ["x", 1]}),
        ("{“a”: “term”: definition”}", {"a": "term”: definition"}),
        ('{“a”: “a 5" screen”}', {"a": 'a 5" screen'}),
        ('{"a": "he said "hi" there", "b": "\\u2019"}', {"a": 'he said "hi" there', "b": "’"}),
        ("{“a”: “”,\n“b”: {“c”: “”}}", {"a": "", "b": {"c": ""}}),
    ],
)
def test_repair_json(broken: str, expected: dict) -> None:
    """Delimiter quotes are told apart from content quotes by what follows them."""
    assert json.loads(repair_json(broken)) == expected


def test_error_str_without_line() -> None:
    """ImportFormatError renders as the bare message when it has no line."""
    assert str(ImportFormatError("bad")) == "bad"
    assert str(ImportFormatError("bad", line=12)) == "line 12: bad"


def test_end_marker_without_start(text_a: str) -> None:
    """An END marker with no START marker is an error at the END marker's line."""
    lines = text_a.split("\n")
    lines.remove(START)
    with pytest.raises(ImportFormatError) as info:
        parse_document("\n".join(lines))
    assert info.value.line == lines.index(END) + 1
