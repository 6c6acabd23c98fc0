"""The load_sample_content command: demo accounts and content in every state, idempotently."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Author, Status, Topic, Transition
from articles.publishing.roles import EDITOR, WRITER
from faq.models import FAQEntry
from tests.conftest import graph_nodes, parse_page

pytestmark = pytest.mark.django_db


def load():
    call_command("load_sample_content", stdout=StringIO())


def counts():
    models = (Article, FAQEntry, Author, Topic, Transition, get_user_model(), Group)
    return {model.__name__: model.objects.count() for model in models}


def test_creates_articles_in_every_state_with_faqs():
    """It creates published, in-review and draft articles; the reviewed ones carry FAQs."""
    load()
    by_state = {state: Article.objects.filter(status=state) for state in Status.values}
    assert all(qs.exists() for qs in by_state.values()), by_state
    for state in (Status.PUBLISHED, Status.IN_REVIEW):
        for article in by_state[state]:
            assert article.faqs.exists()
            assert set(article.faqs.values_list("status", flat=True)) == {state}
    assert Article.objects.published().exists()


def test_creates_writer_and_editor_accounts_in_their_groups():
    """The demo writer and editor exist, are staff, can log in and sit in their groups."""
    load()
    users = get_user_model().objects
    for username, group in (("writer", WRITER), ("editor", EDITOR)):
        user = users.get(username=username)
        assert user.is_staff and user.has_usable_password()
        assert list(user.groups.values_list("name", flat=True)) == [group]


def test_states_are_reached_through_the_logged_workflow():
    """Every non-draft sample item has its transitions logged, by the right users; the
    health article went live on a clinician's sign-off, which names her on the page."""
    load()
    article = Article.objects.get(status=Status.PUBLISHED)
    log = list(article.transitions())
    assert [(t.action, t.user.username) for t in log] == [
        ("publish", "editor"),
        ("sign_off", "reviewer"),
        ("submit", "writer"),
    ]
    assert article.reviewed_by.user.username == "reviewer"
    assert article.last_reviewed == timezone.localdate(log[1].created_at)
    for item in [
        *Article.objects.exclude(status=Status.DRAFT),
        *FAQEntry.objects.exclude(status=Status.DRAFT),
    ]:
        assert item.transitions().exists(), item
    assert not Article.objects.get(status=Status.DRAFT).transitions().exists()


def accounts():
    fields = ("username", "first_name", "last_name", "email", "is_superuser", "password")
    return list(get_user_model().objects.order_by("username").values_list(*fields))


def test_demo_accounts_have_names_and_addresses_and_an_administrator():
    """Each demo account has a first and last name and an example.com address; "admin" is
    a superuser who can sign in, to lift lockouts and manage accounts."""
    load()
    for username, first, last, email, superuser, _ in accounts():
        assert first and last, username
        assert email == f"{username}@example.com"
        assert superuser is (username == "admin")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.check_password("admin-demo-pass")
    assert admin.has_perm("axes.delete_accessattempt")


def test_an_older_demo_account_gains_a_name_and_address_and_keeps_its_own():
    """Accounts made before they had names gain them; what someone set since stays."""
    users = get_user_model().objects
    users.create_user("writer", password="writer-demo-pass", is_staff=True)
    users.create_user("editor", password="editor-demo-pass", is_staff=True, first_name="Ed")
    load()
    writer, editor = users.get(username="writer"), users.get(username="editor")
    assert (writer.get_full_name(), writer.email) == ("Maya Okafor", "writer@example.com")
    assert (editor.get_full_name(), editor.email) == ("Ed Reyes", "editor@example.com")


def test_running_twice_creates_nothing_new():
    """A second run succeeds and leaves every count and every account unchanged."""
    load()
    before = counts(), accounts()
    load()
    assert (counts(), accounts()) == before


def test_published_sample_article_page_renders_with_valid_jsonld(client):
    """The published sample article's page is 200 with parseable JSON-LD (Article and FAQPage)."""
    load()
    article = Article.objects.published().get()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = parse_page(response.text)
    assert len(page["jsonld"]) == 1
    assert graph_nodes(page, "Article")[0]["name"] == article.title
    assert len(graph_nodes(page, "FAQPage")[0]["mainEntity"]) == article.faqs.count()


def test_sample_health_articles_cite_their_sources(client):
    """The reviewed samples cite real sources, each linked, and the page lists them."""
    load()
    for article in Article.objects.filter(status__in=[Status.IN_REVIEW, Status.PUBLISHED]):
        assert len(article.sources) >= 3
        assert all(source.has_link for source in article.source_list)
        cited = {int(n) for n in re.findall(r'href="#source-(\d+)"', article.body_html)}
        assert cited == set(range(1, len(article.sources) + 1)), article.slug
    article = Article.objects.published().get()
    assert article.publication_problems() == []
    page = parse_page(client.get(article.get_absolute_url()).text)
    citation = graph_nodes(page, "Article")[0]["citation"]
    assert any(work.get("identifier") for work in citation)  # a paper with DOI and PMID
