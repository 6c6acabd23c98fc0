"""Autosave and comments posted in place: nothing typed in the change form is lost."""

import json

from articles.models import Article, Autosave, Comment, Revision, Status
from tests.journeys.browser import form_data

CHANGE = "/admin/articles/article/{}/change/"
ADD = "/admin/articles/article/add/"


def autosave_url(item):
    return f"/admin/articles/article/{item.pk}/autosave/"


def kept_data(page):
    """The kept form the change page carries for its script, or None."""
    marker = '<script id="autosave-data" type="application/json">'
    if marker not in page:
        return None
    return json.loads(page.split(marker, 1)[1].split("</script>", 1)[0])


def test_typing_fills_one_slot_per_person_and_makes_no_revision(client, writer, make_article):
    """Two autosaves keep only the latest text, in one row, and add no revision."""
    item = make_article(user=writer)
    revisions = Revision.objects.count()
    client.force_login(writer)
    for text in ("First thought.", "Second thought."):
        response = client.post(
            autosave_url(item),
            {"title": item.title, "body": text, "_transition": "publish", "_publish_at": "x"},
        )
        assert response.status_code == 200
    kept = Autosave.objects.get()
    assert (kept.user, kept.object_id) == (writer, item.pk)
    assert kept.data["body"] == ["Second thought."]
    # The moves and their fields are the buttons', not the writer's text.
    assert "_transition" not in kept.data and "_publish_at" not in kept.data
    assert Revision.objects.count() == revisions


def test_the_change_form_offers_back_only_your_own_kept_text(client, writer, editor, make_article):
    """The writer's kept text comes back on their form, not on the editor's."""
    item = make_article(user=writer)
    client.force_login(writer)
    client.post(autosave_url(item), {"title": item.title, "body": "Kept, never saved."})
    page = client.get(CHANGE.format(item.pk)).content.decode()
    assert kept_data(page)["body"] == ["Kept, never saved."]
    assert "You have unsaved changes from" in page
    client.force_login(editor)
    assert kept_data(client.get(CHANGE.format(item.pk)).content.decode()) is None


def test_saving_the_form_empties_the_slot(client, writer, make_article):
    """A real save through the change form forgets the kept text, which it now holds."""
    item = make_article(user=writer)
    client.force_login(writer)
    client.post(autosave_url(item), {"title": item.title, "body": "Typed, then saved."})
    data = form_data(client.get(CHANGE.format(item.pk)).content.decode(), "article_form")
    data.update(body="Typed, then saved.", _continue="1")
    assert data["_autosaved"] == "1"  # the page says a slot exists
    response = client.post(CHANGE.format(item.pk), data)
    assert response.status_code == 302
    assert not Autosave.objects.exists()
    item.refresh_from_db()
    assert Revision.objects.filter(object_id=item.pk).latest("pk").content["fields"]["body"] == (
        "Typed, then saved."
    )


def test_a_new_article_keeps_its_slot_until_it_is_first_saved(client, writer):
    """The add form has a slot too, offered on the next add form, gone once saved."""
    client.force_login(writer)
    response = client.post("/admin/articles/article/autosave/", {"title": "Half a title"})
    assert response.status_code == 200
    page = client.get(ADD).content.decode()
    assert kept_data(page)["title"] == ["Half a title"]
    data = form_data(page, "article_form")
    data.update(title="Half a title", slug="half-a-title", body="Words.", _continue="1")
    assert client.post(ADD, data).status_code == 302
    assert not Autosave.objects.exists()


def test_an_autosave_costs_a_few_queries_whatever_the_text(
    client, writer, make_article, django_assert_max_num_queries
):
    """Keeping the form reads the session, the item and the slot, then writes once."""
    item = make_article(user=writer)
    client.force_login(writer)
    client.post(autosave_url(item), {"body": "warm"})
    # 9, and one for the second step: whether this writer has a device that should be asked.
    with django_assert_max_num_queries(10):
        client.post(autosave_url(item), {"body": "x" * 50_000, "title": "t"})


def test_discard_forgets_the_slot(client, writer, make_article):
    """Discarding removes the kept text, so it is not offered again."""
    item = make_article(user=writer)
    client.force_login(writer)
    client.post(autosave_url(item), {"body": "Unwanted."})
    assert client.post(autosave_url(item), {"_discard": "1"}).status_code == 204
    assert not Autosave.objects.exists()


def test_only_people_who_may_edit_can_autosave(client, writer, outsider, make_article):
    """Anonymous visitors go to the login page, staff without edit rights are refused, GET too."""
    item = make_article(user=writer)
    response = client.post(autosave_url(item), {"body": "x"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(outsider)
    assert client.post(autosave_url(item), {"body": "x"}).status_code == 403
    client.force_login(writer)
    assert client.get(autosave_url(item)).status_code == 405
    assert not Autosave.objects.exists()


def test_a_kept_text_over_an_older_version_warns_of_the_newer_one(
    client, writer, editor, make_article
):
    """Restoring text typed over an older revision says a newer one exists."""
    item = make_article(user=writer)
    client.force_login(writer)
    base = str(item.latest_revision_id)
    client.post(autosave_url(item), {"body": "Mine.", "_base_revision": base})
    item.body = "Theirs."
    item.save(user=editor)
    page = client.get(CHANGE.format(item.pk)).content.decode()
    assert "Someone has saved a newer version since" in page
    assert kept_data(page)["_base_revision"] == [base]


def test_a_comment_posted_by_the_script_answers_with_the_comments_only(
    client, writer, make_article
):
    """Asked by the change form's script, a comment answers with the section, no redirect."""
    item = make_article(user=writer)
    client.force_login(writer)
    response = client.post(
        f"/admin/articles/article/{item.pk}/comments/",
        {"text": "Check the dose.", "field": "body"},
        headers={"X-Requested-With": "fetch"},
    )
    comment = Comment.objects.get()
    html = response.content.decode()
    assert response.status_code == 200 and response["X-Notice"] == "Comment added."
    assert html.lstrip().startswith('<section id="comments"')
    assert f'data-focus="comment-{comment.pk}"' in html and "Check the dose." in html
    assert 'name="csrfmiddlewaretoken"' in html
    # No message is left waiting for the next full page.
    page = client.get(CHANGE.format(item.pk)).content.decode()
    assert "Comment added." not in page
    empty = client.post(
        f"/admin/articles/article/{item.pk}/comments/",
        {"text": "  "},
        headers={"X-Requested-With": "fetch"},
    )
    assert (empty.status_code, empty.content) == (400, b"Write something to comment.")


def test_the_add_form_saves_and_submits_in_one_press(client, writer):
    """A new article's action bar offers Save and submit, which saves then sends it on."""
    client.force_login(writer)
    page = client.get(ADD).content.decode()
    assert 'name="_transition" value="submit">Save and submit for review</button>' in page
    assert page.count('name="_continue"') == 1
    data = form_data(page, "article_form")
    data.update(title="Sent at once", slug="sent-at-once", body="Words.", _transition="submit")
    response = client.post(ADD, data)
    article = Article.objects.get(slug="sent-at-once")
    assert response["Location"].endswith(f"/admin/articles/article/{article.pk}/change/")
    assert article.status == Status.IN_REVIEW
    assert [log.action for log in article.transitions()] == ["submit"]
