"""The pure JSON-LD builders in articles.publishing.jsonld."""

import datetime
from types import SimpleNamespace

import pytest

from articles.publishing import jsonld


def test_prune_drops_empty_values_recursively_and_strips_strings():
    """prune removes None, "", [], {} at any depth (including ones emptied by pruning)."""
    value = {
        "none": None,
        "blank": "",
        "spaces": "   ",
        "list": [],
        "dict": {},
        "nested": {"inner": None, "deeper": {"x": ""}},
        "items": [None, "", " keep ", {}, [], {"a": None}, {"b": " b "}],
        "title": "  Padded  ",
        "zero": 0,
        "false": False,
    }
    assert jsonld.prune(value) == {
        "items": ["keep", {"b": "b"}],
        "title": "Padded",
        "zero": 0,
        "false": False,
    }


def test_graph_has_context_and_pruned_nodes():
    """graph() wraps non-empty nodes in @context/@graph and prunes each one."""
    result = jsonld.graph({"@type": "Thing", "name": " N ", "description": ""}, None, {})
    assert result == {"@context": "https://schema.org", "@graph": [{"@type": "Thing", "name": "N"}]}


def test_breadcrumb_positions_start_at_one():
    """Breadcrumb ListItems are numbered 1..n in order and the list has a #breadcrumb id."""
    url = "https://example.test/articles/x/"
    crumbs = [
        ("Home", "https://example.test/"),
        ("Sleep", "https://example.test/topics/sleep/"),
        ("X", url),
    ]
    node = jsonld.breadcrumb_list(url, crumbs)
    assert node["@id"] == f"{url}#breadcrumb"
    assert [(i["position"], i["name"], i["item"]) for i in node["itemListElement"]] == [
        (1, "Home", "https://example.test/"),
        (2, "Sleep", "https://example.test/topics/sleep/"),
        (3, "X", url),
    ]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (
            datetime.datetime(
                2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            ),
            "2024-05-06T07:08:09+02:00",
        ),
        (
            datetime.datetime(2024, 1, 2, 3, 4, 5, 999, tzinfo=datetime.UTC),
            "2024-01-02T03:04:05+00:00",
        ),
        (datetime.date(2024, 5, 6), "2024-05-06"),
        (None, None),
    ],
)
def test_iso_keeps_offset_and_drops_microseconds(moment, expected):
    """iso() gives ISO 8601 to the second with the UTC offset; dates stay dates, None stays None."""
    assert jsonld.iso(moment) == expected


def test_faq_page_of_no_entries_is_none():
    """faq_page([]) is None, so graph() leaves the node out entirely."""
    assert jsonld.faq_page([], "https://example.test/a/") is None
    assert jsonld.graph(jsonld.faq_page(iter([]), "https://example.test/a/"))["@graph"] == []


def test_faq_page_lists_questions_with_answers():
    """faq_page builds one Question per entry, with its Answer text, part of the page."""
    url = "https://example.test/a/"
    entries = [
        SimpleNamespace(slug="q1", question="Q one?", answer_text="A one."),
        SimpleNamespace(slug="q2", question="Q two?", answer_text="A two."),
    ]
    node = jsonld.faq_page(entries, url)
    assert node["@type"] == "FAQPage"
    assert node["isPartOf"] == {"@id": url}
    assert [(q["@id"], q["name"], q["acceptedAnswer"]["text"]) for q in node["mainEntity"]] == [
        (f"{url}#q1", "Q one?", "A one."),
        (f"{url}#q2", "Q two?", "A two."),
    ]


def test_site_nodes_reference_each_other_by_id():
    """WebSite.publisher and WebPage.isPartOf/breadcrumb point at the ids those nodes carry."""
    site = jsonld.Site(url="https://example.test", name="Site")
    url = "https://example.test/p/"
    page = jsonld.webpage(site, url, "P")
    assert jsonld.website(site)["publisher"] == {"@id": jsonld.organization(site)["@id"]}
    assert page["isPartOf"] == {"@id": jsonld.website(site)["@id"]}
    trail = [("Home", "https://example.test/"), ("P", url)]
    assert page["breadcrumb"] == {"@id": jsonld.breadcrumb_list(url, trail)["@id"]}
    assert jsonld.breadcrumb_list(url, trail[:1]) is None, "a trail of one is omitted"
    assert site.absolute("/x/") == "https://example.test/x/"
    assert site.absolute("https://other.example/y") == "https://other.example/y"
