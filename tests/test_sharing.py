"""Share links: made on the change form by those who may publish, opened without an
account, never cached or indexed, and dead once expired, revoked or orphaned."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Comment, Notification, ShareLink
from articles.publishing import sharing

CHANGE = "/admin/articles/article/{}/change/"
FAQ_CHANGE = "/admin/faq/faqentry/{}/change/"
# The shared page: the link, the item, its draft revision, its FAQ entries, the count.
SHARED_PAGE_MAX = 5


def share_path(token):
    return f"/share/{token}/"


def made_token(response):
    """The share address from the message the editor is shown once."""
    found = re.search(r"/share/([A-Za-z0-9_-]+)/", response.content.decode())
    assert found, "no share address in the page"
    return found.group(1)


@pytest.fixture
def article(make_article, writer):
    item = make_article("Sleep and anxiety", user=writer)
    item.body = "Intro paragraph.\n\n## A section\n\nDraft wording for review."
    item.save(user=writer)
    return item


def test_an_editor_makes_a_link_and_sees_it_listed(client, editor, article):
    """The change form makes a link with a label and expiry, shows its address once, and
    lists it with who made it, when it expires and how often it was opened."""
    client.force_login(editor)
    response = client.post(
        f"/admin/articles/article/{article.pk}/share/", {"days": "14", "label": "For Dr Lee"},
        follow=True,
    )  # fmt: skip
    token = made_token(response)
    link = ShareLink.objects.get()
    assert link.token_digest == sharing.digest(token) and token not in link.token_digest
    assert (link.label, link.created_by) == ("For Dr Lee", editor)
    days = (link.expires_at - timezone.now()).total_seconds() / 86400
    assert 13.9 < days <= 14
    page = client.get(CHANGE.format(article.pk)).content.decode()
    assert 'id="sharing"' in page and "For Dr Lee" in page and "eddie" in page
    assert "0 times" in page and "Never" in page
    assert token not in page  # shown once, in the message only


def test_the_change_form_does_not_grow_with_links(client, editor, article):
    """Listing six links costs the change form no more queries than listing one."""
    client.force_login(editor)
    sharing.make(article, editor)
    url = CHANGE.format(article.pk)

    def queries():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    one = queries()
    for n in range(5):
        sharing.make(article, editor, label=f"Reviewer {n}")
    assert queries() == one


def test_expiry_is_bounded(client, editor, article):
    """No link outlives the longest expiry, whatever is posted."""
    client.force_login(editor)
    client.post(f"/admin/articles/article/{article.pk}/share/", {"days": "365"})
    assert not ShareLink.objects.exists()
    link, _token = sharing.make(article, editor, days=365)
    assert link.expires_at - timezone.now() <= datetime.timedelta(days=sharing.MAX_DAYS)


def test_a_writer_may_not_make_or_revoke_links(client, writer, editor, article):
    """Sharing unpublished text is a publisher's call: a writer sees no section and is refused."""
    link, _token = sharing.make(article, editor)
    client.force_login(writer)
    assert 'id="sharing"' not in client.get(CHANGE.format(article.pk)).content.decode()
    url = f"/admin/articles/article/{article.pk}/share/"
    assert client.post(url, {"days": "7"}).status_code == 403
    revoke = f"/admin/articles/article/{article.pk}/share/{link.pk}/revoke/"
    assert client.post(revoke).status_code == 403
    assert ShareLink.objects.count() == 1 and ShareLink.objects.get().revoked_at is None


def test_the_shared_page_shows_the_working_copy_privately(
    client, editor, article, django_assert_max_num_queries
):
    """An anonymous visitor sees the draft wording on the public template with the banner;
    the page is noindex, private, no-store, sends no referrer to other sites, and counts
    the opening."""
    _link, token = sharing.make(article, editor, label="For Dr Lee")
    with django_assert_max_num_queries(SHARED_PAGE_MAX):
        response = client.get(share_path(token))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Draft wording for review." in page and '<article class="article">' in page
    assert "Preview shared for review" in page and "For Dr Lee" in page
    assert '<meta name="robots" content="noindex' in page
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert 'name="csrfmiddlewaretoken"' in page and 'id="feedback"' in page
    client.get(share_path(token))
    link = ShareLink.objects.get()
    assert link.opened_count == 2 and link.last_opened_at is not None


def test_a_shared_page_is_never_cached(client, editor, article, publish):
    """Opened twice without cookies, the shared page is made each time: the page cache
    neither stores nor serves it, so a revoked link stops at once."""
    publish(article)
    link, token = sharing.make(article, editor)
    reader = Client()
    assert reader.get(share_path(token)).status_code == 200
    assert reader.get(share_path(token)).status_code == 200
    assert ShareLink.objects.get().opened_count == 2
    sharing.revoke(link, editor)
    assert reader.get(share_path(token)).status_code == 410


def test_the_shared_page_is_not_stored_by_the_cache_on_its_own_terms(client, editor, article):
    """Even were its path not skipped, the page's headers forbid the cache to store it."""
    from articles.publishing.pagecache.middleware import SKIP_PREFIXES, storable

    _link, token = sharing.make(article, editor)
    response = client.get(share_path(token))
    assert share_path(token).startswith(SKIP_PREFIXES)
    assert not storable(response)


@pytest.mark.parametrize("how", ["expired", "revoked", "trashed", "deleted", "unknown"])
def test_dead_links_show_a_plain_gone_page(client, editor, article, how):
    """Expired, revoked, trashed, orphaned and made-up links all get the same 410 page,
    which names nothing of the item."""
    link, token = sharing.make(article, editor)
    if how == "expired":
        ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    elif how == "revoked":
        sharing.revoke(link, editor)
    elif how == "trashed":
        article.move_to_trash(editor)
    elif how == "deleted":
        article.delete()
    else:
        token = token[:-4] + "AAAA"
    response = client.get(share_path(token))
    page = response.content.decode()
    assert response.status_code == 410
    assert "expired or was withdrawn" in page
    assert "Sleep and anxiety" not in page and "Draft wording" not in page
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response["Cache-Control"]
    assert ShareLink.objects.filter(opened_count__gt=0).count() == 0


def test_deleting_the_item_deletes_its_links(editor, article, make_faq):
    """No row outlives its item, so no later item with its id could inherit a link."""
    sharing.make(article, editor)
    other, _token = sharing.make(make_faq(), editor)
    article.delete()
    assert list(ShareLink.objects.all()) == [other]


def test_each_opening_is_logged(client, editor, article, caplog):
    """An opening leaves a log line naming the link, and nothing of the visitor."""
    link, token = sharing.make(article, editor)
    with caplog.at_level("INFO", logger="articles.publishing.sharing"):
        client.get(share_path(token), REMOTE_ADDR="203.0.113.9")
    assert f"Share link {link.pk} opened" in caplog.text
    assert "203.0.113" not in caplog.text and token not in caplog.text


def test_revoking_from_the_form(client, editor, article):
    """Revoke on the change form ends the link and drops it from the list."""
    link, token = sharing.make(article, editor, label="For Dr Lee")
    client.force_login(editor)
    response = client.post(f"/admin/articles/article/{article.pk}/share/{link.pk}/revoke/")
    assert response.status_code == 302 and response["Location"].endswith("#sharing")
    link.refresh_from_db()
    assert link.revoked_by == editor
    assert "No active share links." in client.get(CHANGE.format(article.pk)).content.decode()
    assert Client().get(share_path(token)).status_code == 410


def test_feedback_becomes_a_comment_and_tells_the_owner(editor, writer, article):
    """A visitor's feedback, posted with the page's CSRF token, lands as a comment carrying
    their name and tells the article's owner."""
    _link, token = sharing.make(article, editor, label="For Dr Lee")
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(share_path(token)).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = visitor.post(
        share_path(token),
        {"csrfmiddlewaretoken": csrf, "name": "Dr Lee", "email": "lee@example.org",
         "text": "The dose in section 2 is <b>wrong</b>."},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert "your feedback was sent" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.user is None and comment.object_id == article.pk
    assert comment.text.startswith("Dr Lee <lee@example.org>, through the share link")
    note = Notification.objects.get(recipient=writer)
    assert note.message.startswith("Dr Lee (outside reviewer) commented on “Sleep and anxiety”")
    staff = Client()
    staff.force_login(editor)
    form = staff.get(CHANGE.format(article.pk)).content.decode()
    assert "The dose in section 2 is &lt;b&gt;wrong&lt;/b&gt;." in form


def test_feedback_without_the_csrf_token_is_refused(editor, article):
    """A cross-site post cannot leave feedback: CSRF protection applies to the shared page."""
    _link, token = sharing.make(article, editor)
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.post(share_path(token), {"name": "X", "text": "Spam"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "data, error",
    [
        ({"name": "Dr Lee\nBcc: x@example.org", "text": "Hi"}, "one line"),
        ({"name": "Dr Lee", "text": "x" * 4001}, "at most 4000"),
        ({"name": "", "text": "Hi"}, "required"),
        ({"name": "Dr Lee", "text": "Hi", "email": "not an address"}, "valid email"),
    ],
)
def test_feedback_is_bounded(client, editor, article, data, error):
    """A multi-line name, an over-long text, a missing name or a bad address are refused."""
    _link, token = sharing.make(article, editor)
    response = client.post(share_path(token), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Comment.objects.exists()


def test_feedback_per_link_is_capped(client, editor, article, monkeypatch):
    """Past its share of feedback a link takes no more comments."""
    monkeypatch.setattr(sharing, "MAX_FEEDBACK", 2)
    _link, token = sharing.make(article, editor)
    for n in range(3):
        client.post(share_path(token), {"name": "Dr Lee", "text": f"Note {n}"})
    assert Comment.objects.count() == 2
    response = client.post(share_path(token), {"name": "Dr Lee", "text": "Once more"})
    assert "taken all the feedback it can" in response.content.decode()


def test_an_faq_entry_on_an_article_shares_the_articles_page(client, editor, make_faq, article):
    """A link to an entry shown on an article opens that article's page, with the entry."""
    entry = make_faq("Can worry keep me awake?", "Often, yes.", article=article)
    _link, token = sharing.make(entry, editor)
    page = client.get(share_path(token)).content.decode()
    assert "Sleep and anxiety" in page and "Can worry keep me awake?" in page


def test_a_standalone_faq_entry_is_shared_on_its_own(client, editor, make_faq, topic):
    """A link to an entry on its own opens its topic's FAQ page with only that entry."""
    make_faq("Another question?", "Another answer.", topic=topic)
    entry = make_faq("Is napping good?", "Short naps can help.", topic=topic)
    _link, token = sharing.make(entry, editor)
    response = client.get(share_path(token))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Is napping good?" in page and "Another question?" not in page
    assert "Preview shared for review" in page and 'id="feedback"' in page


def test_an_editor_shares_an_faq_entry_from_its_form(client, editor, make_faq, topic):
    """The FAQ entry's change form has the same section and makes a working link."""
    entry = make_faq("Is napping good?", "Short naps can help.", topic=topic)
    client.force_login(editor)
    assert 'id="sharing"' in client.get(FAQ_CHANGE.format(entry.pk)).content.decode()
    response = client.post(f"/admin/faq/faqentry/{entry.pk}/share/", {"days": "7"}, follow=True)
    assert Client().get(share_path(made_token(response))).status_code == 200


def test_the_owners_mail_has_a_one_line_subject(client, editor, writer, article):
    """Feedback over several lines still makes a single-line e-mail subject for the owner."""
    from articles.publishing import delivery

    _link, token = sharing.make(article, editor)
    client.post(share_path(token), {"name": "Dr Lee", "text": "First line.\r\n\r\nSecond."})
    note = Notification.objects.get(recipient=writer)
    assert "\n" in note.message
    subject = delivery.subject(note)
    assert "\n" not in subject and "\r" not in subject and "Dr Lee" in subject
