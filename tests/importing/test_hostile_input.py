"""Hostile files: a per-file error with a place, never a traceback, a hang or a half write."""

import json
import os

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Author, Revision, Status, Transition
from articles.publishing import markdown
from articles.publishing.importing import load
from articles.publishing.importing.base import Options
from articles.publishing.importing.formats import ParsedDocument, ParsedFAQ
from articles.publishing.importing.load import import_file
from faq.models import FAQEntry
from tests.growth import assert_linear

from .commands import run, run_failing
from .test_exchange import export, wipe


def counts():
    return [model.objects.count() for model in (Article, FAQEntry, Revision, Transition)]


def test_nul_bytes_are_removed_with_a_warning_naming_the_line(db, seed_a):
    """NUL and other control bytes are dropped and reported; the article imports."""
    original = seed_a.read_bytes()
    at = [i for i, byte in enumerate(original) if byte == ord("\n")][20] + 1  # a body line
    text = original[:at] + b"\x00\x0b" + original[at:]
    report = import_file("nul.txt", text, Options())
    assert report.ok, report.error
    warning = next(w for w in report.warnings if "control character" in w)
    line = text[:at].count(b"\n") + 1
    assert f"line {line}" in warning
    assert "\x00" not in Article.objects.get().body


@pytest.mark.parametrize("depth", [100, 5000])
def test_deeply_nested_json_is_refused_per_file_and_the_batch_goes_on(db, seed_b, tmp_path, depth):
    """A schema block or export nested thousands deep fails its file; the next file imports."""
    deep = tmp_path / "a-deep.json"
    deep.write_text('{"format": "editorial-export", "version": 2, "x": ' + "[" * depth
                    + "]" * depth + "}", encoding="utf-8")  # fmt: skip
    block = tmp_path / "b-deep.txt"
    block.write_text("===SCHEMA_JSON_START===\n" + "[" * depth + "]" * depth
                     + "\n===SCHEMA_JSON_END===\nA title\n\nBody.\n", encoding="utf-8")  # fmt: skip
    good = tmp_path / "c-good.txt"
    good.write_bytes(seed_b.read_bytes())
    out, error = run_failing(deep, block, good)
    assert f"{deep}: FAILED:" in out and "nested more than" in out
    assert f"{block}: FAILED: line 2:" in out
    assert "1 of 3 file(s) imported, 2 failed." in error
    assert Article.objects.count() == 1


def test_a_null_title_in_an_export_is_a_clear_error(db, make_article, editor, tmp_path):
    """A null where text belongs names the item and the field; nothing is written."""
    make_article("Kept")
    document = json.loads(export())
    document["articles"][0]["title"] = None
    path = tmp_path / "null.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    wipe()
    out, _ = run_failing(path, "--user", editor.username)
    assert "title must be text, not null" in out
    assert not Article.objects.exists()


def _quotes(n):
    return ("===SCHEMA_JSON_START===\n{\"a\": \"" + "“x”, " * n
            + "\"}\n===SCHEMA_JSON_END===\nTitle\n\nBody text.\n").encode()  # fmt: skip


def test_a_long_line_of_quotes_imports_in_linear_time(db):
    """Repairing typographic quotes costs four times as much on a line four times as long."""
    report = import_file("quotes.txt", _quotes(100_000), Options(dry_run=True))
    assert report.error or report.ok
    assert_linear(
        lambda data: import_file("quotes.txt", data, Options(dry_run=True)), _quotes, 25_000
    )


def test_a_body_past_the_markdown_limits_is_refused_unparsed(db, monkeypatch):
    """A body of 1,600 links fails its file with the limit named; it is never parsed."""

    def explode(*args, **kwargs):
        raise AssertionError("refused text was parsed")

    monkeypatch.setattr(markdown, "_parse", explode)
    body = "See [a source](https://a.example/). " * 1_600
    report = import_file("links.txt", f"A title\n\n{body}\n".encode(), Options())
    assert "1,600 “[” brackets" in report.error and "the limit is 1,500" in report.error
    assert "It passes the limit on line" in report.error
    assert counts() == [0, 0, 0, 0]


def test_too_many_faq_entries_is_a_clear_error(db, monkeypatch):
    """A file with more FAQ entries than an article holds fails with the count and the limit."""
    faqs = [ParsedFAQ(f"Question {n}?", f"Answer {n}.") for n in range(load.MAX_FAQS + 1)]
    parsed = ParsedDocument("A", "A title", "Body paragraph.", faqs=faqs)
    monkeypatch.setattr(load, "parse_document", lambda text: parsed)
    report = import_file("many.txt", b"A title\n\nBody paragraph.\n", Options())
    assert f"the file has {load.MAX_FAQS + 1} FAQ entries; at most {load.MAX_FAQS}" in report.error
    assert not Article.objects.exists() and not FAQEntry.objects.exists()


def test_an_unexpected_failure_fails_one_file_and_writes_nothing(db, seed_a, seed_b, monkeypatch):
    """Whatever goes wrong inside one file is reported on that file; the others import."""
    real = load.import_document

    def explode(name, doc, options, report):
        real(name, doc, options, report)  # writes, then fails: all of it must roll back
        if "000" in name:
            raise RuntimeError("boom")

    monkeypatch.setattr(load, "import_document", explode)
    first = import_file(seed_a.name, seed_a.read_bytes(), Options())
    second = import_file(seed_b.name, seed_b.read_bytes(), Options(title="A good one"))
    assert "could not be imported (RuntimeError); nothing of it was written" in first.error
    assert second.ok
    assert list(Article.objects.values_list("title", flat=True)) == ["A good one"]


def test_admin_upload_reports_an_unexpected_failure_without_a_500(
    db, client, editor, seed_a, monkeypatch
):
    """The admin import page answers 200 with a per-file error when a file fails oddly."""
    monkeypatch.setattr(load, "parse_document", lambda text: 1 / 0)
    client.force_login(editor)
    with seed_a.open("rb") as handle:
        response = client.post("/admin/articles/article/import/", {"files": [handle]})
    assert response.status_code == 200
    assert "could not be imported (ZeroDivisionError)" in response.text


# --- What a writer's import may set ------------------------------------------------------


@pytest.fixture
def backdated_export(db, make_article, author, tmp_path):
    """An export of a draft claiming a 2001 publication date and a reviewer."""
    reviewer = Author.objects.create(name="Dr Who Reviewed", slug="dr-who")
    article = make_article("Backdated")
    # As an older database holds it: a reviewer written straight onto the row.
    Article.objects.filter(pk=article.pk).update(
        reviewed_by=reviewer, last_reviewed=timezone.now().date()
    )
    document = json.loads(export())
    row = document["articles"][0]
    row["published_at"] = row["first_published_at"] = "2001-01-01T09:00:00+00:00"
    document["authors"] = document["topics"] = []  # writers may not change those: kept here
    path = tmp_path / "backdated.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    Article.objects.all().delete()
    return path


def test_a_writers_import_cannot_choose_publication_dates_or_a_reviewer(
    backdated_export, writer, editor
):
    """Dates and reviewer from a writer's file are dropped with a warning; publishing dates it."""
    out = run(backdated_export, "--user", writer.username)
    assert "publication dates not imported: only an editor may set them" in out
    assert "reviewed_by and last_reviewed not imported: only an editor may restore" in out
    article = Article.objects.get()
    assert article.published_at is None and article.reviewed_by is None
    article.submit_for_review(writer)
    article.publish(editor)
    article.refresh_from_db()
    assert article.published_at.year == timezone.now().year


def test_an_editors_import_keeps_the_reviewer(backdated_export, editor):
    """The same file imported by an editor keeps its reviewer."""
    run(backdated_export, "--user", editor.username)
    assert Article.objects.get().reviewed_by.slug == "dr-who"


def test_a_missing_hero_image_is_dropped_with_a_warning(db, make_article, editor, tmp_path, client):
    """An export naming an image that is not in storage imports without it, and the page works."""
    article = make_article("Pictured")
    document = json.loads(export())
    document["articles"][0]["hero_image"] = "articles/2001/01/gone.jpg"
    document["articles"][0]["hero_image_alt"] = "Gone"
    path = tmp_path / "image.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    wipe()
    out = run(path, "--user", editor.username)
    assert "hero image “articles/2001/01/gone.jpg” is not in the media storage; left out" in out
    assert not Article.objects.get(slug=article.slug).hero_image


def test_a_page_whose_image_file_is_gone_still_renders(published, client, editor):
    """A hero image removed from storage leaves a broken picture, not a 500, on page and preview."""
    Article.objects.filter(pk=published.pk).update(
        hero_image="articles/2001/01/gone.jpg", hero_image_alt="Gone"
    )
    assert client.get(published.get_absolute_url()).status_code == 200
    client.force_login(editor)
    assert client.get(f"/admin/articles/article/{published.pk}/preview/").status_code == 200


# --- Property: random damage to the real seed files -----------------------------------------

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
DAMAGE = st.sampled_from(
    ["\x00", "\x0b", "“", "”", '"', "{", "}", "[", "]", ",", ":", "\n", "\\",
     "===SCHEMA_JSON_START===", "===SCHEMA_JSON_END===", "## ", "- ", "FAQ\n", "\ufeff", "é",
     "<script>", "[" * 50, "{" * 80]
)  # fmt: skip


@st.composite
def damaged(draw, seeds):
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 40))
        text = text[:at] + draw(DAMAGE) * draw(st.integers(1, 30)) + text[at + cut :]
    if draw(st.booleans()):
        return text.encode("utf-8")
    return text.encode("utf-8")[: draw(st.integers(0, len(text)))]


@pytest.fixture(scope="module")
def seed_texts(seeds):
    return [path.read_text(encoding="utf-8") for path in sorted(seeds.glob("*.txt"))]


def test_damaged_seed_files_never_raise_hang_or_half_write(db, seed_texts):
    """Randomly damaged seeds: each import succeeds or writes nothing, and never raises."""

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=not os.environ.get("FUZZ"),
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(damaged(seed_texts), st.booleans())
    def check(data, force):
        before = counts()
        report = import_file("damaged.txt", data, Options(force=force, title="Fallback title"))
        if not report.ok:
            assert counts() == before, report.error
            assert report.error

    check()


def test_statuses_survive_a_clean_import(db, seed_a):
    """Sanity check for the property above: an undamaged seed imports as a draft."""
    assert import_file(seed_a.name, seed_a.read_bytes(), Options()).ok
    assert Article.objects.get().status == Status.DRAFT
