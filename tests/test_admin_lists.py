"""The admin's lists at scale: counted no further than a bound, with queries and time
that do not grow with the table."""

import io
import re
from urllib.parse import parse_qsl

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.publishing.admin import lists
from tests.growth import growth

LISTS = ["/admin/articles/article/", "/admin/faq/faqentry/"]


def per_page(monkeypatch, n):
    """Every list shows ``n`` rows a page."""
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, lists.ListMixin):
            monkeypatch.setattr(model_admin, "list_per_page", n)


def listed(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode(), queries.captured_queries


@pytest.mark.parametrize("url", LISTS)
def test_a_list_counts_no_further_than_its_bound(client, editor, url, monkeypatch):
    """Past COUNT_LIMIT rows a list pages through the first that many and says there
    are more; its count reads at most one row past the bound."""
    monkeypatch.setattr(lists, "COUNT_LIMIT", 3)
    per_page(monkeypatch, 2)
    call_command("generate_content", "4", "--faqs", "1", stdout=io.StringIO())
    client.force_login(editor)
    html, queries = listed(client, url)
    assert re.search(r"More than 3 (articles|FAQ entries): the first 3 are listed", html)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "notification" not in q["sql"]]
    assert counts and all("LIMIT 4" in sql for sql in counts), counts

    monkeypatch.setattr(lists, "COUNT_LIMIT", 100)
    html, _ = listed(client, url)
    assert "More than" not in html
    assert re.search(r"\n4 (articles|FAQ entries)\n", html)


def test_the_article_list_counts_live_articles_by_the_bound_too(client, editor, monkeypatch):
    """A state filter (Live) is counted to the bound, not over every live article."""
    monkeypatch.setattr(lists, "COUNT_LIMIT", 2)
    per_page(monkeypatch, 1)
    call_command("generate_content", "3", "--faqs", "0", stdout=io.StringIO())
    client.force_login(editor)
    html, _ = listed(client, LISTS[0], state="live")
    assert "More than 2 articles: the first 2 are listed" in html
    assert len(re.findall(r'<tr><td class="action-checkbox">', html)) == 1


@pytest.mark.parametrize("url", LISTS)
def test_a_list_costs_the_same_queries_at_any_size(client, editor, url):
    """A list of 5 articles (and their entries) and one of 60 take the same queries."""
    client.force_login(editor)
    call_command("generate_content", "5", "--faqs", "1", stdout=io.StringIO())
    listed(client, url)  # first-request costs
    _, few = listed(client, url)
    call_command("generate_content", "55", "--faqs", "1", stdout=io.StringIO())
    _, many = listed(client, url)
    assert len(many) == len(few)


def test_the_article_list_costs_no_more_past_its_count_bound(client, editor, monkeypatch):
    """With the count bounded at 20 rows and 20 listed a page, 4× the articles past the
    bound take about the time the first did: nothing on the page reads every row."""
    monkeypatch.setattr(lists, "COUNT_LIMIT", 20)
    per_page(monkeypatch, 20)
    client.force_login(editor)

    def make(size):
        call_command("generate_content", str(size), "--faqs", "0", stdout=io.StringIO())
        return Article.objects.count()

    def render(_):
        assert client.get(LISTS[0]).status_code == 200

    # The 4× table holds the small one too, so this compares 100 rows with 500.
    assert growth(render, make, 100) < 1.5


def test_a_rows_checkbox_is_djangos_own(rf, editor, make_article):
    """The list's checkbox is the markup Django's ModelAdmin makes, name, value and label
    escaped alike, made without the form template engine."""
    from articles.admin import ArticleAdmin

    article = make_article('Salt & "sugar" <b>swaps</b>')
    model_admin = admin.site._registry[Article]
    assert isinstance(model_admin, ArticleAdmin)
    assert model_admin.action_checkbox(article) == admin.ModelAdmin.action_checkbox(
        model_admin, article
    )


def test_a_filtered_lists_rows_link_back_to_it(client, editor, make_article, topic):
    """Each row of a filtered, searched, sorted list links to its change page carrying the
    list's filters, exactly as Django's add_preserved_filters adds them; the change page's
    trail leads back to that list, not the whole one."""
    from django.contrib.admin.templatetags.admin_urls import add_preserved_filters

    for n in range(3):
        make_article(f"Sleep note {n}", body="Sleep well.")
    client.force_login(editor)
    params = {"topic__id__exact": topic.pk, "q": "sleep", "o": "1"}
    response = client.get(LISTS[0], params)
    links = re.findall(r'<th class="field-title"><a href="([^"]+)"', response.text)
    assert len(links) == 3
    preserved = admin.site._registry[Article].get_preserved_filters(response.wsgi_request)
    assert "_changelist_filters=" in preserved
    for link in (link.replace("&amp;", "&") for link in links):
        context = {"preserved_filters": preserved, "opts": Article._meta}
        assert link == add_preserved_filters(context, link.split("?")[0])
    form = client.get(links[0].replace("&amp;", "&")).text
    back = re.search(r'<li><a href="([^"]+)">Articles</a></li>', form).group(1)
    path, query = back.replace("&amp;", "&").split("?")
    assert path == LISTS[0] and dict(parse_qsl(query)) == {k: str(v) for k, v in params.items()}


def test_a_list_past_its_bound_writes_the_bound_with_a_thousands_separator():
    """The bound reads "More than 1,000" in the list's summary and by the search box, and
    a count reads with the same separator."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    opts = SimpleNamespace(verbose_name="article", verbose_name_plural="articles")
    cl = SimpleNamespace(
        paginator=SimpleNamespace(more=True), result_count=1000, query="sleep", opts=opts,
        search_fields=["title"], params={}, is_popup=False, add_facets=False,
        show_full_result_count=False,
    )  # fmt: skip
    listed = render_to_string("admin/pagination.html", {"cl": cl})
    searched = render_to_string("admin/search_form.html", {"cl": cl, "show_result_count": True})
    assert "More than 1,000 articles match: the first 1,000 are listed" in listed
    assert "More than 1,000 results" in searched
    # Counted to the bound exactly, or in full: the same separator.
    cl.paginator.more, cl.show_full_result_count, cl.full_result_count = False, True, 123456
    listed = render_to_string("admin/pagination.html", {"cl": cl})
    searched = render_to_string("admin/search_form.html", {"cl": cl, "show_result_count": True})
    assert "1,000 articles" in listed
    assert "1,000 results" in searched and "123,456 total" in searched
