"""A partner site reads the content API while the desk works: an article the editor
publishes through the admin appears in the API, questions and review included, and is
gone from it, cached copies and all, the moment the editor unpublishes it."""

import json

import pytest
from django.test import Client

from articles.models import Article, Author, Topic
from tests.journeys.test_health_article import ADD, messages_of, move

API = "/api/v1"
TITLE = "Sleep after a night shift"
BODY = """Shift work moves the body clock.[^1]

## Winding down

Keep the bedroom dark and cool when you sleep in the day.[^1]
"""


def read(partner, url):
    response = partner.get(url)
    return response, json.loads(response.content) if response.status_code == 200 else None


@pytest.mark.django_db
def test_a_partner_reads_what_the_desk_publishes_and_loses_what_it_unpublishes(people):
    """Published through the admin, the article is in the partner's list and detail with
    its question and reviewer; unpublished through the admin, both drop it at once."""
    writer, editor, reviewer = people["writer"], people["editor"], people["reviewer"]
    partner = Client()
    author = Author.objects.get(slug="maya-okafor")
    topic = Topic.objects.get(slug="sleep")

    response = writer.submit(
        ADD, "article_form",
        {"title": TITLE, "slug": "", "summary": "Daytime sleep that lasts.", "body": BODY,
         "author": str(author.pk), "topic": str(topic.pk), "sources-rows": "1",
         "sources-0-title": "Shift work disorder", "sources-0-publisher": "NHS",
         "sources-0-url": "https://www.nhs.uk/live-well/sleep-and-tiredness/",
         "meta_description": "How to sleep well in the day after working a night shift.",
         "faqs-TOTAL_FORMS": "1", "faqs-0-title": "Should I nap before a shift?",
         "faqs-0-answer": "A short nap helps many people.", "faqs-0-order": "1",
         "_continue": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    article = Article.objects.get(title=TITLE)

    # While it is a draft and in review the partner sees nothing of it.
    lists = [f"{API}/articles", f"{API}/articles?topic=sleep", f"{API}/faqs"]
    for url in lists:
        assert TITLE not in json.dumps(read(partner, url)[1]["items"]), url
    move(writer, article, "submit", "Ready.")
    assert partner.get(f"{API}/articles/{article.slug}").status_code == 404

    move(reviewer, article, "sign_off", "Accurate.")
    response = move(editor, article, "publish", "", _publish_despite_advice="1")
    assert "Published" in messages_of(response), messages_of(response)
    article.refresh_from_db()

    # The partner reads the list, then the article, each twice: the second from the cache.
    for url in (f"{API}/articles?topic=sleep", f"{API}/articles/{article.slug}"):
        assert partner.get(url).status_code == 200
        assert partner.get(url)["X-Cache"] == "HIT", url
    _, page = read(partner, f"{API}/articles?topic=sleep")
    assert page["items"][0]["slug"] == article.slug
    _, detail = read(partner, f"{API}/articles/{article.slug}")
    assert detail["faqs"][0]["question"] == "Should I nap before a shift?"
    assert detail["medical_review"]["reviewed_by"]["slug"] == "dr-lena-hart"
    assert detail["sources"][0]["publisher"] == "NHS"
    assert "Shift work moves the body clock." in detail["body_markdown"]

    response = move(editor, article, "unpublish", "Needs a rethink.")
    assert "Unpublished" in messages_of(response), messages_of(response)
    assert partner.get(f"{API}/articles/{article.slug}").status_code == 404
    for url in lists:
        _, data = read(partner, url)
        assert article.slug not in [item["slug"] for item in data["items"]], url
