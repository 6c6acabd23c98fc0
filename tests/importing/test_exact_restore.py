"""Export, restore into an empty database, and every exported field comes back as it was."""

import datetime
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.redirects.models import Redirect
from django.core.files.base import ContentFile
from django.core.management import call_command
from PIL import Image

from articles.models import Article, Author, Topic
from articles.models import Image as LibraryImage
from articles.publishing import reminders
from articles.publishing.models import Comment, ReviewReminder
from articles.publishing.roles import EDITOR
from faq.models import FAQEntry
from tests.conftest import make_user

from .commands import run
from .snapshot import snapshot, unset_fields, wipe


def export():
    out = io.StringIO()
    call_command("export_content", stdout=out, stderr=io.StringIO())
    document = json.loads(out.getvalue())
    document.pop("exported_at")
    return document


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (40, 120, 90)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue())


@pytest.fixture
def whole_site(db, writer, editor, clinician, topic, make_article, make_faq, publish_reviewed):
    """A site using every field: health topics, sign-offs, comments, reminders, redirects."""
    for person, (first, last) in {
        writer: ("Wendy", "Writer"), editor: ("Eddie", "Editor"), clinician: ("Rita", "Review"),
    }.items():  # fmt: skip
        person.first_name, person.last_name = first, last
        person.email = f"{person.username}@example.test"
        person.save()
    make_user("gone", EDITOR, is_active=False, first_name="Former", email="gone@example.test")
    anxiety = Topic.objects.create(
        name="Anxiety", slug="anxiety", description="Worry.", medical=True, review_interval=6
    )
    Author.objects.filter(slug="dr-rita-review").update(
        bio="GP.", website="https://rita.example.test", same_as="https://register.example.test/1"
    )
    library = LibraryImage(
        alt="A window at night", caption="Rest comes slowly.", credit="Ann Lens",
        licence="CC BY 4.0", focal_x=0.25, focal_y=0.75,
    )  # fmt: skip
    library.file.save("window.jpg", jpeg(), save=False)
    library.save()
    live = make_article(
        "Calming a racing mind",
        hero=library,
        user=writer,
        topic=anxiety,
        focus_keyword="racing mind",
        cornerstone=True,
        meta_title="Calming a racing mind: what helps",
        canonical_url="https://elsewhere.example.test/racing/",
        noindex=True,
        # Seasonal: it comes down on its own (and its question with it).
        expires_at=datetime.datetime(2031, 3, 31, 23, 59, tzinfo=datetime.UTC),
        hero_image_alt="A quiet room",
        body=f"Breathe out slowly.[^1]\n\n![](image:{library.pk})\n\n## What helps\n\nA walk.",
        sources=[{"title": "A trial", "url": "https://doi.example.test/1"}],
    )
    live.hero_image.save("room.jpg", jpeg(), save=False)
    live.save(user=writer)
    make_faq("Does it pass?", "Usually.", user=writer, article=live, order=3)
    live = publish_reviewed(live, note="Checked the trial.")
    # Moved after publication: the old address answers 301 from now on.
    live.slug = "racing-mind"
    live.save(user=writer)
    live = publish_reviewed(Article.objects.get(pk=live.pk))
    standalone = make_faq(
        "Is worry normal?", "Yes.", user=writer, topic=anxiety, order=1,
        meta_title="Is worry normal?", meta_description="Yes, and here is why.",
        focus_keyword="worry", canonical_url="https://elsewhere.example.test/worry/",
        noindex=True, medical_review=True, review_interval=2,
        expires_at=datetime.datetime(2030, 1, 1, 9, 0, tzinfo=datetime.UTC),
    )  # fmt: skip
    publish_reviewed(standalone)

    draft = make_article("Sleep and worry", user=writer, medical_review=True, review_interval=3)
    # Two people on one draft: the editor's save, made over the writer's, names its base.
    base = draft.latest_revision_id
    draft.summary = "The writer's summary."
    draft.save(user=writer)
    draft.summary = "The editor's summary."
    draft.save(user=editor, base=base, overwrite=draft.latest_revision_id, message="Kept mine.")
    on_draft = {"content_type": ContentType.objects.get_for_model(draft), "object_id": draft.pk}
    question = Comment.objects.create(
        **on_draft, user=editor, field="summary", text="Shorter, please?"
    )
    Comment.objects.create(
        **on_draft, user=writer, parent=question, text="Done.",
        resolved_at=question.created_at + datetime.timedelta(hours=1), resolved_by=editor,
    )  # fmt: skip
    reminders.send(live.review_due)
    # In the trash, restorable: it travels with its date and its history.
    make_article("Superseded advice", user=writer).move_to_trash(editor, note="Replaced.")
    make_faq("Is the old advice right?", "No.", user=writer).move_to_trash(editor)
    assert ReviewReminder.objects.exists() and Redirect.objects.exists()
    return live


def test_the_site_uses_every_exported_field(whole_site):
    """Each exported field holds a value somewhere, so the restore below proves it travels."""
    assert unset_fields(snapshot()) == []


def test_a_restore_into_an_empty_database_is_exact(whole_site, restorer, tmp_path):
    """Accounts, health flags, owners, reviews, history, comments, reminders and redirects."""
    before, document = snapshot(), export()
    wipe(keep=restorer)
    assert not Article.objects.exists() and not Group.objects.get(name=EDITOR).user_set.exists()
    file = tmp_path / "backup.json"
    file.write_text(json.dumps({**document, "exported_at": "2026-01-01T00:00:00+00:00"}))
    out = run(file, "--user", restorer.username)
    assert "1 of 1 file(s) imported, 0 failed." in out
    assert snapshot() == before
    assert export() == document


def test_the_restored_health_page_is_reviewed_and_moved(whole_site, restorer, client, tmp_path):
    """The restored page is health content with its reviewer, and its old address redirects."""
    old_path = Redirect.objects.get().old_path
    file = tmp_path / "backup.json"
    file.write_text(json.dumps(export()), encoding="utf-8")
    wipe(keep=restorer)
    run(file, "--user", restorer.username)
    page = client.get("/articles/racing-mind/")
    assert page.status_code == 200
    assert b"MedicalWebPage" in page.content and b"Dr Rita Review" in page.content
    assert client.get(old_path).status_code == 301
    restored = Article.objects.get(slug="racing-mind")
    assert restored.needs_medical_review() and restored.owner.username == "wendy"
    assert FAQEntry.objects.get(slug="is-worry-normal").reviewed_by.slug == "dr-rita-review"


def test_a_writers_restore_adds_no_accounts_and_no_redirects(whole_site, writer, tmp_path):
    """Accounts and redirects need their own permissions; a writer's file is told so."""
    file = tmp_path / "backup.json"
    document = export()
    document["people"].append({"username": "new-person", "email": "n@example.test"})
    document["authors"] = document["topics"] = []  # writers may not change those
    file.write_text(json.dumps(document), encoding="utf-8")
    Redirect.objects.all().delete()
    out = run(file, "--user", writer.username)
    assert "no account “new-person” here, and you may not add accounts" in out
    assert "redirects not imported: you may not add redirects" in out
    assert not Redirect.objects.exists()


def test_a_backup_over_the_forms_limit_restores_from_the_command_line(
    whole_site, restorer, tmp_path
):
    """The 2 MB limit is the upload form's: a site's backup is bigger, and still restores."""
    from articles.publishing.importing.load import MAX_FILE_BYTES

    document = export()
    document["note"] = "x" * MAX_FILE_BYTES  # what a large site's history weighs
    file = tmp_path / "backup.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    wipe(keep=restorer)
    assert "1 of 1 file(s) imported, 0 failed." in run(file, "--user", restorer.username)
    assert Article.objects.filter(slug="racing-mind", live=True).exists()


def test_library_images_come_back_with_the_hero_and_body_pointing_at_them(
    whole_site, restorer, tmp_path
):
    """Restored images get new ids here; the hero and the body's picture follow them."""
    document = export()
    (row,) = [row for row in document["articles"] if row["slug"] == "racing-mind"]
    assert f"(image:{document['images'][0]['file']})" in row["body"]
    file = tmp_path / "backup.json"
    file.write_text(json.dumps(document), encoding="utf-8")
    wipe(keep=restorer)
    LibraryImage.objects.create(file="library/other.jpg", alt="Other", licence="CC0")
    run(file, "--user", restorer.username)
    restored = Article.objects.get(slug="racing-mind")
    image = LibraryImage.objects.get(file=document["images"][0]["file"])
    assert restored.hero == image and (image.focal_x, image.focal_y) == (0.25, 0.75)
    assert f"(image:{image.pk})" in restored.body
    assert '<figure class="body-image">' in restored.body_html
    assert image.renditions["widths"]
