"""The admin home page by role: review queue, sent back with the note, drafts, scheduled."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Status
from tests.conftest import make_user


def section(html, section_id):
    found = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    assert found, f"no #{section_id} on the page"
    return found.group(0)


def home(client, user):
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_queue_shows_an_article_and_its_faq_entries_as_one_row(
    client, editor, writer, make_article, make_faq
):
    """Entries that move with their article are counted on its row; standalone ones listed."""
    article = make_article("Sleep well", user=writer)
    make_faq("Is a nap fine?", article=article)
    make_faq("How long?", article=article)
    article.submit_for_review(writer)
    alone = make_faq("Standalone question?")
    alone.submit_for_review(writer)
    queue = section(home(client, editor), "review-queue")
    assert "Waiting for review (2)" in queue
    assert 'Sleep well</a> <span class="desk-parts">with 2 FAQ entries</span>' in queue
    assert "Standalone question?" in queue
    assert "Is a nap fine?" not in queue
    assert "wendy" in queue


def test_the_queue_is_never_cut_without_a_see_all_link(client, editor, writer, make_article):
    """With 25 waiting, the count says 25, 20 rows show, and the link opens the full list."""
    for n in range(25):
        make_article(f"Piece {n:02}").submit_for_review(writer)
    queue = section(home(client, editor), "review-queue")
    assert "Waiting for review (25)" in queue
    assert queue.count("<tr>") == 21  # header and 20 rows
    assert 'href="/admin/articles/article/?status__exact=in_review"' in queue


def test_a_writer_sees_what_was_sent_back_with_the_note(client, writer, editor, make_article):
    """The editor's note is on the writer's home page; drafts and waiting items are listed."""
    sent_back = make_article("Needs work", user=writer)
    sent_back.submit_for_review(writer)
    sent_back.request_changes(editor, note="Add the NICE guideline.")
    make_article("Fresh draft", user=writer)
    waiting = make_article("Waiting piece", user=writer)
    waiting.submit_for_review(writer)
    make_article("Someone else's", user=make_user("walt", "Writer"))
    html = home(client, writer)
    back = section(html, "sent-back")
    assert "Needs work" in back and "Add the NICE guideline." in back
    drafts = section(html, "my-drafts")
    assert "Fresh draft" in drafts and "Waiting piece" in drafts
    assert "Someone else" not in drafts
    assert "review-queue" not in html


def test_everyone_sees_what_is_scheduled(client, writer, editor, make_article, publish):
    """A scheduled article is on both desks with its time."""
    later = timezone.now() + datetime.timedelta(days=2)
    publish(make_article("Coming soon", user=writer), at=later)
    for user in (writer, editor):
        assert "Coming soon" in section(home(client, user), "scheduled")


def test_my_drafts_is_a_changelist_filter(client, writer, make_article):
    """?owner=my_drafts lists the signed-in writer's drafts only."""
    make_article("Mine", user=writer)
    make_article("Theirs", user=make_user("walt", "Writer"))
    client.force_login(writer)
    page = client.get("/admin/articles/article/?owner=my_drafts").content.decode()
    assert ">Mine</a>" in page and ">Theirs</a>" not in page


def test_the_desk_costs_the_same_queries_for_5_or_40_items(client, editor, writer, make_article):
    """No query per row: the home page's query count does not grow with the queue."""

    def count():
        client.force_login(editor)
        with CaptureQueriesContext(connection) as queries:
            client.get("/admin/")
        return len(queries)

    for n in range(5):
        make_article(f"A {n}", user=writer).submit_for_review(writer)
    few = count()
    for n in range(35):
        make_article(f"B {n}", user=writer).submit_for_review(writer)
    assert count() == few
    assert Article.objects.filter(status=Status.IN_REVIEW).count() == 40


def test_open_comments_show_with_the_sent_back_note(client, writer, editor, make_article):
    """The writer's desk lists the editor's open comments under the note; resolved ones go."""
    from articles.models import Comment

    item = make_article("Needs work", user=writer)
    item.submit_for_review(writer)
    client.force_login(editor)
    url = f"/admin/articles/article/{item.pk}/comments/"
    client.post(url, {"text": "Check the dose.", "field": "body"})
    client.post(url, {"text": "Old point."})
    old = Comment.objects.get(text="Old point.")
    client.post(f"{url}{old.pk}/resolve/")
    item.request_changes(editor, note="See comments.")
    back = section(home(client, writer), "sent-back")
    assert "eddie on body: Check the dose." in back
    assert "Old point." not in back
