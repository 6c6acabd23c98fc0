"""The import_content command against the real seed files and broken copies of them."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management.base import CommandError

from articles.models import PLACEHOLDER_TITLE_PREFIX, Article, Author, Status, Topic, Transition
from articles.publishing.importing.formats import END, START
from articles.publishing.revisions import working_copy
from articles.publishing.workflow import InvalidTransition
from faq.models import FAQEntry

from .commands import run, run_failing

SEED_A = "000_2c3dcb79e5ffe5ba.txt"
SEED_B = "001_def938b7b7e15004.txt"
TITLE_A = "Strategies to Get Your Sex Back After Mental Health Challenges"
SLUG_A = "strategies-to-get-your-sex-back-after-mental-health-challenges"
SLUG_B = "untitled-001_def938b7b7e15004"
META_TITLE_A = "How to Get Your Sex Back: 2026 Guide to Reclaiming Intimacy"
META_DESCRIPTION_A = (
    "Learn evidence-led strategies to get your sex back after anxiety or depression. "
    "Discover somatic therapy and CBT techniques for 2026."
)
QUESTIONS_A = [
    "How can I get my sex back after starting antidepressants?",
    "What role does anxiety play in low sexual desire?",
    "Why is somatic therapy recommended for trauma-related intimacy issues?",
    "Can relationship counseling help with sexual dysfunction?",
    "How long does it take to see improvements in libido after starting therapy?",
]
BULLET = re.compile(r"^[–•-]\s+(.*)$")


def snapshot():
    """Everything an import could write, in a comparable form."""
    return {
        "articles": list(
            Article.objects.order_by("pk").values_list(
                "pk", "slug", "title", "body", "status", "updated_at"
            )
        ),
        "faqs": list(
            FAQEntry.objects.order_by("pk").values_list(
                "pk", "slug", "title", "answer", "order", "article_id", "updated_at"
            )
        ),
        "authors": Author.objects.count(),
        "topics": Topic.objects.count(),
        "transitions": Transition.objects.count(),
    }


def submit_and_publish(item, writer, editor):
    item.submit_for_review(writer)
    item.publish(editor)
    item.refresh_from_db()
    return item


# --- Seed 000 (format A) -------------------------------------------------------------------------


def test_seed_a_becomes_one_draft_article_with_the_file_fields(db, seed_a):
    """Seed 000 gives one draft article with its exact title, meta fields and keyword."""
    run(seed_a)
    article = Article.objects.get()
    assert article.status == Status.DRAFT
    assert (article.title, article.slug) == (TITLE_A, SLUG_A)
    assert article.meta_title == META_TITLE_A
    assert article.meta_description == META_DESCRIPTION_A
    assert article.focus_keyword == "sex back"


def test_seed_a_body_has_the_sections_and_no_faq(db, seed_a):
    """The body holds five section headings plus the conclusion, and none of the FAQ text."""
    run(seed_a)
    body = Article.objects.get().body
    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert len(headings) == 6
    assert headings[-1].startswith("## Conclusion")
    assert headings[0] == "## Understanding the Impact of Anxiety and Depression on Libido"
    for question in QUESTIONS_A:
        assert question not in body
    assert body.startswith("Maintaining a healthy intimate life")
    assert body.rstrip().endswith("reintegrating intimacy into your life.")


def test_seed_a_faq_entries_are_drafts_in_source_order(db, seed_a):
    """Exactly five FAQ drafts, linked to the article, ordered 1..5 as in the file."""
    run(seed_a)
    article = Article.objects.get()
    entries = list(FAQEntry.objects.order_by("order"))
    assert [(e.order, e.title) for e in entries] == list(enumerate(QUESTIONS_A, start=1))
    assert {e.article_id for e in entries} == {article.pk}
    assert {e.status for e in entries} == {Status.DRAFT}
    anxiety = entries[1].answer
    assert "This “fight or flight” state signals" in anxiety
    assert anxiety.endswith("biological “brakes” and allow desire to return.")


def test_seed_a_placeholders_are_not_taken_as_facts(db, seed_a):
    """The empty author and empty/placeholder dates leave author and published_at empty."""
    run(seed_a)
    article = Article.objects.get()
    assert article.author is None
    assert article.published_at is None
    assert article.first_published_at is None
    assert Author.objects.count() == 0
    assert not FAQEntry.objects.exclude(published_at=None).exists()


def test_seed_a_output_reports_creation_and_warnings(db, seed_a):
    """The output says created, the slug and 5 FAQ, and warns about the placeholders."""
    out = run(seed_a)
    assert f"{seed_a}: created article {SLUG_A} (5 FAQ)" in out
    assert "author.name is empty" in out
    assert "datePublished is empty" in out
    assert "1 of 1 file(s) imported, 0 failed." in out


# --- Seed 001 (format B) -------------------------------------------------------------------------


def test_seed_b_keeps_every_line_and_labels_the_bullets(db, seed_b):
    """Seed 001: nine `- **Label:**` items, and every other line of the file verbatim."""
    run(seed_b)
    body = Article.objects.get().body
    items = [line for line in body.splitlines() if line.startswith("- ")]
    assert len(items) == 9
    assert all(re.match(r"^- \*\*[^*]+:\*\* \S", item) for item in items)

    source = [line.strip() for line in seed_b.read_text(encoding="utf-8").splitlines()]
    bullets = [BULLET.match(line).group(1) for line in source if BULLET.match(line)]
    assert len(bullets) == 9
    for bullet, item in zip(bullets, items, strict=True):
        label, rest = bullet.split(": ", 1)
        assert item == f"- **{label}:** {rest}"
    for line in source:
        if line and not BULLET.match(line):
            assert line in body


def test_seed_b_gets_a_placeholder_title_and_a_warning(db, seed_b):
    """Without --title seed 001 gets the placeholder title, and the output says so."""
    out = run(seed_b)
    article = Article.objects.get()
    assert article.title.startswith(PLACEHOLDER_TITLE_PREFIX)
    assert article.has_placeholder_title
    assert article.slug == SLUG_B
    assert f"created article {SLUG_B} (0 FAQ)" in out
    assert "warning: the file has no title" in out
    assert article.title in out


def test_placeholder_title_blocks_publishing_until_an_editor_writes_one(
    db, seed_b, author, writer, editor
):
    """Publishing is refused for the placeholder title and allowed once a real one is set."""
    run(seed_b)
    article = Article.objects.get()
    article.author = author
    article.meta_description = "How depression and its treatment dampen desire, and what helps."
    article.save()
    article.submit_for_review(writer)
    with pytest.raises(InvalidTransition, match="untitled import: write a real title"):
        article.publish(editor)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW

    article.title = "Rekindling intimacy when depression gets in the way"
    article.save()
    article.publish(editor)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.published_at is not None


def test_title_option_names_an_untitled_file(db, seed_b):
    """--title gives the untitled file its title (and slug) and no placeholder warning."""
    out = run(seed_b, "--title", "X")
    article = Article.objects.get()
    assert (article.title, article.slug) == ("X", "x")
    assert "no title" not in out


def test_importing_again_with_the_title_updates_the_same_article(db, seed_b):
    """An untitled file imported, then again with --title, then again without, is one
    article: the title gives it its address, and the file still finds it."""
    run(seed_b)
    run(seed_b, "--title", "Desire and low mood")
    run(seed_b)
    article = Article.objects.get()
    assert (article.title, article.slug) == ("Desire and low mood", "desire-and-low-mood")


def test_title_option_with_two_files_is_refused(db, seed_a, seed_b):
    """--title with more than one file is a CommandError and imports nothing."""
    with pytest.raises(CommandError, match="--title"):
        run(seed_a, seed_b, "--title", "X")
    assert not Article.objects.exists()


# --- Folders, options, dry run -------------------------------------------------------------------


def test_folder_imports_both_seeds_in_order(db, seeds, seed_a, seed_b):
    """A folder imports its files sorted by name and reports 2 of 2."""
    out = run(seeds)
    assert out.index(SEED_A) < out.index(SEED_B)
    assert "2 of 2 file(s) imported" in out
    assert set(Article.objects.values_list("slug", flat=True)) == {SLUG_A, SLUG_B}
    assert FAQEntry.objects.count() == 5


def test_author_and_topic_options_are_applied(db, seed_a, author, topic):
    """--author and --topic set the article's author and topic; the FAQs get the topic."""
    run(seed_a, "--author", author.slug, "--topic", topic.slug)
    article = Article.objects.get()
    assert (article.author, article.topic) == (author, topic)
    assert set(FAQEntry.objects.values_list("topic", flat=True)) == {topic.pk}


@pytest.mark.parametrize("option", ["--author", "--topic", "--user"])
def test_unknown_slug_is_a_command_error_naming_the_option(db, seed_a, option):
    """An unknown slug/username stops the command before anything is written."""
    with pytest.raises(CommandError, match=f"^{option} nobody-here: no such"):
        run(seed_a, option, "nobody-here")
    assert not Article.objects.exists()


def test_missing_path_is_a_command_error(db, tmp_path):
    """A path that does not exist is named in the CommandError."""
    missing = tmp_path / "nope.txt"
    with pytest.raises(CommandError, match="no such file or folder"):
        run(missing)


@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing-draft"])
def test_dry_run_writes_nothing(db, seeds, seed_a, seed_b, existing):
    """--dry-run leaves the database as it was and reports what would happen."""
    if existing:
        run(seed_a)
    before = snapshot()
    out = run(seeds, "--dry-run")
    assert snapshot() == before
    assert f"would be {'updated' if existing else 'created'} article {SLUG_A} (5 FAQ)" in out
    assert f"would be created article {SLUG_B}" in out
    assert "2 of 2 file(s) checked, 0 failed. Dry run: nothing was written." in out


# --- Re-importing --------------------------------------------------------------------------------


def test_reimport_updates_the_same_draft(db, seed_a, topic):
    """A second import updates the draft in place: no duplicates, the file's body wins."""
    run(seed_a)
    article = Article.objects.get()
    original_body = article.body
    faq_pks = set(FAQEntry.objects.values_list("pk", flat=True))
    article.body = "An editor rewrote this."
    article.topic = topic  # not in the file, so it stays
    article.save()

    out = run(seed_a)
    assert f"updated article {SLUG_A} (5 FAQ)" in out
    assert Article.objects.count() == 1
    assert FAQEntry.objects.count() == 5
    assert set(FAQEntry.objects.values_list("pk", flat=True)) == faq_pks
    article = Article.objects.get()
    assert article.body == original_body
    assert article.topic == topic


def test_reimport_of_untitled_file_keeps_the_title_an_editor_wrote(db, seed_b):
    """Re-importing an untitled file does not put the placeholder back over a real title."""
    run(seed_b)
    article = Article.objects.get()
    article.title = "Rekindling intimacy when depression gets in the way"
    article.save()
    run(seed_b)
    article.refresh_from_db()
    assert Article.objects.count() == 1
    assert article.title == "Rekindling intimacy when depression gets in the way"
    assert not article.has_placeholder_title


@pytest.fixture
def published_a(db, seed_a, author, writer, editor):
    """Seed 000 imported, given an author, and published through the workflow."""
    run(seed_a)
    article = Article.objects.get()
    article.author = author
    article.body += "\n\nAn editor's closing line."
    article.save()
    return submit_and_publish(article, writer, editor)


def test_published_article_is_not_overwritten_without_force(published_a, seed_a):
    """Without --force a published article keeps its body and state; the output warns."""
    out = run(seed_a)
    article = Article.objects.get()
    assert article.status == Status.PUBLISHED
    assert article.body == published_a.body
    assert "not overwritten" in out
    assert f"skipped article {SLUG_A}" in out
    assert not Transition.objects.filter(action="unpublish").exists()


def test_force_imports_over_a_live_article_as_draft_changes(published_a, seed_a, editor):
    """--force saves the file as draft changes of the live article; readers keep the old text."""
    out = run(seed_a, "--force", "--user", editor.username)
    article = Article.objects.get()
    assert (article.live, article.status) == (True, Status.DRAFT)
    assert "An editor's closing line." in article.body  # the live row
    working = working_copy(article)
    assert "An editor's closing line." not in working.body
    assert working.body.rstrip().endswith("reintegrating intimacy into your life.")
    revision = article.revisions().first()
    assert (revision.kind, revision.user) == ("import", editor)
    assert not article.transitions().filter(action="unpublish").exists()
    assert f"updated article {SLUG_A} (5 FAQ)" in out
    assert "imported as draft changes; the live page is unchanged" in out
    assert FAQEntry.objects.count() == 5


def test_dry_run_with_force_leaves_the_published_article_live(published_a, seed_a, editor):
    """--dry-run --force reports the update but the article stays published and unlogged."""
    before = snapshot()
    out = run(seed_a, "--force", "--user", editor.username, "--dry-run")
    assert snapshot() == before
    assert f"would be updated article {SLUG_A} (5 FAQ)" in out
    assert Article.objects.get().status == Status.PUBLISHED
    assert not Transition.objects.filter(action="unpublish").exists()


def test_force_over_an_item_in_review_needs_an_editor(db, seed_a, writer):
    """--force on an article in review needs --user with an editor's say; nothing changes."""
    run(seed_a)
    Article.objects.get().submit_for_review(writer)
    before = snapshot()
    out, error = run_failing(seed_a, "--force")
    assert snapshot() == before
    assert "FAILED" in out
    assert "--user" in out
    assert "0 of 1 file(s) imported, 1 failed." in error


# --- Malformed input -----------------------------------------------------------------------------


def _line_of(text, predicate):
    return next(n for n, line in enumerate(text.split("\n"), 1) if predicate(line))


def _schema_cut_off(text):
    return text[: text.index(END)], _line_of(text, lambda line: line.strip() == START)


def _schema_key_without_colon(text):
    broken = text.replace("“meta_title”:", "“meta_title”", 1)
    return broken, _line_of(text, lambda line: line.startswith("“meta_title”:"))


def _leading_json_garbage(text):
    broken = text.replace("“@type”: “FAQPage”,", "“@type”: {{{ “FAQPage”,", 1)
    return broken, _line_of(text, lambda line: "“FAQPage”" in line)


def _latin1(text):
    return "Caf\xe9 au lait\n".encode("latin-1"), 1


def _empty(text):
    return "", 1


def _body_missing(text):
    lines = text.split("\n")
    title = lines.index(TITLE_A)
    first_question = lines.index(QUESTIONS_A[0])
    broken = "\n".join(lines[: title + 1] + [""] + lines[first_question:])
    return broken, title + 2


MALFORMED = {
    "schema-not-terminated": (_schema_cut_off, "not terminated"),
    "schema-json-missing-colon": (_schema_key_without_colon, "invalid JSON in the schema block"),
    "leading-json-garbage": (_leading_json_garbage, "invalid JSON in the leading JSON"),
    "latin-1": (_latin1, "UTF-8"),
    "empty": (_empty, "file is empty"),
    "body-missing": (_body_missing, "no body text"),
}


def write_malformed(case, seed_a, folder):
    make, _ = MALFORMED[case]
    content, line = make(seed_a.read_text(encoding="utf-8"))
    path = folder / f"{case}.txt"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path, line


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_file_fails_with_file_and_line_and_writes_nothing(db, seed_a, tmp_path, case):
    """Each broken file fails the command with file name and line, and changes nothing."""
    run(seed_a)  # an existing draft with the same title must survive untouched
    before = snapshot()
    path, line = write_malformed(case, seed_a, tmp_path)
    out, error = run_failing(path)
    assert snapshot() == before
    head = next(row for row in out.splitlines() if row.startswith(str(path)))
    assert head.startswith(f"{path}: FAILED: line {line}: ")
    assert MALFORMED[case][1] in head
    assert "0 of 1 file(s) imported, 1 failed." in error
    assert "Traceback" not in out + error


def test_failure_after_rows_are_written_rolls_back_the_whole_file(db, seed_a, tmp_path):
    """A FAQ that fails validation after the article row was saved leaves no partial rows."""
    long_question = "Is this question far too long to be stored " + "really " * 40 + "?"
    path = tmp_path / "long-question.txt"
    text = seed_a.read_text(encoding="utf-8").replace(QUESTIONS_A[2], long_question)
    path.write_text(text, encoding="utf-8")
    out, _ = run_failing(path)
    assert f"{path}: FAILED: FAQ entry “Is this question far too long" in out
    assert "question: Ensure this value has at most 300 characters" in out
    assert not Article.objects.exists()
    assert not FAQEntry.objects.exists()


def test_good_and_bad_file_import_the_good_one_and_fail(db, seed_a, seed_b, tmp_path):
    """One bad file does not stop the good one, but the command still fails."""
    bad, _ = write_malformed("empty", seed_a, tmp_path)
    out, error = run_failing(seed_b, bad)
    assert Article.objects.get().slug == SLUG_B
    assert f"{seed_b}: created article {SLUG_B}" in out
    assert f"{bad}: FAILED: line 1: file is empty" in out
    assert "1 of 2 file(s) imported, 1 failed." in error


def test_command_line_exit_status_and_no_traceback(db, seed_a, tmp_path):
    """Run as a process, malformed files exit non-zero with CommandError and no traceback."""
    folder = tmp_path / "broken"
    folder.mkdir()
    expected = [write_malformed(case, seed_a, folder) for case in MALFORMED]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    cwd = settings.BASE_DIR
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=cwd, check=True)  # noqa: S603
    result = subprocess.run(  # noqa: S603
        [*manage, "import_content", str(folder)], env=env, cwd=cwd, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert f"CommandError: 0 of {len(MALFORMED)} file(s) imported" in result.stderr
    for path, line in expected:
        assert f"{path}: FAILED: line {line}: " in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_an_unclosed_script_in_an_imported_body_fails_the_file_with_its_line(db, seed_b, tmp_path):
    """A body that the sanitizer would cut short is refused, naming the tag and line."""
    path = tmp_path / "unclosed.txt"
    path.write_text(
        seed_b.read_text(encoding="utf-8") + "\n<script>\nThe closing paragraph.\n",
        encoding="utf-8",
    )
    out, error = run_failing(path)
    assert f"{path}: FAILED: " in out
    assert "A <script> tag opened on line" in out and "is never closed" in out
    assert not Article.objects.exists()


def test_an_untitled_import_takes_its_address_from_its_first_title(db, seed_b, author, editor):
    """Once an editor titles it, the draft's placeholder address gives way to the title's."""
    run(seed_b)
    article = Article.objects.get()
    assert article.slug == SLUG_B
    article.title = "Rekindling intimacy when depression gets in the way"
    article.save(user=editor)
    article.refresh_from_db()
    assert article.slug == "rekindling-intimacy-when-depression-gets-in-the-way"
    assert working_copy(article).slug == article.slug
