"""Showing what the link checker found: writing checks, the change form, desk and report."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, SourceCheck, Topic
from articles.publishing.analysis import GOOD, IMPROVE, PROBLEM, Page, analyse
from articles.publishing.sources import entries

NICE = "https://www.nice.org.uk/guidance/ng999"
OLD = "https://example.org/old-page"
NEW = "https://example.org/new-page"
BODY = "Sleep well.[^1] Rest often.[^2]\n\n## More\n\nText."
NOW = timezone.now()


def record(url, status, **fields):
    fields.setdefault("checked_at", NOW)
    return SourceCheck.objects.create(url=url, status=status, **fields)


def dead(url=NICE):
    since = NOW - datetime.timedelta(days=2)
    return record(url, SourceCheck.DEAD, http_status=404, failures=2, first_failed_at=since)


def moved(url=OLD):
    return record(url, SourceCheck.MOVED, http_status=200, final_url=NEW, permanent=True)


@pytest.fixture
def cited(make_article):
    return make_article(
        "Cited",
        body=BODY,
        sources=[
            {"title": "Insomnia guidance", "publisher": "NICE", "url": NICE, "date": "2024"},
            {"title": "Old page", "url": OLD, "date": "2025-01", "doi": "10.1000/abc"},
        ],
    )


def keyed(checks, key):
    return [check for check in checks if check.key == key]


# --- The writing checks ----------------------------------------------------------------


def test_a_dead_source_is_a_problem_and_a_moved_url_an_improvement(cited):
    """Dead blocks publishing, naming since when and the code; a permanent move suggests."""
    dead(), moved()
    found = keyed(cited.analysis(), "source_links")
    assert [c.status for c in found] == [PROBLEM, IMPROVE]
    assert found[0].message.startswith("Source 1 (“Insomnia guidance”): its URL is dead since ")
    assert found[0].message.split(". Give")[0].endswith("(404)")
    assert NEW in found[1].message
    assert any("dead since" in problem for problem in cited.publication_problems())


def test_sources_answering_are_good_and_unchecked_ones_say_nothing(cited):
    """Checked and answering is good; with no record yet there is no link check at all."""
    assert keyed(cited.analysis(), "source_links") == []
    record(NICE, SourceCheck.OK, http_status=200)
    assert [c.status for c in keyed(cited.analysis(), "source_links")] == [GOOD]


def test_a_moved_doi_is_not_flagged(cited):
    """doi.org always redirects: only a source's own URL moving is an improvement."""
    record("https://doi.org/10.1000/abc", SourceCheck.MOVED, final_url=NEW, permanent=True)
    assert [c.status for c in keyed(cited.analysis(), "source_links")] == [GOOD]


def test_a_dead_doi_is_named_as_the_doi(cited):
    """A dead DOI address is a problem naming the DOI."""
    dead("https://doi.org/10.1000/abc")
    (check,) = keyed(cited.analysis(), "source_links")
    assert check.status == PROBLEM and "its DOI is dead since" in check.message


# --- Evidence freshness -------------------------------------------------------------------


def health_page(sources, html="<p>Text.</p>", today=datetime.date(2026, 12, 6), years=5):
    return Page(
        title="T", html=html, medical=True, sources=entries(sources), today=today,
        source_max_age_years=years,
    )  # fmt: skip


def test_old_and_undated_sources_are_improvements_naming_them():
    """Over five years old is named with its date; an undated source is named too."""
    page = health_page([
        {"title": "Fresh", "url": NICE, "date": "2024-03-05"},
        {"title": "Ancient", "url": NICE, "date": "2015"},
        {"title": "Edge", "url": NICE, "date": "2021-12"},
        {"title": "Undated", "url": NICE},
    ])  # fmt: skip
    old, undated = keyed(analyse(page), "evidence_age")
    assert (old.status, undated.status) == (IMPROVE, IMPROVE)
    assert "1 source dated over 5 years ago: Source 2 (“Ancient”), 2015." in old.message
    assert "Source 3" not in old.message  # December 2021 is within five years of 6 Dec 2026
    assert "Source 4 (“Undated”)" in undated.message


def test_the_age_is_a_setting_and_recent_evidence_is_good(settings, make_article):
    """SOURCE_MAX_AGE_YEARS sets the age; every source recent and dated is good."""
    medical = Topic.objects.create(name="Health", slug="health", medical=True)
    year = timezone.localdate().year
    article = make_article(
        "Recent", topic=medical, body=BODY,
        sources=[{"title": "A", "url": NICE, "date": str(year - 3)}],
    )  # fmt: skip
    assert [c.status for c in keyed(article.analysis(), "evidence_age")] == [GOOD]
    settings.SOURCE_MAX_AGE_YEARS = 2
    assert [c.status for c in keyed(article.analysis(), "evidence_age")] == [IMPROVE]


def test_content_that_needs_no_medical_review_is_not_asked(cited):
    """The health checks apply only to content a clinician signs off."""
    keys = {check.key for check in cited.analysis()}
    assert not keys & {"evidence_age", "cited_claims"}


# --- Unsupported claims -------------------------------------------------------------------


def test_figures_without_a_citation_are_an_improvement_then_a_problem():
    """One or two uncited figures suggest; three are a problem that still only advises."""
    cited_html = '<p>About 40% snore.<sup class="cite"><a href="#source-1">[1]</a></sup></p>'
    assert keyed(analyse(health_page([], cited_html)), "cited_claims")[0].status == GOOD
    one = keyed(analyse(health_page([], "<p>In 2026, doctors often suggest rest.</p>")),
                "cited_claims")[0]  # fmt: skip
    assert one.status == IMPROVE
    assert "1 sentence states a figure" in one.message and "“In 2026, doctors" in one.message
    html = "<p>About 40% snore. 1 in 5 wake. It is 3 times as common. 2.5 million do.</p>"
    many = keyed(analyse(health_page([], html)), "cited_claims")[0]
    assert many.status == PROBLEM and many.advisory
    assert "4 sentences state" in many.message and "and 1 more" in many.message


def test_headings_tables_and_list_numbers_are_not_claims():
    """A heading's figure, a table's cells and an ordered list's numbers are left out."""
    html = (
        "<h2>5 ways to sleep in 2026</h2><ol><li>Keep a diary.</li></ol>"
        "<table><tr><td>40%</td></tr></table>"
    )
    assert keyed(analyse(health_page([], html)), "cited_claims")[0].status == GOOD


def test_faq_answers_on_the_page_are_read_too(make_article, make_faq):
    """A figure in an FAQ answer shown on a health article's page is flagged."""
    medical = Topic.objects.create(name="Health", slug="health", medical=True)
    article = make_article("Health", topic=medical, body=BODY)
    make_faq("Who?", "In 2026, doctors often suggest a change.", article=article)
    (check,) = keyed(article.analysis(), "cited_claims")
    assert check.status == IMPROVE and "In 2026, doctors often suggest" in check.message


# --- The change form ----------------------------------------------------------------------


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_each_source_row_shows_what_the_check_found(client, editor, cited):
    """Row 1 says dead since when with the code, row 2 where it moved to."""
    dead(), moved(), record("https://doi.org/10.1000/abc", SourceCheck.OK, http_status=200)
    client.force_login(editor)
    html = client.get(change_url(cited)).text
    assert '<th scope="col">Link check</th>' in html
    assert 'class="source-check source-check-dead">Dead since ' in html
    assert f"Moved permanently to {NEW}" in html
    assert "DOI: Link OK, checked " in html


# --- The desk and the report ----------------------------------------------------------------


REPORT = reverse("admin:articles_article_source_report")


def test_the_desk_counts_sources_needing_attention(client, editor, cited):
    """The desk's panel counts dead and moved addresses and links to the report."""
    dead(), moved()
    client.force_login(editor)
    html = client.get("/admin/").text
    assert "Sources needing attention (2)" in html and "1 dead, 1 moved permanently" in html
    assert f'href="{REPORT}"' in html


def test_the_report_lists_dead_and_moved_sources_with_their_articles(
    client, editor, cited, make_article, django_assert_max_num_queries
):
    """Each address with what was found and the articles citing it, in a bounded number
    of queries however many articles cite."""
    dead(), moved()
    for n in range(10):
        make_article(f"Also {n}", body=BODY, sources=[{"title": "X", "url": NICE}])
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        html = client.get(REPORT).text
    assert "Dead since" in html and f"Moved permanently to {NEW}" in html
    assert html.count("source 1 <span") == 11 and "Cited</a>, source 2" in html
    only_moved = client.get(REPORT, {"status": "moved"}).text
    assert "Dead since" not in only_moved and NEW in only_moved


def test_the_live_filter_keeps_live_articles(client, editor, cited, make_article, publish):
    """Live only leaves out addresses only drafts cite."""
    dead(), moved()
    publish(make_article("Live one", body="Rest.[^1]", sources=[{"title": "X", "url": OLD}]))
    client.force_login(editor)
    html = client.get(REPORT, {"live": "1"}).text
    assert "Live one" in html and "Dead since" not in html


def test_the_report_downloads_as_csv(client, editor, cited):
    """The CSV has a line per address and citing article, formulas defused."""
    dead(), moved()
    Article.objects.filter(pk=cited.pk).update(title="=HYPERLINK(1)")
    client.force_login(editor)
    response = client.get(REPORT, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0][:3] == ["status", "address", "moved to"]
    assert {(line[0], line[1], line[6]) for line in lines[1:]} == {
        ("dead", NICE, "'=HYPERLINK(1)"), ("moved", OLD, "'=HYPERLINK(1)"),
    }  # fmt: skip


def test_the_report_needs_view_permission_on_articles(client, outsider):
    """Staff who may not view articles are refused."""
    client.force_login(outsider)
    assert client.get(REPORT).status_code == 403
