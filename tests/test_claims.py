"""The sentence splitter and figure detector behind the unsupported-claims check."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.publishing import claims
from articles.publishing.analysis import Page, analyse
from articles.publishing.importing.formats import parse_document
from articles.publishing.markdown import render_markdown
from tests.growth import assert_linear


@pytest.mark.parametrize(
    "sentence, figure",
    [
        ("About 40% of adults snore.", "40%"),
        ("About 40 % of adults snore.", "40"),
        ("Roughly 12.5 per cent of people.", "12.5 per"),
        ("It affects 1 in 5 people.", "1 in 5"),
        ("It affects one in five people.", "one in five"),
        ("Smokers are 3 times as likely to have it.", "3 times"),
        ("The risk rose 2-fold.", "2-fold"),
        ("In 2026, doctors often suggest adjusting the dosage.", "2026,"),
        ("About 2.5 million people live with it.", "2.5 million"),
        ("It costs the NHS 12,000 pounds a year.", "12,000"),
        ("Take 2.5 mg at night.", "2.5"),
    ],
)
def test_figures_are_found(sentence, figure):
    """Percentages, ratios, multiples, scales, years and decimals are figures."""
    found = claims.figure(sentence)
    assert found and found.startswith(figure.split()[0].rstrip(","))


@pytest.mark.parametrize(
    "sentence",
    [
        "Sleep helps you feel better.",
        "Take two tablets with water.",
        "See step 3 below.",
        "Smith and Jones (2019) describe it.",
        "It is described in a review (Cochrane, 2021).",
        "Ask a GP, e.g. at your next appointment.",
    ],
)
def test_ordinary_sentences_state_no_figure(sentence):
    """Plain numbers, counted steps and a reference's own year are not claims."""
    assert claims.figure(sentence) == ""


@pytest.mark.parametrize(
    "block, expected",
    [
        ("It works. It helps.", ["It works.", "It helps."]),
        ("Take it e.g. at night. Then rest.", ["Take it e.g. at night.", "Then rest."]),
        ("The dose is 2.5 mg. Then 3 mg.", ["The dose is 2.5 mg.", "Then 3 mg."]),
        ("Dr. Lee agrees. So do we!", ["Dr. Lee agrees.", "So do we!"]),
        ("It helps.[^1] In 2020 it grew.", ["It helps.[^1]", "In 2020 it grew."]),
        ("It helps. [^1] In 2020 it grew.", ["It helps. [^1]", "In 2020 it grew."]),
        ("Is it safe? Yes.", ["Is it safe?", "Yes."]),
        ("“It works.” Then stop.", ["“It works.”", "Then stop."]),
        ("1. Sleep well every night", ["Sleep well every night"]),
        ("- 40% of adults snore", ["40% of adults snore"]),
        ("Studies in the U.S. agree. Fine.", ["Studies in the U.S. agree.", "Fine."]),
    ],
)
def test_sentences_are_split_where_they_end(block, expected):
    """Decimal points, abbreviations, initials and list markers do not end a sentence."""
    assert claims.sentences(block) == expected


def test_a_numbered_list_marker_is_not_a_figure():
    """A list item's opening "1." is its number, not a claim."""
    assert claims.unsupported(["1. Keep a sleep diary.", "2. Go to bed at the same time."]) == []


def test_a_citation_in_the_sentence_supports_its_figure():
    """A [^n] (or the page's link to a source) in the same sentence supports it; not in
    the next."""
    assert claims.unsupported(["About 40% of adults snore.[^1]"]) == []
    assert claims.unsupported([f"About 40% of adults snore{claims.CITE}."]) == []
    assert claims.unsupported(["Snoring is common.[^1] About 40% of adults snore."]) == [
        "About 40% of adults snore."
    ]


def test_footnote_definitions_and_headings_are_not_claims():
    """A source's own date and a heading's number are left out of plain text."""
    text = "## 5 ways to sleep\n\nSleep matters.\n\n[^1]: Sleep study, 2019.\n"
    assert claims.text_blocks(text) == ["Sleep matters."]


def _seed_page(path):
    document = parse_document(path.read_text(encoding="utf-8"))
    answers = [render_markdown(faq.answer) for faq in document.faqs]
    return Page(title="Seed", html=render_markdown(document.body), medical=True, answers=answers)


def test_seed_a_flags_its_uncited_years_and_names_the_dosage_sentence(seed_a):
    """Seed A's "In 2026, doctors often suggest…" is flagged, headings and all else left."""
    check = next(c for c in analyse(_seed_page(seed_a)) if c.key == "cited_claims")
    assert check.status == "problem" and check.advisory
    document = parse_document(seed_a.read_text(encoding="utf-8"))
    answers = [block for faq in document.faqs for block in claims.text_blocks(faq.answer)]
    flagged = claims.unsupported(claims.text_blocks(document.body) + answers)
    assert any(s.startswith("In 2026, doctors often suggest") for s in flagged)
    # Every sentence flagged has a year in it: nothing else in seed A is a figure.
    assert flagged and all(re.search(r"\b20\d\d\b", s) for s in flagged)
    assert f"{len(flagged)} sentences state a figure" in check.message
    assert "2026 Guide" not in check.message  # the title is no sentence of the body


def test_seed_b_has_no_figure_to_cite(seed_b):
    """Seed B's list items ("a 10–15 minute window", "a 20-minute routine") state no claim."""
    check = next(c for c in analyse(_seed_page(seed_b)) if c.key == "cited_claims")
    assert check.status == "good"


WORDS = st.sampled_from(
    ["sleep", "helps", "Dr.", "e.g.", "2.5", "40%", "1", "in", "5", "2026", "It", "(2019)",
     "3", "times", "[^1]", "U.S.", "“Yes.”", "a", "The", "million", "per", "cent", ".", "?"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=40))
def test_splitting_keeps_every_word_in_order(words):
    """Sentences put back together are the block's words, in order, none lost."""
    block = " ".join(words)
    joined = " ".join(claims.sentences(block)).split()
    marker = claims._LIST_MARKER.match(block.strip())
    expected = block.strip()[marker.end() :].split() if marker else block.split()
    assert joined == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=40), st.integers(min_value=1, max_value=9))
def test_a_footnote_in_every_sentence_leaves_nothing_unsupported(words, number):
    """Whatever the sentences say, citing each one leaves no unsupported claim."""
    sentences = claims.sentences(" ".join(words))
    cited = " ".join(f"{sentence}[^{number}]" for sentence in sentences)
    assert all(claims.cited(s) for s in claims.sentences(cited))
    assert claims.unsupported([" ".join(f"{s} [^{number}]" for s in sentences)]) == []


@pytest.mark.parametrize(
    "unit",
    [
        "About 40% of adults, e.g. 1 in 5 people, snore 3 times a night in 2026. ",
        "1" * 50 + ",",
        "." * 50,
        "(" * 50,
        "[^" * 50,
        "2.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5.5",
    ],
)
def test_a_200_kb_body_costs_time_in_proportion(unit):
    """Twice a 100 KB body (200 KB) costs about twice the work, whatever it repeats."""

    def make(size):
        return [(unit * (size // len(unit) + 1))[:size]]

    assert_linear(claims.unsupported, make, 100_000, factor=2)
