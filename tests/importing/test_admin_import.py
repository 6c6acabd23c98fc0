"""The admin "Import articles" page: who may use it, uploads, the report, dry runs."""

import html
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, Status, Topic
from articles.publishing import revisions
from articles.publishing.importing.load import MAX_FILE_BYTES
from faq.models import FAQEntry
from tests.conftest import make_user

SEED_A = "000_2c3dcb79e5ffe5ba.txt"
SEED_B = "001_def938b7b7e15004.txt"
SLUG_A = "strategies-to-get-your-sex-back-after-mental-health-challenges"
SLUG_B = "untitled-001_def938b7b7e15004"
BROKEN_JSON = "{\n“@type”: “Article”,\n“headline”: {{{\n}\n\nA title\n\nBody text.\n"


@pytest.fixture
def url():
    return reverse("admin:articles_article_import")


@pytest.fixture
def seed_files(seed_a, seed_b):
    return {path.name: path.read_bytes() for path in (seed_a, seed_b)}


@pytest.fixture
def viewer(db):
    """Staff who may only view articles."""
    user = make_user("vera")
    user.user_permissions.add(
        Permission.objects.get(codename="view_article", content_type__app_label="articles")
    )
    return user


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="text/plain")


def text_of(response):
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_changelist_links_to_the_import_page(db, client, request, role, url):
    """Users who may add articles see the "Import articles" link on the changelist."""
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    assert f'<a href="{url}">Import articles</a>' in response.content.decode()


def test_changelist_hides_the_link_without_add_permission(client, viewer, url):
    """A view-only user gets the changelist but no import link."""
    client.force_login(viewer)
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    assert url not in response.content.decode()


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_import_page_shows_the_form(db, client, request, role, url):
    """The page offers a multiple file input and the dry-run checkbox."""
    client.force_login(request.getfixturevalue(role))
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert re.search(r'<input type="file" name="files" multiple[ >]', content)
    assert re.search(r'<input type="checkbox" name="dry_run"', content)


def test_upload_both_seeds_creates_drafts_and_shows_the_report(client, writer, url, seed_files):
    """Uploading both seeds in one POST creates two drafts and reports each file."""
    client.force_login(writer)
    files = [upload(name, data) for name, data in seed_files.items()]
    response = client.post(url, {"files": files})
    assert response.status_code == 200
    text = text_of(response)
    assert "Report: 2 file(s), 0 failed" in text
    assert f"created article {SLUG_A} (5 FAQ)" in text
    assert f"created article {SLUG_B} (0 FAQ)" in text
    assert SEED_A in text and SEED_B in text
    assert "datePublished is empty; ignored" in text
    assert "the file has no title" in text
    assert set(Article.objects.values_list("slug", "status")) == {
        (SLUG_A, Status.DRAFT),
        (SLUG_B, Status.DRAFT),
    }
    assert FAQEntry.objects.filter(article__slug=SLUG_A).count() == 5


def test_bad_file_is_reported_and_the_good_one_imported(client, editor, url, seed_files):
    """A broken upload fails with its line; the good one beside it is still imported."""
    client.force_login(editor)
    files = [upload("broken.txt", BROKEN_JSON.encode()), upload(SEED_A, seed_files[SEED_A])]
    response = client.post(url, {"files": files})
    assert response.status_code == 200
    text = text_of(response)
    assert "Report: 2 file(s), 1 failed" in text
    assert "FAILED: line 3: invalid JSON in the leading JSON" in text
    assert f"created article {SLUG_A} (5 FAQ)" in text
    assert list(Article.objects.values_list("slug", flat=True)) == [SLUG_A]
    assert FAQEntry.objects.count() == 5


def test_latin1_upload_is_reported_as_not_utf8(client, writer, url):
    """A Latin-1 upload fails on line 1 with a UTF-8 hint and writes nothing."""
    client.force_login(writer)
    latin1 = upload("cafe.txt", "Caf\xe9 au lait\n".encode("latin-1"))
    response = client.post(url, {"files": [latin1]})
    text = text_of(response)
    assert "FAILED: line 1: not UTF-8 text" in text
    assert not Article.objects.exists()


def test_dry_run_writes_nothing(client, editor, url, seed_files):
    """With dry_run ticked the report says what would happen and nothing is saved."""
    client.force_login(editor)
    files = [upload(name, data) for name, data in seed_files.items()]
    response = client.post(url, {"files": files, "dry_run": "on"})
    text = text_of(response)
    assert f"would be created article {SLUG_A} (5 FAQ)" in text
    assert f"would be created article {SLUG_B}" in text
    assert not Article.objects.exists()
    assert not FAQEntry.objects.exists()


def test_title_with_several_files_is_a_form_error(client, editor, url, seed_files):
    """A title given with two files is refused by the form and nothing is imported."""
    client.force_login(editor)
    files = [upload(name, data) for name, data in seed_files.items()]
    response = client.post(url, {"files": files, "title": "One title"})
    assert "A title names one article" in text_of(response)
    assert "Report:" not in text_of(response)
    assert not Article.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(client, db, url, method, seed_files):
    """Anonymous visitors are redirected to the admin login and nothing is imported."""
    data = {"files": [upload(SEED_A, seed_files[SEED_A])]} if method == "post" else None
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not Article.objects.exists()


@pytest.mark.parametrize("user", ["outsider", "viewer"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_without_add_permission_is_forbidden(
    db, client, request, url, user, method, seed_files
):
    """Staff without the add permission get 403 and cannot import."""
    client.force_login(request.getfixturevalue(user))
    data = {"files": [upload(SEED_A, seed_files[SEED_A])]} if method == "post" else None
    response = getattr(client, method)(url, data)
    assert response.status_code == 403
    assert not Article.objects.exists()


@pytest.fixture
def published_seed(client, editor, author, url, seed_files, publish):
    """Seed 000 uploaded by an editor, given an author, and published."""
    client.force_login(editor)
    client.post(url, {"files": [upload(SEED_A, seed_files[SEED_A])]})
    article = Article.objects.get(slug=SLUG_A)
    article.author = author
    article.body = "Edited after import."
    article.save()
    return publish(article)


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_force_upload_over_a_live_article_becomes_draft_changes(
    db, client, request, url, seed_files, published_seed, role
):
    """Force-uploading over a live article saves draft changes; the live page is unchanged."""
    client.force_login(request.getfixturevalue(role))
    response = client.post(url, {"files": [upload(SEED_A, seed_files[SEED_A])], "force": "on"})
    text = text_of(response)
    article = Article.objects.get(slug=SLUG_A)
    assert f"updated article {SLUG_A} (5 FAQ)" in text
    assert "imported as draft changes" in text
    assert (article.live, article.status) == (True, Status.DRAFT)
    assert article.body == "Edited after import."  # the row is the live version
    assert revisions.working_copy(article).body != "Edited after import."
    assert "Edited after import." in client.get(article.get_absolute_url()).text
    assert not article.transitions().filter(action="unpublish").exists()


def _export_changing(author, topic_slug):
    return json.dumps(
        {
            "format": "editorial-export",
            "version": 1,
            "authors": [
                {
                    "slug": author.slug,
                    "name": "Renamed by upload",
                    "job_title": "",
                    "bio": "",
                    "website": "",
                    "same_as": "",
                }
            ],
            "topics": [{"slug": topic_slug, "name": "New topic", "description": ""}],
            "articles": [],
            "faqs": [],
        }
    ).encode()


@pytest.mark.parametrize(("role", "allowed"), [("writer", False), ("editor", True)])
def test_export_upload_changes_authors_and_topics_only_with_permission(
    db, client, request, url, author, role, allowed
):
    """Writers may only view authors and topics, so an uploaded export cannot change them."""
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        url, {"files": [upload("export.json", _export_changing(author, "new-topic"))]}
    )
    assert response.status_code == 200
    author.refresh_from_db()
    assert (author.name == "Renamed by upload") is allowed
    assert Topic.objects.filter(slug="new-topic").exists() is allowed
    if not allowed:
        assert "Report: 1 file(s), 1 failed" in text_of(response)


def test_oversized_file_is_reported_and_the_others_still_import(client, editor, url, seed_files):
    """A file over the size limit fails on its own line; the good file beside it imports."""
    client.force_login(editor)
    big = upload("huge.txt", b"x" * (MAX_FILE_BYTES + 1))
    good = upload("000_2c3dcb79e5ffe5ba.txt", seed_files["000_2c3dcb79e5ffe5ba.txt"])
    text = text_of(client.post(url, {"files": [big, good]}))
    assert "huge.txt" in text and "file is larger than 2 MB" in text
    assert Article.objects.count() == 1


def test_the_report_speaks_to_editors_and_links_to_the_drafts(client, writer, url, seed_files):
    """No command-line options in the report, and each created article has an Open link."""
    client.force_login(writer)
    files = [upload(name, data) for name, data in seed_files.items()]
    text = text_of(client.post(url, {"files": files}))
    for option in ("--force", "--author", "--user", "--title"):
        assert option not in text
    for slug in (SLUG_A, SLUG_B):
        article = Article.objects.get(slug=slug)
        assert f'href="/admin/articles/article/{article.pk}/change/">Open “' in text


def test_a_dry_run_says_so_in_a_banner(client, editor, url, seed_files):
    """A dry run's report opens with a banner saying nothing was written."""
    client.force_login(editor)
    files = [upload(SEED_A, seed_files[SEED_A])]
    text = text_of(client.post(url, {"files": files, "dry_run": "on"}))
    assert "Dry run: nothing was written." in text
    assert "Open “" not in text
    assert "Dry run: nothing was written." not in text_of(
        client.post(url, {"files": [upload(SEED_A, seed_files[SEED_A])]})
    )


def test_a_live_article_is_not_overwritten_and_the_report_says_how_to(
    client, editor, url, seed_files, published_seed
):
    """Without the overwrite box, the report names the box to tick, not a command option."""
    client.force_login(editor)
    text = text_of(client.post(url, {"files": [upload(SEED_A, seed_files[SEED_A])]}))
    assert "tick “Overwrite items in review or published” to import it as a draft" in text


def test_one_file_per_request_returns_just_its_row(client, editor, url, seed_files):
    """The page's script posts one file at a time and gets that file's report row."""
    client.force_login(editor)
    response = client.post(
        url,
        {"files": [upload(SEED_B, seed_files[SEED_B])]},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    text = text_of(response)
    assert text.strip().startswith('<tr class="success">')
    assert SEED_B in text and "<html" not in text
