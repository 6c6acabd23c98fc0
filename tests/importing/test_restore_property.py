"""Random sites, taken through the workflow, come back equal from export and import."""

import datetime
import io
import json
import os

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Topic
from articles.publishing.models import Comment
from faq.models import FAQEntry

from .snapshot import snapshot, wipe
from .test_exact_restore import export

STATES = ["draft", "in_review", "published", "withdrawn", "scheduled", "changed_after"]
# Words, Markdown's own marks, other scripts and the characters people paste.
TEXT = st.lists(
    st.sampled_from([*"abc xyz ÄéßЖ汉 -*#_[]()!?.,'\"“”\n", "**", "## ", "- "]), max_size=40
).map("".join)
TITLE = st.text(
    alphabet=st.sampled_from(list("Sleep worry calm ÄéЖ?-")), min_size=1, max_size=30
).filter(str.strip)  # a title the form would take

ITEM = st.fixed_dictionaries(
    {
        "title": TITLE,
        "body": TEXT,
        "health": st.booleans(),
        "medical_review": st.booleans(),
        "state": st.sampled_from(STATES),
        "faqs": st.lists(st.tuples(TITLE, TEXT), max_size=2),
        "comments": st.lists(TEXT.filter(str.strip), max_size=2),
        "standalone": st.sampled_from([None, *STATES[:3]]),
    }
)


def _restore(file, user):
    """The import's report, also when it fails: the failure is what the example shows."""
    out = io.StringIO()
    try:
        call_command("import_content", str(file), "--user", user.username, stdout=out)
    except CommandError:
        pass
    return out.getvalue()


class _Undo(Exception):
    pass


def _build(items, writer, editor, clinician, topic, author):
    health = Topic.objects.create(name="Health", slug="health", medical=True, review_interval=9)
    for number, item in enumerate(items):
        article = Article(
            title=item["title"],
            body=item["body"] if item["body"].strip() else "Text.",  # the form needs one
            summary="A summary.",
            meta_description="What it covers.",
            topic=health if item["health"] else topic,
            author=author,
            medical_review=item["medical_review"],
        )
        article.save(user=writer)
        for order, (question, answer) in enumerate(item["faqs"]):
            answer = answer if answer.strip() else "Yes."
            entry = FAQEntry(title=question, answer=answer, article=article, order=order)
            entry.save(user=writer)
        _move(article, item["state"], writer, editor, clinician)
        for text in item["comments"]:
            Comment.objects.create(
                content_type_id=_content_type(article), object_id=article.pk, user=editor, text=text
            )
        if item["standalone"]:
            entry = FAQEntry(title=f"{item['title']} {number}?", answer="Often.", topic=health)
            entry.save(user=writer)
            _move(entry, item["standalone"], writer, editor, clinician)


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def _move(item, state, writer, editor, clinician):
    if state == "draft":
        return
    item.submit_for_review(writer)
    if state == "in_review":
        return
    if item.needs_medical_review():
        item.sign_off(clinician)
    later = timezone.now() + datetime.timedelta(days=3)
    item.publish(editor, at=later if state == "scheduled" else None)
    item.refresh_from_db()
    if state == "withdrawn":
        item.unpublish(editor)
    elif state == "changed_after":
        item.meta_description = "Changed after publication."
        item.save(user=writer)


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 20)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(items=st.lists(ITEM, min_size=1, max_size=3))
def test_random_sites_come_back_equal(
    items, db, writer, editor, clinician, topic, author, restorer, tmp_path
):
    """Any mix of states, health flags, parts and comments restores field for field."""
    try:
        with transaction.atomic():
            _build(items, writer, editor, clinician, topic, author)
            before, document = snapshot(), export()
            file = tmp_path / "backup.json"
            file.write_text(json.dumps(document), encoding="utf-8")
            wipe(keep=restorer)
            out = _restore(file, restorer)
            assert "0 failed" in out, out
            assert snapshot() == before
            assert export() == document
            raise _Undo  # each example starts from the same empty site
    except _Undo:
        pass
