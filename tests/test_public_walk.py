"""Every public page of the sample content and the imported seeds, as a crawler walks them."""

import io
import re
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Author, Topic
from tests.conftest import parse_page, sitemap_locations
from tests.importing.test_seed_publishing import empty_values

SKIP = ("/admin/", "/static/", "/media/", "/markdownx/", "/feed/", "/sitemap.xml", "/robots.txt")
HREF = re.compile(r'<a\s[^>]*href="([^"]+)"')
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)">')


@pytest.fixture
def site_content(db, seeds, editor, writer):
    """The sample content, plus both seeds imported, completed by an editor, filed under a
    health topic, signed off by the sample clinician and published."""
    call_command("load_sample_content", stdout=io.StringIO())
    call_command("import_content", str(seeds), stdout=io.StringIO(), stderr=io.StringIO())
    author = Author.objects.order_by("pk").first()
    health = Topic.objects.get(slug="stress-and-anxiety")
    clinician = get_user_model().objects.get(username="reviewer")
    for article in Article.objects.filter(live=False, status="draft", owner=None):
        if article.has_placeholder_title:
            article.title = "Rekindling intimacy when depression gets in the way"
        article.author = article.author or author
        article.meta_description = article.meta_description or (
            "How depression and its treatment can dampen desire, and the small, practical "
            "steps that help couples find their way back to intimacy."
        )
        article.topic = health
        article.save(user=editor)
        article.submit_for_review(writer)
        article.sign_off(clinician, note="Checked against current guidance.")
        article.publish(editor)


def walk(client):
    """{path: html} for every page reachable from the home page and the sitemap."""
    queue = ["/", *(urlsplit(loc).path for loc in sitemap_locations(client))]
    pages = {}
    while queue:
        path = queue.pop()
        if path in pages or path.startswith(SKIP):
            continue
        response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        pages[path] = html = response.content.decode()
        for href in HREF.findall(html):
            target = urldefrag(href)[0]
            if target.startswith("/"):
                queue.append(target)
    return pages


def ids_and_refs(value, ids, refs):
    if isinstance(value, dict):
        if set(value) == {"@id"}:
            refs.add(value["@id"])
        elif "@id" in value:
            ids.add(value["@id"])
        for item in value.values():
            ids_and_refs(item, ids, refs)
    elif isinstance(value, list):
        for item in value:
            ids_and_refs(item, ids, refs)


def test_every_public_page_matches_its_structured_data(client, site_content):
    """For each page: JSON-LD parses, @ids resolve, nothing is empty, FAQ text is visible,
    the headline is the h1, and there is one canonical link and one h1."""
    pages = walk(client)
    kinds = {path.split("/")[1] for path in pages}
    assert {"", "articles", "topics", "authors", "faq"} <= kinds, sorted(pages)
    assert "/articles/strategies-to-get-your-sex-back-after-mental-health-challenges/" in pages
    assert "/articles/rekindling-intimacy-when-depression-gets-in-the-way/" in pages
    problems, medical = [], 0
    for path, html in sorted(pages.items()):
        page = parse_page(html)  # json.loads of every JSON-LD block
        if len(page["jsonld"]) != 1:
            problems.append(f"{path}: {len(page['jsonld'])} JSON-LD blocks")
            continue
        data = page["jsonld"][0]
        ids, refs = set(), set()
        ids_and_refs(data, ids, refs)
        if missing := refs - ids:
            problems.append(f"{path}: unresolved @id {sorted(missing)}")
        if empty := empty_values(data):
            problems.append(f"{path}: empty values at {empty}")
        h1s = H1.findall(html)
        if len(h1s) != 1:
            problems.append(f"{path}: {len(h1s)} h1 elements")
        if len(CANONICAL.findall(html)) != 1:
            problems.append(f"{path}: {len(CANONICAL.findall(html))} canonical links")
        text = page["text"]
        for node in data["@graph"]:
            types = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
            if "MedicalWebPage" in types:
                medical += 1
                reviewer = node["reviewedBy"]
                if reviewer["name"] not in text or node["lastReviewed"] not in html:
                    problems.append(f"{path}: the review in the schema is not on the page")
            if "Article" in types and h1s and node["headline"] != parse_page(h1s[0])["text"]:
                problems.append(f"{path}: headline {node['headline']!r} is not the h1")
            if "FAQPage" in types:
                for question in node["mainEntity"]:
                    answer = question["acceptedAnswer"]["text"]
                    if question["name"] not in text or " ".join(answer.split()) not in text:
                        problems.append(f"{path}: FAQ “{question['name']}” is not visible")
    assert problems == [], "\n".join(problems)
    assert medical == 3  # the sample health article and both seeds


def test_each_question_is_marked_up_on_exactly_one_page(client, site_content):
    """Across the whole site, no FAQ question appears in two pages' structured data."""
    seen = {}
    for path, html in walk(client).items():
        for node in parse_page(html)["jsonld"][0]["@graph"]:
            types = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
            if "FAQPage" in types:
                for question in node["mainEntity"]:
                    seen.setdefault(question["name"], []).append(path)
    assert seen, "the sample content has questions"
    assert {name: paths for name, paths in seen.items() if len(paths) > 1} == {}
