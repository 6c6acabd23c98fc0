"""Imported seeds, published through the workflow, as the public pages show them."""

import html
import io
import re

import pytest
from django.core.management import call_command

from articles.models import Article, Status
from articles.publishing.importing.formats import parse_document
from tests.conftest import graph_nodes, parse_page

SEED_A = "000_2c3dcb79e5ffe5ba.txt"
SEED_B = "001_def938b7b7e15004.txt"
BULLET = re.compile(r"^[–•-]\s+([^:]+):\s")
FIGHT_OR_FLIGHT = (
    "Anxiety acts as a primary inhibitor of the sexual response system by activating the "
    "sympathetic nervous system and increasing cortisol levels. This “fight or flight” state "
    "signals to the brain that the environment is unsafe, which naturally suppresses the "
    "physiological triggers for arousal. Furthermore, the cognitive distraction of anxious "
    "thoughts makes it difficult to remain present during intimate moments. Reducing overall "
    "anxiety through CBT or mindfulness is often necessary to lower these biological “brakes” "
    "and allow desire to return."
)


def normalise(text):
    return " ".join(text.split())


def empty_values(value, where="$"):
    """Paths of empty strings (and empty containers / nulls) anywhere in a JSON value."""
    if isinstance(value, str):
        return [where] if not value.strip() else []
    if value is None or value in ([], {}):
        return [where]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in empty_values(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in empty_values(item, f"{where}[{i}]")]
    return []


@pytest.fixture
def seed_texts(seed_a, seed_b):
    return {path.name: path.read_text(encoding="utf-8") for path in (seed_a, seed_b)}


@pytest.fixture
def live(seeds, seed_texts, author, publish):
    """Both seeds imported, given an author (and 001 a real title and a meta description,
    which publishing requires), then published.

    Publishing an article takes its FAQ entries with it through the workflow."""
    call_command("import_content", str(seeds), stdout=io.StringIO(), stderr=io.StringIO())
    a = Article.objects.get(title__startswith="Strategies to Get Your Sex Back")
    b = Article.objects.get(slug="untitled-001_def938b7b7e15004")
    b.title = "Rekindling intimacy when depression gets in the way"
    b.meta_description = (
        "How depression and its treatment can dampen desire, and the small, practical "
        "steps that help couples find their way back to intimacy."
    )
    for article in (a, b):
        article.author = author
        article.save()
        publish(article)
    return {SEED_A: Article.objects.get(pk=a.pk), SEED_B: Article.objects.get(pk=b.pk)}


@pytest.fixture
def page_a(client, live):
    response = client.get(live[SEED_A].get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_everything_is_published(live):
    """Publishing the articles published all five FAQ entries with them, each logged."""
    assert {a.status for a in live.values()} == {Status.PUBLISHED}
    entries = list(live[SEED_A].faqs.all())
    assert len(entries) == 5
    assert {e.status for e in entries} == {Status.PUBLISHED}
    assert all(e.transitions().filter(action="publish").count() == 1 for e in entries)


def test_head_has_the_meta_title_and_description(page_a, seed_texts):
    """<title> is the file's meta title and the meta description is the file's."""
    doc = parse_document(seed_texts[SEED_A])
    title = re.search(r"<title>(.*?)</title>", page_a, re.S).group(1)
    assert html.unescape(title) == doc.meta_title
    description = re.search(r'<meta name="description" content="([^"]*)">', page_a).group(1)
    assert html.unescape(description) == doc.meta_description


def test_jsonld_has_article_faqpage_and_breadcrumbs(page_a, live):
    """The JSON-LD graph has one Article, one FAQPage and one BreadcrumbList for the page."""
    page = parse_page(page_a)
    (article,) = graph_nodes(page, "Article")
    (faq_page,) = graph_nodes(page, "FAQPage")
    (crumbs,) = graph_nodes(page, "BreadcrumbList")
    assert article["name"] == live[SEED_A].title
    # The visible h1, not the meta title (which stays in <title>).
    assert article["headline"] == live[SEED_A].title
    assert faq_page["url"] == article["mainEntityOfPage"]["@id"]
    assert crumbs["itemListElement"][-1]["name"] == live[SEED_A].title
    assert "datePublished" in article


def test_faqpage_questions_and_answers_match_the_seed_verbatim(page_a, seed_texts):
    """The FAQPage holds the seed's five questions and answers, exactly and in order."""
    faqs = parse_document(seed_texts[SEED_A]).faqs
    (faq_page,) = graph_nodes(parse_page(page_a), "FAQPage")
    shown = [(q["name"], q["acceptedAnswer"]["text"]) for q in faq_page["mainEntity"]]
    assert shown == [(f.question, f.answer) for f in faqs]
    assert len(shown) == 5
    assert shown[1][1] == FIGHT_OR_FLIGHT


def test_every_answer_is_visible_on_the_page(page_a, seed_texts):
    """Each question and answer in the FAQPage is also in the visible page text."""
    text = normalise(parse_page(page_a)["text"])
    for faq in parse_document(seed_texts[SEED_A]).faqs:
        assert normalise(faq.question) in text
        assert normalise(faq.answer) in text


def test_jsonld_has_no_empty_values(page_a):
    """No empty string, null or empty container anywhere in the page's JSON-LD."""
    blocks = parse_page(page_a)["jsonld"]
    assert blocks
    assert empty_values(blocks) == []


def test_format_b_page_renders_the_labelled_list(client, live, seed_texts):
    """Seed 001's page shows nine list items whose labels are in <strong>."""
    response = client.get(live[SEED_B].get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    labels = [
        m.group(1) for line in seed_texts[SEED_B].splitlines() if (m := BULLET.match(line.strip()))
    ]
    assert len(labels) == 9
    shown = re.findall(r"<li>\s*<strong>([^<]+):</strong>", content)
    assert [html.unescape(label) for label in shown] == labels
