"""Comments on an item: threaded, about a field, resolved, in the history, and who may post."""

import pytest

from articles.models import Comment, Notification, Status

CHANGE = "/admin/articles/article/{}/change/"


def comments_url(item):
    return f"/admin/articles/article/{item.pk}/comments/"


@pytest.fixture
def in_review(make_article, writer):
    item = make_article(user=writer)
    item.submit_for_review(writer)
    return item


def test_an_editor_comments_on_a_field_and_the_writer_hears(client, editor, writer, in_review):
    """A comment about the body shows under the form, counts in the action bar, notifies."""
    client.force_login(editor)
    response = client.post(
        comments_url(in_review), {"text": "The second claim needs a source.", "field": "body"}
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert (comment.field, comment.user, comment.parent) == ("body", editor, None)
    page = client.get(CHANGE.format(in_review.pk)).content.decode()
    assert "1 open comment</a>" in page
    assert "The second claim needs a source." in page and 'href="#id_body"' in page
    assert Notification.objects.get(recipient=writer).message == (
        "eddie commented on “A calm mind” about body: The second claim needs a source."
    )


def test_replies_thread_one_level_and_resolving_closes_the_thread(
    client, editor, writer, in_review
):
    """A reply to a reply joins the thread; the editor resolves it; the history lists all."""
    client.force_login(editor)
    client.post(comments_url(in_review), {"text": "Too long.", "field": ""})
    thread = Comment.objects.get()
    client.force_login(writer)
    client.post(comments_url(in_review), {"text": "Cut it.", "parent": thread.pk})
    reply = Comment.objects.get(parent=thread)
    client.post(comments_url(in_review), {"text": "Done.", "parent": reply.pk})
    assert Comment.objects.filter(parent=thread).count() == 2
    # The editor hears of the writer's replies, the writer of the editor's comment.
    assert Notification.objects.filter(recipient=editor, verb="commented").count() == 2

    # While it waits in review, the writer cannot close the editor's thread.
    assert client.post(f"{comments_url(in_review)}{thread.pk}/resolve/").status_code == 403
    client.force_login(editor)
    response = client.post(f"{comments_url(in_review)}{thread.pk}/resolve/")
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.resolved_by == editor and thread.resolved_at is not None
    page = client.get(CHANGE.format(in_review.pk)).content.decode()
    assert "open comment" not in page and "Resolved" in page
    history = client.get(f"/admin/articles/article/{in_review.pk}/history/").content.decode()
    assert "<q>Too long.</q>" in history and "<q>Cut it.</q>" in history


def test_a_comment_needs_text_and_a_known_field(client, editor, in_review):
    """An empty comment is refused with a message; an unknown field becomes the whole item."""
    client.force_login(editor)
    response = client.post(comments_url(in_review), {"text": "   "}, follow=True)
    assert "Write something to comment." in response.content.decode()
    assert not Comment.objects.exists()
    client.post(comments_url(in_review), {"text": "Hm.", "field": "status"})
    assert Comment.objects.get().field == ""


def test_only_people_who_may_see_the_item_may_comment(client, outsider, in_review):
    """Staff without access to articles get 403, and anonymous users are sent to log in."""
    assert client.post(comments_url(in_review), {"text": "Hi"}).status_code == 302
    client.force_login(outsider)
    assert client.post(comments_url(in_review), {"text": "Hi"}).status_code == 403
    assert client.get(comments_url(in_review)).status_code in (403, 405)
    assert not Comment.objects.exists()


def test_comments_never_touch_the_content_or_state(client, editor, in_review):
    """Commenting writes no revision and moves nothing."""
    revisions = in_review.revisions().count()
    client.force_login(editor)
    client.post(comments_url(in_review), {"text": "Fine."})
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW
    assert in_review.revisions().count() == revisions


def test_a_comment_names_its_field_as_the_form_labels_it(client, editor, in_review):
    """A comment about the meta title reads “about Meta title”, not the field's code name."""
    client.force_login(editor)
    client.post(comments_url(in_review), {"text": "Shorter?", "field": "meta_title"})
    page = client.get(CHANGE.format(in_review.pk)).content.decode()
    assert 'about <a href="#id_meta_title">Meta title</a>' in page
