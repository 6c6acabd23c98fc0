"""Renderer bounds, tested by growth: four times the input costs about four times the time."""

import pytest

from articles.publishing import markdown
from tests.growth import assert_linear


def _checks(tokens):
    return markdown._too_deep(tokens), markdown._missing_alt(tokens), markdown._unclosed(tokens)


@pytest.mark.parametrize(
    "tag",
    ['<img alt="x" ', "<img ", '<a "', '<a title="', "<b x=y "],
)
def test_raw_html_that_never_closes_a_tag_is_read_in_one_pass(tag):
    """The depth, alt-text and unclosed-tag checks stay linear on tags that never end."""
    assert_linear(_checks, lambda n: markdown._parse("<div>\n" + tag * n + "x" * 10 * n)[1], 5_000)
