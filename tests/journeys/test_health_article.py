"""A health article from first draft to the public page, through the admin's real forms as
each demo role: a hero image uploaded (JPEG, then PNG), sources and FAQ entries; sent back
by the editor and by the clinician; signed off; published; then read as a reader, a feed,
a crawler and an assistant would."""

import json
import re

import pytest
from django.test import Client
from PIL import Image

from articles.models import Article, Author, Status, Topic
from articles.publishing import review
from faq.models import FAQEntry
from tests.journeys.browser import upload
from tests.journeys.conftest import picture, shown_messages

ADD = "/admin/articles/article/add/"
TITLE = "Living with migraine: what helps"
BODY = """Migraine is more than a bad headache.[^1] Knowing your triggers helps.

## Keeping a diary

Write down when attacks start and what came before them.[^2]

## When to see a GP

See a GP if headaches change or get worse.[^1]
"""
SOURCES = {
    "sources-0-title": "Migraine",
    "sources-0-publisher": "NHS",
    "sources-0-url": "https://www.nhs.uk/conditions/migraine/",
    "sources-1-title": "Headaches in over 12s: diagnosis and management",
    "sources-1-publisher": "NICE",
    "sources-1-url": "https://www.nice.org.uk/guidance/cg150",
}
FAQS = {
    "faqs-TOTAL_FORMS": "2",
    "faqs-0-title": "Can food trigger a migraine?",
    "faqs-0-answer": "For some people, yes: a diary shows which.",
    "faqs-0-order": "1",
    "faqs-1-title": "Are painkillers safe to take often?",
    "faqs-1-answer": "Taking them on many days can cause more headaches.",
    "faqs-1-order": "2",
}


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def move(person, article, action, note="", **extra):
    """Press a workflow button on the change form, with the form as it stands."""
    return person.submit(
        change_url(article), "article_form",
        {"_transition": action, "_transition_note": note, **extra},
    )  # fmt: skip


def messages_of(response):
    return " ".join(shown_messages(response.content.decode()))


@pytest.mark.django_db
def test_a_health_article_goes_from_draft_to_readers(people, settings):
    """The whole path a health article takes, as the people who make it take it."""
    writer, editor, reviewer = people["writer"], people["editor"], people["reviewer"]
    author = Author.objects.get(slug="maya-okafor")
    topic = Topic.objects.get(slug="sleep")
    assert topic.medical

    # The writer starts the article with a JPEG hero image, two sources and two questions.
    response = writer.submit(
        ADD, "article_form",
        {"title": TITLE, "slug": "", "summary": "Triggers, diaries and when to get help.",
         "body": BODY, "author": str(author.pk), "topic": str(topic.pk),
         "hero_image_alt": "A woman resting in a dim room", "sources-rows": "2",
         "meta_description": "Migraine triggers, keeping a diary and when to see a GP.",
         "focus_keyword": "migraine", **SOURCES, **FAQS, "_continue": "1"},
        files={"hero_image": upload("rest.jpg", picture("JPEG"), "image/jpeg")},
    )  # fmt: skip
    assert response.status_code == 200, response.content[:2000]
    article = Article.objects.get(title=TITLE)
    assert article.owner.username == "writer" and article.status == Status.DRAFT
    assert article.hero_image.name.endswith(".jpg")
    assert [w["width"] for w in article.hero_renditions["widths"]] == [480, 960, 1600]
    assert [f.title for f in article.faqs.order_by("order")] == [
        FAQS["faqs-0-title"], FAQS["faqs-1-title"],
    ]  # fmt: skip
    assert [s["publisher"] for s in article.sources] == ["NHS", "NICE"]

    response = move(writer, article, "submit", "Ready for a look.")
    assert "Submitted for review" in messages_of(response)

    # The editor wants a clearer image; the note reaches the writer's form.
    response = move(editor, article, "request_changes", "Use the brighter photo.")
    assert "Requested changes" in messages_of(response)
    page = writer.open(change_url(article))
    assert "Use the brighter photo." in page
    response = writer.submit(
        change_url(article), "article_form", {"_continue": "1"},
        files={"hero_image": upload("brighter.png", picture("PNG", colour=(200, 180, 90)),
                                    "image/png")},
    )  # fmt: skip
    article.refresh_from_db()
    assert article.hero_image.name.endswith(".png")
    assert article.hero_renditions["widths"][0]["src"].endswith(".png")
    move(writer, article, "submit", "New photo.")

    # The clinician sends it back, FAQ entries and all, then signs off the next version.
    page = reviewer.open(change_url(article))
    assert set(re.findall(r'name="_transition" value="(\w+)"', page)) == {
        "sign_off", "request_changes",
    }  # fmt: skip
    response = move(reviewer, article, "request_changes", "Say that triptans need a GP.")
    assert "Requested changes" in messages_of(response), messages_of(response)
    assert set(FAQEntry.objects.filter(article=article).values_list("status", flat=True)) == {
        Status.DRAFT
    }
    writer.submit(
        change_url(article), "article_form",
        {"body": BODY + "\nTriptans are prescribed by a GP.\n", "_continue": "1"},
    )  # fmt: skip
    move(writer, article, "submit", "Added the GP line.")
    response = move(reviewer, article, "sign_off", "Accurate.")
    assert "Signed off the medical review" in messages_of(response)
    assert "An editor can now publish it." in messages_of(response)
    article.refresh_from_db()
    assert review.sign_off_for(article, article.latest_revision_id) is not None

    # The editor publishes past the suggestions, on purpose.
    response = move(editor, article, "publish", "", _publish_despite_advice="1")
    assert "Published" in messages_of(response), messages_of(response)
    article.refresh_from_db()
    assert article.is_live and article.reviewed_by.slug == "dr-lena-hart"
    assert all(entry.is_live for entry in FAQEntry.objects.filter(article=article))

    read_as_everyone(article)


def read_as_everyone(article):
    """The public page, its images and share image, schema, Markdown, feed, sitemap,
    llms.txt and search all show the article as published."""
    reader = Client()
    url = article.get_absolute_url()
    html = reader.get(url).content.decode()
    assert f"<h1>{TITLE}</h1>" in html
    hero = re.search(r'<figure class="hero">.*?</figure>', html, re.S).group(0)
    sources = re.findall(r'(?:src|srcset)="([^"]+)"', hero)
    files = {part.split()[0] for source in sources for part in source.split(", ")}
    assert len(files) >= 6  # three widths, in PNG and WebP
    for path in files:
        response = reader.get(path)
        assert response.status_code == 200, path
        served = Image.open(_bytes(response))
        assert served.format in ("PNG", "WEBP")
    share = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert "/renditions/" in share
    with Image.open(_bytes(reader.get(share.removeprefix("https://example.test")))) as card:
        assert card.size == (1200, 675)
    graph = [
        node
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        for node in json.loads(block)["@graph"]
    ]
    page = next(n for n in graph if "MedicalWebPage" in _types(n))
    assert page["reviewedBy"]["name"] == "Dr Lena Hart"
    assert {n["@type"] for n in graph} >= {"FAQPage", "BreadcrumbList"}
    assert "Triptans are prescribed by a GP." in html
    markdown = reader.get(url.rstrip("/") + ".md").content.decode()
    assert TITLE in markdown and "https://www.nice.org.uk/guidance/cg150" in markdown
    assert TITLE in reader.get("/feed/").content.decode()
    assert url in "".join(reader.get(path).content.decode() for path in _sitemap_sections(reader))
    assert TITLE in reader.get("/llms.txt").content.decode()
    assert TITLE in reader.get("/search/", {"q": "migraine diary"}).content.decode()


def _types(node):
    kind = node["@type"]
    return kind if isinstance(kind, list) else [kind]


def _sitemap_sections(reader):
    index = reader.get("/sitemap.xml").content.decode()
    return [loc.removeprefix("https://example.test") for loc in re.findall(r"<loc>([^<]+)<", index)]


def _bytes(response):
    import io

    return io.BytesIO(b"".join(response.streaming_content) if response.streaming else
                      response.content)  # fmt: skip
