"""export_content and restoring its JSON document with import_content."""

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Author, Topic, Transition
from faq.models import FAQEntry

from .commands import run, run_failing

VOLATILE = {"exported_at", "created_at", "updated_at"}


def export(*args):
    out = io.StringIO()
    call_command("export_content", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def strip_volatile(value):
    if isinstance(value, dict):
        return {k: strip_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [strip_volatile(v) for v in value]
    return value


def wipe():
    """Simulate an empty database for content (users and groups stay)."""
    FAQEntry.objects.all().delete()
    Article.objects.all().delete()
    Author.objects.all().delete()
    Topic.objects.all().delete()
    Transition.objects.all().delete()


def states():
    return {
        **{
            ("article", a.slug): (a.status, a.published_at, a.first_published_at)
            for a in Article.objects.all()
        },
        **{
            ("faq", f.slug): (f.status, f.published_at, f.first_published_at)
            for f in FAQEntry.objects.all()
        },
    }


@pytest.fixture
def content(author, topic, make_article, make_faq, publish, writer, editor):
    """Authors, topics, articles and FAQs in every state, with SEO and review fields."""
    reviewer = Author.objects.create(
        name="Dr Rhea Viewer",
        slug="rhea-viewer",
        job_title="Psychiatrist, MRCPsych",
        bio="Checks facts.",
        website="https://rhea.example.test",
        same_as="https://orcid.example.test/1\nhttps://register.example.test/2",
    )
    stress = Topic.objects.create(name="Stress", slug="stress", description="")

    draft = make_article("Draft piece", topic=stress, focus_keyword="draft")
    in_review = make_article("Under review", meta_title="Review meta", author=reviewer)
    in_review.submit_for_review(writer)
    live = make_article(
        "Live piece",
        summary="Live summary.",
        meta_title="Live piece: the meta title",
        meta_description="What the live piece says, in one sentence.",
        focus_keyword="live piece",
        canonical_url="https://elsewhere.example.test/live/",
        noindex=True,
        reviewed_by=reviewer,
        last_reviewed=datetime.date(2025, 3, 14),
        hero_image_alt="",
    )
    publish(live)
    retired = publish(make_article("Retired piece", topic=None))
    retired.unpublish(editor)  # draft again, but with its publication dates kept
    publish(make_article("Scheduled piece"), at=timezone.now() + datetime.timedelta(days=7))

    publish(make_faq("Live question?", "Live answer.", article=live, order=1, topic=topic))
    make_faq("Draft question?", "Draft answer.", article=live, order=2)
    make_faq("Review question?", "Review answer.", article=draft).submit_for_review(writer)
    publish(
        make_faq(
            "Standalone question?",
            "Standalone answer.",
            topic=stress,
            meta_description="A standalone FAQ.",
        )
    )
    return {"draft": draft, "in_review": in_review, "live": live, "retired": retired}


def test_export_document_header(db, content):
    """The export says what it is: format editorial-export, version 3 (exact restore)."""
    document = json.loads(export())
    assert document["format"] == "editorial-export"
    assert document["version"] == 3
    assert {len(document[key]) for key in ("authors", "topics")} == {2}
    assert len(document["articles"]) == 5
    assert len(document["faqs"]) == 4


def test_round_trip_reproduces_the_export(db, content, editor, tmp_path):
    """Export, wipe, restore with --user, export again: the documents are the same."""
    before_states = states()
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    export("--output", str(a))
    wipe()
    assert not Article.objects.exists() and not Author.objects.exists()

    out = run(a, "--user", editor.username)
    assert "1 of 1 file(s) imported, 0 failed." in out
    export("--output", str(b))

    first = json.loads(a.read_text(encoding="utf-8"))
    second = json.loads(b.read_text(encoding="utf-8"))
    assert strip_volatile(second) == strip_volatile(first)
    assert states() == before_states


def test_restore_keeps_the_history_as_it_was(db, content, writer, editor, tmp_path):
    """Restored items keep their own log (who, what, when) and revisions, not a replay."""
    live = content["live"]
    log_before = [(t.action, t.user, t.note, t.created_at) for t in live.transitions()]
    revisions_before = [(r.content, r.user, r.kind, r.created_at) for r in live.revisions()]
    a = tmp_path / "a.json"
    export("--output", str(a))
    wipe()
    run(a, "--user", editor.username)
    restored = Article.objects.get(slug=live.slug)
    assert [(t.action, t.user, t.note, t.created_at) for t in restored.transitions()] == log_before
    assert ("submit", writer) in [(t.action, t.user) for t in restored.transitions()]
    after = [(r.user, r.kind, r.created_at) for r in restored.revisions()]
    assert after == [(user, kind, when) for _, user, kind, when in revisions_before]
    assert not Transition.objects.filter(note="Restored from an export.").exists()
    assert not Article.objects.get(slug=content["draft"].slug).transitions().exists()


def test_round_trip_keeps_dates_history_pages_and_the_live_version(
    db, content, editor, client, tmp_path
):
    """After export, wipe and restore, dates, the history page and the live page are the same."""
    live = content["live"]
    live.summary = "Draft changes waiting for review."
    live.save(user=editor)
    client.force_login(editor)

    def snapshot():
        article = Article.objects.get(slug=live.slug)
        history = client.get(f"/admin/articles/article/{article.pk}/history/").text
        rows = re.findall(r'<tr class="history-[a-z]+">.*?</tr>', history, re.S)
        ids = r"Revision \d+|/\d+/|from=\d+|to=\d+|name=\"csrfmiddlewaretoken\" value=\"\w+\""
        rows = [re.sub(ids, "#", row) for row in rows]
        page = client.get(article.get_absolute_url()).text
        dates = (article.created_at, article.updated_at, article.published_at)
        return (
            rows,
            page.count("Draft changes waiting"),
            "Live summary." in page,
            dates,
            (article.state_label()),
        )

    before = snapshot()
    a = tmp_path / "a.json"
    export("--output", str(a))
    wipe()
    run(a, "--user", editor.username)
    assert snapshot() == before
    assert before[1] == 0 and before[2] and before[4] == "Live · draft changes"


def test_version_1_export_still_restores_through_the_workflow(db, content, editor, tmp_path):
    """A document from before history was exported restores, its states replayed and logged."""
    document = json.loads(export())
    document["version"] = 1
    for row in document["articles"] + document["faqs"]:
        if row["live"]:
            row["status"] = "published"  # version 1 had no draft changes to live pages
        for key in ("live", "revisions", "transitions", "latest_revision", "live_revision"):
            row.pop(key)
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    wipe()
    run(path, "--user", editor.username)
    live = Article.objects.get(slug=content["live"].slug)
    moves = [(t.action, t.user, t.note) for t in live.transitions()]
    assert ("submit", editor, "Restored from an export.") in moves
    assert ("publish", editor, "Restored from an export.") in moves
    assert Article.objects.published().filter(slug=live.slug).exists()


def test_export_status_filter(db, content):
    """--status published exports only live articles and FAQ entries, draft changes or not."""
    document = json.loads(export("--status", "published"))
    published_articles = set(Article.objects.filter(live=True).values_list("slug", flat=True))
    published_faqs = set(FAQEntry.objects.filter(live=True).values_list("slug", flat=True))
    assert {row["slug"] for row in document["articles"]} == published_articles
    assert {row["slug"] for row in document["faqs"]} == published_faqs
    assert {row["live"] for row in document["articles"] + document["faqs"]} == {True}
    assert len(published_articles) == 2 and len(published_faqs) == 2


def test_restoring_published_items_without_user_fails_and_writes_nothing(db, content, tmp_path):
    """Without --user the published items cannot be restored, so nothing of the file is."""
    a = tmp_path / "a.json"
    export("--output", str(a))
    wipe()
    out, error = run_failing(a)
    assert f"{a}: FAILED:" in out
    assert "--user" in out
    assert "0 of 1 file(s) imported, 1 failed." in error
    assert not Author.objects.exists()
    assert not Topic.objects.exists()
    assert not Article.objects.exists()
    assert not FAQEntry.objects.exists()
    assert not Transition.objects.exists()


def test_truncated_export_fails_with_a_line_number(db, content, editor, tmp_path):
    """A cut-off export file is reported as invalid JSON at the line where it ends."""
    text = export()
    cut = text[: len(text) // 2]
    path = tmp_path / "cut.json"
    path.write_text(cut, encoding="utf-8")
    with pytest.raises(json.JSONDecodeError) as decode_error:
        json.loads(cut)
    wipe()
    out, _ = run_failing(path, "--user", editor.username)
    assert f"{path}: FAILED: line {decode_error.value.lineno}: export file is not valid JSON" in out
    assert not Author.objects.exists() and not Article.objects.exists()


def test_unknown_export_version_fails_clearly(db, content, editor, tmp_path):
    """An export with a version this code does not know is refused and writes nothing."""
    document = json.loads(export())
    document["version"] = 99
    path = tmp_path / "v99.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    wipe()
    out, _ = run_failing(path, "--user", editor.username)
    assert f"{path}: FAILED: export version 99 is not supported" in out
    assert not Author.objects.exists() and not Article.objects.exists()


def test_export_saved_with_a_byte_order_mark_restores(db, content, editor, tmp_path):
    """An export re-saved with a UTF-8 BOM (as Windows editors do) still restores."""
    text = export()
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    before = states()
    wipe()
    out = run(path, "--user", editor.username)
    assert "1 of 1 file(s) imported, 0 failed." in out
    assert states() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("published_at", "2025-13-45T10:00:00+00:00"),
        ("published_at", "last Tuesday"),
        ("last_reviewed", "2025-02-30"),
    ],
)
def test_bad_date_in_export_fails_the_file_cleanly(db, content, editor, tmp_path, field, value):
    """A malformed date is reported as a failure naming the field, not a traceback or a loss."""
    document = json.loads(export())
    row = next(r for r in document["articles"] if r["slug"] == content["live"].slug)
    row[field] = value
    path = tmp_path / "bad-date.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    wipe()
    out, error = run_failing(path, "--user", editor.username)
    assert f"{path}: FAILED:" in out
    assert field in out
    assert "0 of 1 file(s) imported, 1 failed." in error
    assert not Author.objects.exists() and not Article.objects.exists()
