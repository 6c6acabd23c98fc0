"""Long lists page at flat cost: deep pages read ids first; the count is made once per change."""

import re

import pytest
from django.core.paginator import Paginator as DjangoPaginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.publishing import paging
from tests.conftest import forget_cached_pages


@pytest.fixture
def listed(make_article, publish):
    return [publish(make_article(f"Listed {n}")) for n in range(7)]


def test_a_deep_page_holds_what_djangos_paginator_would(listed, monkeypatch):
    """Ids first, then the rows: the same articles in the same order, orphans included."""
    monkeypatch.setattr(paging, "SHALLOW", 0)
    queryset = Article.objects.published().select_related("author")
    for number in (1, 2):
        ours = paging.Paginator(queryset, 3, orphans=1, key="/t/").page(number)
        theirs = DjangoPaginator(queryset, 3, orphans=1).page(number)
        assert list(ours) == list(theirs)
    assert paging.Paginator(queryset, 3, orphans=1).num_pages == 2


def test_the_count_is_made_once_per_content_generation(client, listed, make_article, publish):
    """A second view of a list page counts nothing; a publication counts again."""
    forget_cached_pages()
    client.get("/", {"page": 2})

    def counts():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/", {"page": 1, "fresh": 1})  # a query string never cached
        assert response.status_code == 200
        return sum("COUNT(" in q["sql"].upper() for q in queries)

    assert counts() == 0
    publish(make_article("One more"))
    assert counts() == 1
    assert counts() == 0


def test_deep_pages_start_from_checkpoints_and_match_djangos(listed, monkeypatch):
    """With a checkpoint every 3 rows, every page holds what plain offsets would give."""
    from articles.views import LIST_ORDER, listed_articles

    monkeypatch.setattr(paging, "SHALLOW", 0)
    monkeypatch.setattr(paging, "STEP", 3)
    forget_cached_pages()
    queryset = listed_articles()
    ours = paging.Paginator(queryset, 2, key="/deep/", keyset=LIST_ORDER)
    assert len(ours._checkpoints()) == 2  # rows 3 and 6 of 7
    theirs = DjangoPaginator(queryset, 2)
    for number in theirs.page_range:
        assert list(ours.page(number)) == list(theirs.page(number)), number


def test_the_home_page_lists_every_article_once_across_deep_pages(client, listed, monkeypatch):
    """Through the view, with checkpoints: each article on exactly one page, newest first."""
    monkeypatch.setattr(paging, "SHALLOW", 0)
    monkeypatch.setattr(paging, "STEP", 2)
    monkeypatch.setattr("articles.views.HomeView.paginate_by", 3)
    forget_cached_pages()
    seen = []
    for number in (1, 2, 3):
        html = client.get("/", {"page": number}).content.decode()
        seen += re.findall(r">(Listed \d)<", html)
    assert seen == [f"Listed {n}" for n in range(6, -1, -1)]
