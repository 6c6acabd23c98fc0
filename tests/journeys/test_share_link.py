"""An outside reviewer's path, through the real forms: the editor makes a share link on
the change form, a visitor without an account opens it and leaves feedback, and the
writer finds that feedback as a comment, and in their notifications."""

import re

import pytest
from django.test import Client

from articles.models import Article, Notification, ShareLink
from tests.journeys.browser import form_data

DRAFT = "Wording only the outside reviewer has seen so far."


@pytest.mark.django_db
def test_an_outside_reviewer_reads_the_draft_and_the_writer_hears(people):
    """The link opens the writer's unpublished wording for an anonymous visitor, whose
    feedback (posted with the page's own form and CSRF token) reaches the writer."""
    writer, editor = people["writer"], people["editor"]
    article = Article.objects.filter(owner__username="writer").order_by("pk").first()
    url = f"/admin/articles/article/{article.pk}/change/"
    writer.submit(url, "article_form", {"body": f"{article.body}\n\n{DRAFT}", "_continue": "1"})

    data = form_data(editor.open(url), form_id="share-form")
    data.update(days="7", label="For Dr Lee")
    made = editor.client.post(f"{url.removesuffix('change/')}share/", data, follow=True)
    page = made.content.decode()
    assert "copy it now" in page
    address = re.search(r"https?://[^/\s]+(/share/[A-Za-z0-9_-]+/)", page).group(1)
    assert 'id="sharing"' in page and "For Dr Lee" in page

    visitor = Client(enforce_csrf_checks=True)
    opened = visitor.get(address)
    shared = opened.content.decode()
    assert opened.status_code == 200
    assert DRAFT in shared and "Preview shared for review" in shared
    assert DRAFT not in Client().get(article.get_absolute_url()).content.decode()

    data = form_data(shared, form_id="feedback-form")
    data.update(name="Dr Lee", text="The new paragraph overstates the evidence.")
    sent = visitor.post(address, data, follow=True)
    assert "your feedback was sent" in sent.content.decode()

    form = writer.open(url)
    assert "Dr Lee, through the share link “For Dr Lee”" in form
    assert "The new paragraph overstates the evidence." in form
    note = Notification.objects.get(recipient__username="writer", verb="commented")
    assert note.message.startswith("Dr Lee (outside reviewer) commented on")
    assert ShareLink.objects.get().opened_count == 1
