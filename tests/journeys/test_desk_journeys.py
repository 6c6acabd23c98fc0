"""Journeys across features, as the demo roles make them through the admin's real forms:
an untitled import titled and published, a health question signed off on its own, and a
page taken down while someone else was editing it."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from articles.models import Article, Author, Status
from faq.models import FAQEntry
from tests.journeys.browser import upload
from tests.journeys.conftest import Person, shown_messages

IMPORT = "/admin/articles/article/import/"


def messages_of(response):
    return " ".join(shown_messages(response.content.decode()))


@pytest.mark.django_db
def test_an_untitled_import_goes_live_at_its_titles_address(people, seed_b):
    """The writer uploads the untitled sample through the import page; once titled in the
    change form it is published at the title's address, never the placeholder's, and
    importing the file again updates that article."""
    writer, editor = people["writer"], people["editor"]
    maya = Author.objects.get(slug="maya-okafor")
    file = upload(seed_b.name, seed_b.read_bytes(), "text/plain")
    response = writer.submit(IMPORT, "import-form", {}, files={"files": file})
    assert "created" in response.content.decode()
    article = Article.objects.get(slug__startswith="untitled-")
    placeholder = article.get_absolute_url()
    url = f"/admin/articles/article/{article.pk}/change/"
    writer.submit(
        url, "article_form",
        {"title": "Low mood and desire", "author": str(maya.pk),
         "topic": "", "meta_description": "How low mood affects desire, and what helps.",
         "_continue": "1"},
    )  # fmt: skip
    article.refresh_from_db()
    assert article.slug == "low-mood-and-desire"
    writer.submit(url, "article_form", {"_transition": "submit"})
    editor.submit(url, "article_form", {"_transition": "publish",
                                        "_publish_despite_advice": "1"})  # fmt: skip
    article.refresh_from_db()
    assert article.is_live, messages_of(editor.client.get(url))
    reader = Client()
    assert reader.get("/articles/low-mood-and-desire/").status_code == 200
    assert reader.get(placeholder).status_code == 404
    again = upload(seed_b.name, seed_b.read_bytes(), "text/plain")
    editor.submit(IMPORT, "import-form", {"force": "on"}, files={"files": again})
    assert Article.objects.filter(title="Low mood and desire").count() == 1
    assert not Article.objects.filter(slug__startswith="untitled-").exists()


@pytest.mark.django_db
def test_a_health_question_on_its_own_is_signed_off_before_it_goes_live(people):
    """A standalone FAQ entry in a health topic: the editor cannot publish it until the
    clinician, who finds it on the desk, signs it off; the FAQ page then names them."""
    writer, editor, reviewer = people["writer"], people["editor"], people["reviewer"]
    from articles.models import Topic

    topic = Topic.objects.get(slug="sleep")
    writer.submit(
        "/admin/faq/faqentry/add/", "faqentry_form",
        {"title": "Do sleeping pills help?", "slug": "", "answer": "Only briefly; ask a GP.",
         "topic": str(topic.pk), "order": "1", "_continue": "1"},
    )  # fmt: skip
    entry = FAQEntry.objects.get(title="Do sleeping pills help?")
    url = f"/admin/faq/faqentry/{entry.pk}/change/"
    writer.submit(url, "faqentry_form", {"_transition": "submit"})
    response = editor.submit(url, "faqentry_form", {"_transition": "publish",
                                                    "_publish_despite_advice": "1"})  # fmt: skip
    assert "medical reviewer must sign off" in messages_of(response)
    assert "Do sleeping pills help?" in reviewer.open("/admin/")
    response = reviewer.submit(url, "faqentry_form", {"_transition": "sign_off"})
    assert "Signed off the medical review" in messages_of(response)
    editor.submit(url, "faqentry_form", {"_transition": "publish",
                                         "_publish_despite_advice": "1"})  # fmt: skip
    entry.refresh_from_db()
    assert entry.is_live
    page = Client().get("/faq/sleep/").content.decode()
    assert "Do sleeping pills help?" in page
    assert re.search(r"Medically reviewed by <a[^>]*>Dr Lena Hart</a>", page)


@pytest.mark.django_db
def test_an_unpublish_pressed_on_a_stale_form_takes_the_page_down_everywhere(people):
    """The editor opens the live sample article; the writer saves draft changes; the
    editor's Unpublish still takes it down, and no public URL shows it afterwards."""
    writer, editor = people["writer"], people["editor"]
    article = Article.objects.get(slug="why-worry-keeps-you-awake")
    url = f"/admin/articles/article/{article.pk}/change/"
    reader = Client()
    public = [
        article.get_absolute_url(), article.get_absolute_url().rstrip("/") + ".md", "/",
        "/feed/", "/llms.txt", "/topics/sleep/", "/faq/", "/faq/sleep/",
        "/sitemap-articles.xml", "/search/?q=worry",
    ]  # fmt: skip
    assert any(article.title in reader.get(path).content.decode() for path in public)
    from tests.journeys.browser import form_data

    stale = form_data(editor.open(url), form_id="article_form")
    writer.submit(url, "article_form", {"summary": "A newer summary.", "_continue": "1"})
    stale.update(_transition="unpublish", _transition_note="Under review after a complaint.")
    response = editor.client.post(url, stale, follow=True)
    assert "Unpublished" in messages_of(response)
    article.refresh_from_db()
    assert (article.live, article.status) == (False, Status.DRAFT)
    assert article.summary == "A newer summary."  # the writer's draft is kept
    for path in public:
        body = reader.get(path).content.decode()
        assert article.title not in body, path
        assert "Clock-watching" not in body, path  # its FAQ answer


@pytest.mark.django_db
def test_the_administrator_can_reach_the_lockouts(demo):
    """The demo administrator signs in and opens the list of login lockouts to lift one."""
    assert "access attempt" in Person("admin").open("/admin/axes/accessattempt/").lower()


@pytest.mark.django_db
def test_an_editor_finds_an_article_in_a_long_list_and_returns_to_it(people):
    """In a list of more than a page, the editor opens one topic's articles at the second
    page of 20, opens one, saves it, and the page's trail returns to that filter and page."""
    from django.db.models import Count

    from articles.models import Topic

    call_command("generate_content", "30", "--faqs", "0", stdout=io.StringIO())
    editor = people["editor"]
    topic = Topic.objects.annotate(n=Count("articles")).order_by("-n").first()
    generated = Article.objects.filter(slug__startswith="generated-").values("pk")
    Article.objects.filter(pk__in=generated).update(topic=topic)  # one topic's long list
    listed = Article.objects.filter(topic=topic).exclude(status=Status.TRASHED).count()
    assert listed > 20
    page = editor.open(f"/admin/articles/article/?topic__id__exact={topic.pk}&p=2")
    assert len(re.findall(r'class="action-select"', page)) == min(listed - 20, 20)
    link = re.search(r'<th class="field-title"><a href="([^"]+)"', page).group(1)
    url = link.replace("&amp;", "&")
    article = Article.objects.get(pk=int(re.search(r"/article/(\d+)/change/", url).group(1)))
    response = editor.submit(url, "article_form", {"title": f"{article.title} revised",
                                                   "_continue": "1"})  # fmt: skip
    form = response.content.decode()
    assert response.status_code == 200 and f"{article.title} revised" in form
    back = re.search(r'<li><a href="([^"]+)">Articles</a></li>', form).group(1)
    back = back.replace("&amp;", "&")
    assert f"topic__id__exact={topic.pk}" in back and "p=2" in back
    again = editor.open(back)
    assert len(re.findall(r'class="action-select"', again)) == min(listed - 20, 20)
    assert re.search(r'aria-current="page">2</a>', again)


def test_an_editor_narrows_a_search_with_many_matches_to_its_drafts(people, monkeypatch):
    """A word in more articles than the search counts says "more than"; narrowed to
    drafts, the list counts and shows the drafts the word is in."""
    from articles.publishing import search

    monkeypatch.setattr(search, "MATCH_LIMIT", 5)
    call_command("generate_content", "12", "--faqs", "0", stdout=io.StringIO())
    generated = Article.objects.filter(slug__startswith="generated-", body__icontains="caffeine")
    assert generated.count() > 5
    # Two taken back to drafts, as an editor unpublishing them would leave them.
    drafts = list(generated.order_by("pk")[:2])
    for article in drafts:
        Article.objects.filter(pk=article.pk).update(status=Status.DRAFT, live=False)
    editor = people["editor"]
    everything = editor.open("/admin/articles/article/?q=caffeine")
    assert "More than 5 articles match" in everything
    narrowed = editor.open("/admin/articles/article/?q=caffeine&state=draft")
    rows = re.findall(r'<th class="field-title"><a href="[^"]+">([^<]+)</a>', narrowed)
    assert set(rows) >= {article.title for article in drafts} and "More than" not in narrowed
    assert f"\n{len(rows)} article" in narrowed
