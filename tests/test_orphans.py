"""Cornerstone content and orphaned articles: the flag, the links each article stores, and
the admin's filter of live articles no other live article links to."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.admin_filters import orphaned
from articles.models import Article
from articles.publishing import revisions

CHANGELIST = "/admin/articles/article/"


def links(*slugs):
    return " ".join(f"See [{slug}](/articles/{slug}/)." for slug in slugs)


@pytest.fixture
def site(make_article, publish):
    """Live a → b, live b → c (by its full address), live c → c (itself), draft d → a;
    live e links to nobody and nobody links to it."""
    made = {
        "a": make_article("A", slug="a", body=links("b")),
        "b": make_article("B", slug="b", body="[c](https://example.test/articles/c/)"),
        "c": make_article("C", slug="c", body=links("c")),
        "d": make_article("D", slug="d", body=links("a")),
        "e": make_article("E", slug="e", body="No links."),
    }
    for slug in "abce":
        publish(made[slug])
    return made


def orphans():
    return set(orphaned(Article.objects.all()).values_list("slug", flat=True))


def test_an_article_stores_the_other_articles_it_links_to(make_article):
    """Relative, absolute and Markdown-copy links to articles are stored by slug, once;
    links to itself, topics and other sites are not."""
    body = (
        "[one](/articles/one/) [again](https://example.test/articles/one/) "
        "[copy](/articles/two.md) [me](/articles/self/) [topic](/topics/sleep/) "
        "[nhs](https://nhs.example/articles/three/)"
    )
    article = make_article("Self", slug="self", body=body)
    assert Article.objects.get(pk=article.pk).linked_articles == ["one", "two"]


def test_orphaned_means_live_and_linked_from_no_other_live_article(site):
    """a and e are orphans: only a draft links to a, nobody to e; b and c are linked from
    live articles; c's link to itself would not count; the draft d is not listed."""
    assert orphans() == {"a", "e"}


def test_a_live_page_keeps_its_links_until_its_draft_changes_are_published(site, editor):
    """Draft changes that drop a link leave the live version's link counting; publishing
    them makes the article it linked to an orphan."""
    a = Article.objects.get(slug="a")
    working = revisions.working_copy(a)
    working.body = "No links any more."
    revisions.save(working, editor)
    assert "b" not in orphans()
    a = Article.objects.get(slug="a")
    a.submit_for_review(editor)
    a.publish(editor)
    assert "b" in orphans()


def test_unpublishing_an_article_drops_its_links(site, editor):
    """An article that is no longer live links nobody in: b becomes an orphan."""
    Article.objects.get(slug="a").unpublish(editor)
    assert orphans() == {"b", "e"}


def test_the_orphaned_filter_is_one_query_whatever_the_count(site, make_article, publish):
    """The filtered list costs one query for two articles or twelve: no query per row."""
    for n in range(10):
        publish(make_article(f"More {n}", slug=f"more-{n}", body=links("e")))
    with CaptureQueriesContext(connection) as queries:
        found = orphans()
    assert len(queries) == 1
    assert found == {"a"} | {f"more-{n}" for n in range(10)}


def test_the_admin_lists_orphaned_articles_and_cornerstone_content(site, client, editor):
    """The changelist filters by “links in: orphaned” and by the cornerstone flag."""
    Article.objects.filter(slug="b").update(cornerstone=True)
    client.force_login(editor)
    page = client.get(f"{CHANGELIST}?links=orphaned").content.decode()
    assert "Orphaned: no live article links here" in page
    listed = {slug for slug in "abcde" if f"/admin/articles/article/{site[slug].pk}/" in page}
    assert listed == {"a", "e"}
    page = client.get(f"{CHANGELIST}?cornerstone__exact=1").content.decode()
    listed = {slug for slug in "abcde" if f"/admin/articles/article/{site[slug].pk}/" in page}
    assert listed == {"b"}


def test_the_cornerstone_flag_is_on_the_form(client, editor, make_article):
    """Editors set the flag on the article's form."""
    article = make_article("Flagged")
    client.force_login(editor)
    page = client.get(f"{CHANGELIST}{article.pk}/change/").content.decode()
    assert 'name="cornerstone"' in page


def test_cornerstone_content_asks_for_900_words(make_article):
    """Yoast holds cornerstone content to 900 words; other articles to 300."""
    body = " ".join(["calm"] * 400)
    plain = make_article("Plain", body=body)
    key = make_article("Key", body=body, cornerstone=True)
    assert next(c for c in plain.analysis() if c.key == "length").status == "good"
    length = next(c for c in key.analysis() if c.key == "length")
    assert length.status == "improve"
    assert "900 or more for cornerstone content" in length.message
