"""The one service function that moves content between states.

The admin, bulk actions, management commands and model methods all call
``transition()``, so the permission check, the dates and the log cannot drift apart.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .models import Status, Transition


class InvalidTransition(Exception):
    """The move is not possible from the item's current state, or the item is not ready."""


@dataclass(frozen=True)
class Move:
    action: str
    label: str
    source: str
    target: str
    needs_note: bool = False


TRANSITIONS = {
    move.action: move
    for move in (
        Move("submit", "Submit for review", Status.DRAFT, Status.IN_REVIEW),
        Move("publish", "Publish", Status.IN_REVIEW, Status.PUBLISHED),
        Move("request_changes", "Request changes", Status.IN_REVIEW, Status.DRAFT, needs_note=True),
        Move("unpublish", "Unpublish", Status.PUBLISHED, Status.DRAFT),
    )
}


def permission_name(model, action):
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def can_transition(user, obj, action):
    """Whether the user holds the permission for this action on this kind of item."""
    return action in TRANSITIONS and user.has_perm(permission_name(type(obj), action))


def available_transitions(user, obj):
    """The moves this user may make from the item's current state."""
    return [
        move
        for move in TRANSITIONS.values()
        if move.source == obj.status and can_transition(user, obj, move.action)
    ]


def transition(obj, action, user, note=""):
    """Move ``obj`` by ``action`` on behalf of ``user`` and log it; all or nothing."""
    move = TRANSITIONS.get(action)
    if move is None:
        raise InvalidTransition(
            f"Unknown action “{action}”. Choose one of: {', '.join(TRANSITIONS)}."
        )
    if user is None or not can_transition(user, obj, action):
        raise PermissionDenied(f"You do not have permission to {move.label.lower()} this item.")
    note = (note or "").strip()
    if move.needs_note and not note:
        raise InvalidTransition(f"{move.label} needs a note saying what should change.")

    model = type(obj)
    with transaction.atomic():
        # Lock the row so two editors cannot both act on the same state.
        current = model._default_manager.select_for_update().get(pk=obj.pk)
        if current.status != move.source:
            raise InvalidTransition(
                f"Cannot {move.label.lower()} “{current}”: it is "
                f"{current.get_status_display().lower()}, and only items that are "
                f"{Status(move.source).label.lower()} can be moved this way."
            )
        if move.target == Status.PUBLISHED:
            problems = current.publication_problems()
            if problems:
                raise InvalidTransition(f"Cannot publish “{current}”: " + " ".join(problems))

        now = timezone.now()
        fields = {"status": move.target}
        if move.target == Status.PUBLISHED:
            # A date already set (in the future) schedules; otherwise it goes live now.
            fields["published_at"] = current.published_at or now
            fields["first_published_at"] = current.first_published_at or fields["published_at"]
        model._default_manager.filter(pk=obj.pk).update(updated_at=now, **fields)
        for name, value in {**fields, "updated_at": now}.items():
            setattr(obj, name, value)

        log = Transition.objects.create(
            content_type_id=_content_type_id(obj),
            object_id=obj.pk,
            object_repr=str(current)[:200],
            action=action,
            from_status=move.source,
            to_status=move.target,
            user=user,
            note=note,
            created_at=now,
        )
        # Parts shown on the item's page (an article's FAQ entries) travel with it, each
        # checked and logged in its own right; one refusal undoes the whole move.
        for child in current.workflow_children().filter(status=move.source):
            if move.target == Status.PUBLISHED and child.published_at is None:
                child.published_at = fields["published_at"]  # live with the parent, not before
                type(child)._default_manager.filter(pk=child.pk).update(
                    published_at=child.published_at
                )
            transition(child, action, user, note=f"With “{current}”. {note}".strip())
        return log


def _content_type_id(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk
