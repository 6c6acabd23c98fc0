"""The workflow service: who may make which move, and what each move records."""

import pytest
from django.core.exceptions import PermissionDenied

from articles.models import Status, Transition
from articles.publishing.workflow import InvalidTransition


def test_writer_submits_and_the_log_records_it(draft, writer):
    """Submitting moves a draft to review and logs user, states and note."""
    log = draft.submit_for_review(writer, note="Ready")
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert (log.from_status, log.to_status, log.user, log.note) == (
        Status.DRAFT, Status.IN_REVIEW, writer, "Ready"
    )
    assert list(draft.transitions()) == [log]


def test_writer_cannot_publish(draft, writer):
    """A writer is refused publishing even from review, and nothing changes."""
    draft.submit_for_review(writer)
    with pytest.raises(PermissionDenied):
        draft.publish(writer)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert Transition.objects.count() == 1


def test_editor_publishes_and_dates_are_set(draft, writer, editor):
    """Publishing sets published_at and first_published_at."""
    draft.submit_for_review(writer)
    draft.publish(editor)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at is not None
    assert draft.first_published_at == draft.published_at


def test_publish_from_draft_is_invalid(draft, editor):
    """Skipping review is refused with a clear error."""
    with pytest.raises(InvalidTransition, match="only items that are in review"):
        draft.publish(editor)
