"""Moved pages answer 301 from every old address, in one hop, and never loop."""

import pytest
from django.contrib.redirects.models import Redirect

from articles.models import Author, Topic
from tests.conftest import sitemap_locations


@pytest.fixture
def rename(writer, editor):
    """Give a live article a new slug the way the desk does: save, review, publish."""

    def run(article, slug):
        article.slug = slug
        article.save(user=writer)
        article.submit_for_review(writer)
        article.publish(editor)
        article.refresh_from_db()
        return article

    return run


def hop(client, path):
    response = client.get(path)
    return response.status_code, response.headers.get("Location")


def test_a_live_article_that_moves_redirects_from_its_old_address(client, published, rename):
    """The old URL answers 301 to the new one once the move is published, not before."""
    old = published.get_absolute_url()
    published.slug = "calmer-mind"
    published.save()
    assert client.get(old).status_code == 200, "the live page is unchanged until publish"
    rename(published, "calmer-mind")
    assert hop(client, old) == (301, "/articles/calmer-mind/")
    assert client.get("/articles/calmer-mind/").status_code == 200


def test_a_chain_collapses_to_one_hop(client, published, rename):
    """A→B then B→C: both A and B go straight to C."""
    first = published.get_absolute_url()
    rename(published, "second-name")
    rename(published, "third-name")
    assert hop(client, first) == (301, "/articles/third-name/")
    assert hop(client, "/articles/second-name/") == (301, "/articles/third-name/")
    assert Redirect.objects.count() == 2


def test_moving_back_cannot_make_a_loop(client, published, rename):
    """A→B then B→A: A is live again, B redirects to it, and A redirects nowhere."""
    first = published.get_absolute_url()
    rename(published, "other-name")
    rename(published, first.strip("/").split("/")[-1])
    assert client.get(first).status_code == 200
    assert hop(client, "/articles/other-name/") == (301, first)
    assert not Redirect.objects.filter(old_path=first).exists()


def test_a_draft_never_published_leaves_no_redirect(client, make_article):
    """Renaming a page nobody could see records nothing."""
    draft = make_article("Unseen")
    draft.slug = "still-unseen"
    draft.save()
    assert not Redirect.objects.exists()


def test_renamed_topics_and_authors_redirect(client, published):
    """Topic and author pages follow their slugs too."""
    topic, author = Topic.objects.get(), Author.objects.get()
    topic.slug, author.slug = "rest", "ada-b"
    topic.save()
    author.save()
    assert hop(client, "/topics/sleep/") == (301, "/topics/rest/")
    assert hop(client, "/authors/ada-byline/") == (301, "/authors/ada-b/")


def test_the_sitemap_lists_only_current_addresses(client, published, rename):
    """After a move, the sitemap has the new address and not the old one."""
    old = published.get_absolute_url()
    rename(published, "calmer-mind")
    sitemap = " ".join(sitemap_locations(client))
    assert "/articles/calmer-mind/" in sitemap and old not in sitemap


def test_an_unknown_address_is_still_a_404(client, db):
    """With no redirect recorded, the styled 404 page answers."""
    assert client.get("/articles/never-was/").status_code == 404
