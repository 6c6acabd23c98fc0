"""The change form of an item with a long past: the latest few comments and state
changes, links to the rest, and a cost that does not grow with them."""

import datetime
import re

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Comment, Revision, Transition
from articles.publishing.admin import comments as comments_admin
from articles.publishing.admin import readonly
from tests.growth import growth

CHANGE = "/admin/articles/article/{}/change/"
COMMENTS = "/admin/articles/article/{}/comments/"
# Queries for the change form of a draft article, however many comments and revisions;
# on PostgreSQL the link suggestions' search takes 5 more (its transaction and its
# narrowing to the newest rows, see publishing/search.py).
CHANGE_FORM_MAX = {"sqlite": 27, "postgresql": 32}


def add_past(article, user, comments=0, revisions=0, replies=0):
    """``comments`` threads (every other one resolved), ``replies`` replies to the newest
    threads, and ``revisions`` saves each logged as a move, a minute apart, oldest first."""
    content_type = ContentType.objects.get_for_model(article)
    latest = Revision.objects.get(pk=article.latest_revision_id)
    start = timezone.now() - datetime.timedelta(days=2)

    def at(n):
        return start + datetime.timedelta(minutes=n)

    made = Revision.objects.bulk_create(
        Revision(content_type=content_type, object_id=article.pk, object_repr=str(article),
                 content=latest.content, changed=["summary"], user=user,
                 message=f"Save {n}", created_at=at(n))
        for n in range(revisions)
    )  # fmt: skip
    Transition.objects.bulk_create(
        Transition(content_type=content_type, object_id=article.pk, object_repr=str(article),
                   action="edit", from_status="draft", to_status="draft", user=user,
                   revision=revision, note=f"Move {n}", created_at=revision.created_at)
        for n, revision in enumerate(made)
    )  # fmt: skip
    threads = Comment.objects.bulk_create(
        Comment(content_type=content_type, object_id=article.pk, user=user,
                text=f"Thread {n} says something about the text.", created_at=at(n),
                resolved_at=at(n + 1) if n % 2 else None)
        for n in range(comments)
    )  # fmt: skip
    Comment.objects.bulk_create(
        Comment(content_type=content_type, object_id=article.pk, user=user,
                parent=threads[-1 - n % len(threads)], text=f"Reply {n}.",
                created_at=at(comments + n))
        for n in range(replies)
    )  # fmt: skip
    return threads


def change_form(client, article):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGE.format(article.pk))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_change_form_shows_the_latest_threads_and_links_to_every_comment(
    client, editor, make_article
):
    """With 8 threads the form shows the newest 5, oldest of them first, counts the open
    ones among all 8, and links to the list of every comment."""
    article = make_article(user=editor)
    add_past(article, editor, comments=8)
    client.force_login(editor)
    page, _ = change_form(client, article)
    shown = re.findall(r"Thread (\d+) says", page)
    assert shown == ["3", "4", "5", "6", "7"]
    assert "4 open comments</a>" in page  # threads 0, 2, 4 and 6
    assert "The latest 5 of 8 comment threads." in page
    assert f'href="{COMMENTS.format(article.pk)}">All comments</a>' in page


def test_the_comment_list_pages_through_every_thread_and_answers_in_place(
    client, editor, make_article, monkeypatch
):
    """The list of every comment shows each thread once over its pages; a reply or a
    resolve posted there comes back to the page that holds the thread."""
    monkeypatch.setattr(comments_admin, "COMMENTS_PAGE_SIZE", 3)
    article = make_article(user=editor)
    threads = add_past(article, editor, comments=7)
    client.force_login(editor)
    url = COMMENTS.format(article.pk)
    pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2, 3)]
    assert [re.findall(r"Thread (\d+) says", page) for page in pages] == [
        ["0", "1", "2"], ["3", "4", "5"], ["6"],
    ]  # fmt: skip
    assert "Page 2 of 3" in pages[1] and 'name="next" value="list"' in pages[1]

    response = client.post(url, {"text": "Fixed now.", "parent": threads[4].pk, "next": "list"})
    reply = Comment.objects.get(text="Fixed now.")
    assert response["Location"] == f"{url}?page=2#comment-{reply.pk}"
    assert "Fixed now." in client.get(response["Location"]).content.decode()
    resolve = f"{url}{threads[2].pk}/resolve/"
    response = client.post(resolve, {"next": "list"})
    assert response["Location"] == f"{url}?page=1#comment-{threads[2].pk}"
    assert Comment.objects.get(pk=threads[2].pk).resolved_by == editor
    # From the change form, the answer is the change form, as before.
    response = client.post(url, {"text": "On the form.", "parent": threads[0].pk})
    assert response["Location"].startswith(CHANGE.format(article.pk))


def test_the_comment_list_is_refused_without_access(client, outsider, make_article):
    """Staff with no access to articles cannot read the list of every comment."""
    article = make_article()
    client.force_login(outsider)
    assert client.get(COMMENTS.format(article.pk)).status_code == 403


def test_the_change_form_lists_the_latest_state_changes_and_links_to_the_history(
    client, editor, make_article
):
    """With 12 moves logged the form lists the newest 10 and sends the rest to the history."""
    article = make_article(user=editor)
    add_past(article, editor, revisions=12)
    client.force_login(editor)
    page, _ = change_form(client, article)
    listed = re.findall(r"<td>Move (\d+)</td>", page)
    assert listed == [str(n) for n in range(11, 11 - readonly.TRANSITIONS_SHOWN, -1)]
    assert f'<a href="/admin/articles/article/{article.pk}/history/">Every change' in page


def test_the_change_form_queries_do_not_grow_with_comments_and_revisions(
    client, editor, make_article
):
    """200 comments and 500 revisions (each with a move) cost the queries that 2 comments
    and 2 revisions do, within the budget, and show no more threads than the latest few."""
    short, long = make_article("Short", user=editor), make_article("Long", user=editor)
    add_past(short, editor, comments=2, replies=1, revisions=2)
    add_past(long, editor, comments=150, replies=50, revisions=500)
    client.force_login(editor)
    change_form(client, short)  # first-request costs: content types, permissions
    short_page, short_queries = change_form(client, short)
    long_page, long_queries = change_form(client, long)
    assert long_queries == short_queries <= CHANGE_FORM_MAX[connection.vendor]
    assert len(re.findall(r"Thread \d+ says", short_page)) == 2
    assert len(re.findall(r"Thread \d+ says", long_page)) == comments_admin.COMMENTS_SHOWN
    assert "The latest 5 of 150 comment threads." in long_page


def test_the_change_form_costs_no_more_with_four_times_the_past(client, editor, make_article):
    """Four times the comments and revisions take about the same time to render."""
    client.force_login(editor)
    made = {}

    def make(size):
        article = make_article(f"Past {size}", user=editor)
        add_past(article, editor, comments=size, replies=size // 4, revisions=size * 2)
        made[size] = CHANGE.format(article.pk)
        return made[size]

    def render(url):
        assert client.get(url).status_code == 200

    # Constant, not linear: rendering every thread made 4× the past cost about 3×.
    assert growth(render, make, 50) < 1.5
