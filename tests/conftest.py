"""Shared fixtures: users in each role, and content in each state."""

import importlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, Author, Status, Topic
from articles.publishing.roles import EDITOR, MEDICAL_REVIEWER, WRITER
from articles.publishing.workflow import restore_state
from faq.models import FAQEntry
from tests.objectstorage import bucket, s3_server  # noqa: F401 - fixtures for every test
from tests.receiver import receiver  # noqa: F401 - a local server for outbound requests

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
SEED_A = "000_2c3dcb79e5ffe5ba.txt"  # article, FAQ and schema blocks
SEED_B = "001_def938b7b7e15004.txt"  # plain text with dash bullets, no title


def seeds_missing(what):
    """Skip locally, but fail on CI: there the seeds must be read, not skipped."""
    message = f"Seed documents missing: {what} (expected in ../shared/seeds beside the project)."
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def forget_cached_pages():
    """No cached page is current any more: a new generation, nothing in memory, and the
    database's counts taken as read just now (so a test without the database never reads
    it for them)."""
    import time

    from django.core.cache import cache

    from articles.publishing import pagecache

    pagecache.forget()
    pagecache.known.read_at = pagecache.known.tried_at = time.monotonic()
    now = time.time()
    record = pagecache.Generation(f"{time.time_ns():x}", int(now), now + 3600)
    cache.set(pagecache.GENERATION_KEY, record.dump(), None)


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Each test starts with no cached pages."""
    forget_cached_pages()


@pytest.fixture(autouse=True)
def fresh_markdown_outcomes():
    """Each test starts with no Markdown kept from an earlier render."""
    from articles.publishing import markdown

    markdown._recent_outcome.cache_clear()


def sitemap_locations(client):
    """Every URL the sitemap lists, through its index and each page of each section."""
    from urllib.parse import urlsplit

    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert b"<sitemapindex" in index.content
    found = []
    for section in re.findall(r"<loc>([^<]+)</loc>", index.content.decode()):
        parts = urlsplit(section)
        assert parts.netloc == "example.test", section  # on SITE_URL's host
        page = client.get(parts.path, QUERY_STRING=parts.query)
        assert page.status_code == 200
        found += re.findall(r"<loc>([^<]+)</loc>", page.content.decode())
    return found


@pytest.fixture(scope="session")
def seeds():
    """The sample documents in ../shared/seeds, next to the project."""
    if not SEEDS.is_dir():
        seeds_missing(f"no folder {SEEDS}")
    return SEEDS


def _seed(folder, name):
    path = folder / name
    if not path.is_file():
        seeds_missing(f"no file {path}")
    return path


@pytest.fixture(scope="session")
def seed_a(seeds):
    """Path of the format A sample: article, FAQ and schema blocks."""
    return _seed(seeds, SEED_A)


@pytest.fixture(scope="session")
def seed_b(seeds):
    """Path of the format B sample: plain text, dash bullets, no title."""
    return _seed(seeds, SEED_B)


@pytest.fixture
def restore_roles(transactional_db):
    """The role groups, made again by their data migrations' own code.

    Transactional tests run last and start after a flush, which keeps permissions but
    drops the groups the migrations made.
    """
    from django.apps import apps

    for module in ("articles.migrations.0002_roles", "faq.migrations.0002_roles"):
        importlib.import_module(module).create_roles(apps, None)
    for module in (
        "articles.migrations.0014_medical_review",
        "faq.migrations.0008_reviewers",
        "faq.migrations.0010_medical_review",
    ):
        importlib.import_module(module).create_reviewers(apps, None)
    importlib.import_module("articles.migrations.0016_undelivered_mail").create_roles(apps, None)
    importlib.import_module("articles.migrations.0022_image_library").create_roles(apps, None)
    importlib.import_module("articles.migrations.0028_webhooks_indexnow").create_roles(apps, None)


PASSWORD_FOR_TESTS = "pass-for-tests"


def make_user(username, group=None, **extra):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD_FOR_TESTS, is_staff=True, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def writer(db):
    return make_user("wendy", WRITER)


@pytest.fixture
def editor(db):
    return make_user("eddie", EDITOR)


@pytest.fixture
def clinician(db):
    """A medical reviewer, signing off as the author profile Dr Rita Review, GP."""
    user = make_user("rita", MEDICAL_REVIEWER)
    Author.objects.create(name="Dr Rita Review", slug="dr-rita-review", job_title="GP", user=user)
    return user


@pytest.fixture
def outsider(db):
    """Staff, but in no group: no content permissions at all."""
    return make_user("olive")


@pytest.fixture
def author(db):
    return Author.objects.create(
        name="Ada Byline", slug="ada-byline", job_title="Health writer", bio="Writes."
    )


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="Sleep", slug="sleep", description="All about sleep.")


@pytest.fixture
def make_article(db, author, topic):
    def make(title="A calm mind", user=None, **fields):
        fields.setdefault("body", "Intro paragraph.\n\n## A section\n\nMore text.")
        fields.setdefault("summary", "A short summary.")
        # Publishing needs one; the text is neutral so search checks stay as they were.
        fields.setdefault("meta_description", "What this article covers, for search results.")
        fields.setdefault("author", author)
        fields.setdefault("topic", topic)
        article = Article(title=title, **fields)
        article.save(user=user)  # the user, when given, becomes the owner
        return article

    return make


@pytest.fixture
def draft(make_article):
    return make_article("Draft article")


@pytest.fixture
def publish(writer, editor):
    """Take an item from draft to published through the workflow."""

    def run(item, at=None):
        item.submit_for_review(writer)
        item.publish(editor, at=at)
        item.refresh_from_db()
        return item

    return run


@pytest.fixture
def publish_reviewed(writer, editor, clinician):
    """Take an item through review, a clinician's sign-off and publication."""

    def run(item, note=""):
        item.submit_for_review(writer)
        item.sign_off(clinician, note=note)
        item.publish(editor)
        item.refresh_from_db()
        return item

    return run


@pytest.fixture
def put_live(editor):
    """Make an item live past the publish checks, as a backup from before them restores."""

    def run(item):
        now = timezone.now()
        state = {"status": Status.PUBLISHED, "live": True, "published_at": now}
        restore_state(item, editor, {**state, "first_published_at": now}, log=[])
        return item

    return run


@pytest.fixture
def published(make_article, publish):
    return publish(make_article("Published article"))


@pytest.fixture
def make_faq(db):
    def make(question="Is sleep important?", answer="Yes, very.", user=None, **fields):
        entry = FAQEntry(title=question, answer=answer, **fields)
        entry.save(user=user)  # the user, when given, becomes the owner
        return entry

    return make


class _PageParser(HTMLParser):
    """Visible text and JSON-LD blocks of a page, as a crawler reads them."""

    def __init__(self):
        super().__init__()
        self.text, self.jsonld, self._stack = [], [], []

    def handle_starttag(self, tag, attrs):
        self._stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self._stack and self._stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        tag, attrs = self._stack[-1] if self._stack else ("", {})
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self.jsonld.append(data)
        elif tag not in {"script", "style", "title"} and not any(
            t == "head" for t, _ in self._stack
        ):
            self.text.append(data)


def parse_page(html):
    parser = _PageParser()
    parser.feed(html)
    return {
        "text": re.sub(r"\s+", " ", " ".join(parser.text)).strip(),
        "jsonld": [json.loads(block) for block in parser.jsonld],
    }


def graph_nodes(page, node_type):
    nodes = [node for block in page["jsonld"] for node in block["@graph"]]
    return [
        node
        for node in nodes
        if node_type == node["@type"]
        or (isinstance(node["@type"], list) and node_type in node["@type"])
    ]
