"""The one service function that moves content between states.

The admin, bulk actions, management commands and model methods all call
``transition()``, so the permission check, the dates and the log cannot drift apart.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from . import notify, pagecache, redirects, review
from .models import Revision, Status, Transition


class InvalidTransition(Exception):
    """The move is not possible from the item's current state, or the item is not ready."""


@dataclass(frozen=True)
class Move:
    action: str
    label: str
    source: str
    # None leaves the state as it is (a sign-off).
    target: str | None
    needs_note: bool = False
    # Internal moves are made by the system (a save), never offered as a button.
    internal: bool = False
    # Taking a page down applies to a live item whatever state its draft changes are in.
    needs_live: bool = False
    # The permission checked; by default the action's own.
    permission: str = ""
    # Further states it may be made from.
    also_from: tuple = ()
    # Whether the item's parts (an article's FAQ entries) make the move with it.
    cascades: bool = True
    # Only for content types that are signed off by medical reviewers.
    needs_sign_off: bool = False

    def applies_to(self, item):
        if self.needs_sign_off and not item.takes_sign_off:
            return False
        if self.needs_live:
            return item.live
        return item.status == self.source or item.status in self.also_from

    def describe_sources(self):
        if self.needs_live:
            return "live"
        return " or ".join(Status(s).label.lower() for s in (self.source, *self.also_from))


TRANSITIONS = {
    move.action: move
    for move in (
        Move("submit", "Submit for review", Status.DRAFT, Status.IN_REVIEW),
        Move("publish", "Publish", Status.IN_REVIEW, Status.PUBLISHED),
        Move("request_changes", "Request changes", Status.IN_REVIEW, Status.DRAFT, needs_note=True),
        # From any state of the draft changes: what matters is that the page is up.
        Move("unpublish", "Unpublish", Status.PUBLISHED, Status.DRAFT, needs_live=True),
        # A save to a live item: the live page stays, the new version is a draft of changes.
        Move(
            "edit", "Start draft changes", Status.PUBLISHED, Status.DRAFT,
            internal=True, permission="change",
        ),
        # A medical reviewer's approval of the version in review, or a periodic review
        # of the live one; publishing health content needs one on the version it publishes.
        Move(
            review.SIGN_OFF, "Sign off medical review", Status.IN_REVIEW, None,
            also_from=(Status.PUBLISHED,), cascades=False, needs_sign_off=True,
        ),
    )
}  # fmt: skip
# The moves people make, as buttons, actions and permissions.
PUBLIC_MOVES = {action: move for action, move in TRANSITIONS.items() if not move.internal}


def permission_name(model, action):
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def can_transition(user, obj, action):
    """Whether the user holds the permission for this action on this kind of item."""
    move = TRANSITIONS.get(action)
    if move is None:
        return False
    return user.has_perm(permission_name(type(obj), move.permission or action))


def available_transitions(user, obj):
    """The moves this user may make from the item's current state."""
    return [
        move
        for move in TRANSITIONS.values()
        if not move.internal and move.applies_to(obj) and can_transition(user, obj, move.action)
    ]


def transition(obj, action, user, note="", *, at=None, revision=None, locked=False, also=None):
    """Move ``obj`` by ``action`` on behalf of ``user`` and log it; all or nothing.

    ``at`` schedules a first publication. Publishing copies the working copy (the
    latest revision) into the row, which is what readers see. ``locked`` and ``also``
    are for the revisions service, which holds the row lock already and writes its
    new revision's pointer in the same statement.
    """
    move = TRANSITIONS.get(action)
    if move is None:
        raise InvalidTransition(
            f"Unknown action “{action}”. Choose one of: {', '.join(PUBLIC_MOVES)}."
        )
    # A system save (no user) may only mark draft changes; every other move needs a person.
    if (user is None and not move.internal) or (
        user is not None and not can_transition(user, obj, action)
    ):
        raise PermissionDenied(f"You do not have permission to {move.label.lower()} this item.")
    note = (note or "").strip()
    if move.needs_note and not note:
        raise InvalidTransition(f"{move.label} needs a note saying what should change.")

    model = type(obj)
    # A refused move must not undo the edits saved before it, hence the savepoint; the
    # revisions service's own call has nothing to protect and saves the round trips.
    with transaction.atomic(savepoint=not locked):
        # Lock the row so two editors cannot both act on the same state, and so a save
        # cannot land between the check and the write.
        if locked:
            current = obj
        else:
            current = model._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
        from_status = current.status
        if not move.applies_to(current):
            raise InvalidTransition(
                f"Cannot {move.label.lower()} “{current}”: it is "
                f"{current.state_label().lower()}, and only items that are "
                f"{move.describe_sources()} can be moved this way."
            )
        now = timezone.now()
        if at is not None and (move.target != Status.PUBLISHED or current.live):
            raise InvalidTransition(
                "Only a first publication can be scheduled: changes to a live page go "
                "live when they are published."
            )
        target = move.target or from_status
        fields = {"status": target}
        revision_id = None
        if action == review.SIGN_OFF:
            fields.update(_sign_off(current, user, now))
            revision_id = current.latest_revision_id
        if move.target == Status.PUBLISHED or action == "unpublish":
            from .revisions import latest_content, materialize, working_copy

            signed = None
            if move.target == Status.PUBLISHED:
                working = working_copy(current)
                signed = review.sign_off_for(current, current.latest_revision_id)
                problems = working.publication_problems() + _review_problems(
                    current, working, signed
                )
                if problems:
                    raise InvalidTransition(f"Cannot publish “{current}”: " + " ".join(problems))
            # A live page that moves leaves its old address redirecting to the new one.
            live_path = current.get_absolute_url() if current.live else None
            # The row now holds the working copy: live on publish, offline on unpublish.
            revision_id = materialize(current)
            if move.target == Status.PUBLISHED:
                if live_path:
                    redirects.moved(live_path, current.get_absolute_url())
                digest = review.digest(model, latest_content(current))
                fields.update(working.review_schedule(digest))
                if signed is not None:
                    day = timezone.localdate(signed.created_at)
                    fields.update(working.sign_off_fields(signed.user, day, digest))
        revision_id = revision_id or getattr(revision, "pk", None) or current.latest_revision_id
        if move.target == Status.PUBLISHED:
            fields["live"] = True
            fields["live_revision_id"] = revision_id
            # Scheduled, kept from an earlier publication, or now.
            fields["published_at"] = at or current.published_at or now
            fields["first_published_at"] = current.first_published_at or fields["published_at"]
        elif action == "unpublish":
            fields["live"] = False
        # updated_at is the page's dateModified: it moves when the live content does,
        # or freely while nobody can see the item.
        if move.target == Status.PUBLISHED or not fields.get("live", current.live):
            fields["updated_at"] = now
        fields.update(also or {})
        model._default_manager.filter(pk=obj.pk).update(**fields)
        if move.target == Status.PUBLISHED or action == "unpublish":
            pagecache.changed()
        for name, value in fields.items():
            setattr(current, name, value)
        if obj is not current:
            opts = model._meta
            for name in (*model.workflow_fields, "updated_at", "latest_revision"):
                attname = opts.get_field(name).attname
                setattr(obj, attname, getattr(current, attname))
        obj.__dict__.pop("is_live", None)
        current.__dict__.pop("is_live", None)

        log = Transition.objects.create(
            content_type_id=_content_type_id(obj),
            object_id=obj.pk,
            object_repr=str(current)[:200],
            action=action,
            from_status=from_status,
            to_status=target,
            user=user,
            note=note,
            revision_id=revision_id,
            created_at=now,
        )
        # The people concerned hear of it once, about the page, not about each part.
        if not move.internal and current.revision_parent() is None:
            notify.transition_made(current, log)
        # Parts shown on the item's page (an article's FAQ entries) travel with it, each
        # checked and logged in its own right; one refusal undoes the whole move.
        children = current.workflow_children()
        if not move.cascades:
            children = children.none()
        elif move.needs_live:
            children = children.filter(live=True)
        elif not move.internal:
            children = children.filter(status=move.source)
        else:
            children = children.none()
        for child in children:
            if move.target == Status.PUBLISHED and child.published_at is None:
                # Live with the parent, not before.
                type(child)._default_manager.filter(pk=child.pk).update(
                    published_at=fields["published_at"]
                )
            transition(
                child,
                action,
                user,
                note=f"With “{current}”. {note}".strip(),
                revision=Revision(pk=revision_id) if revision_id else None,
            )
        return log


def _sign_off(current, user, now):
    """The row fields a sign-off writes now: only when the version signed is the one the
    row holds (a draft, or a live page without draft changes). A sign-off on draft changes
    to a live page is written when that version is published."""
    from .revisions import ensure_revision

    content = ensure_revision(current)
    digest = review.digest(type(current), content)
    fields = current.sign_off_fields(user, timezone.localdate(now), digest)
    if current.live and current.status != Status.PUBLISHED:
        return {}
    if current.live:
        pagecache.changed()
    return fields


def _review_problems(current, working, signed):
    if signed is not None or not working.needs_medical_review():
        return []
    last = review.sign_offs(current).select_related("user").first()
    earlier = (
        f" The last sign-off, by {last.author_name} on "
        f"{timezone.localdate(last.created_at):%-d %B %Y}, was on an earlier version."
        if last is not None else ""
    )  # fmt: skip
    return [
        "It is health content: a medical reviewer must sign off this exact version before "
        f"it is published.{earlier}"
    ]


def _content_type_id(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def restore_state(obj, user, state, log):
    """Put an item restored from an export back as it was: state, dates and its log.

    The one other writer of workflow fields, for backups only: it checks that ``user``
    may publish whenever the state or the log says the item went beyond a draft.
    """
    beyond_draft = state["live"] or state["status"] != Status.DRAFT or log
    if beyond_draft and (user is None or not can_transition(user, obj, "publish")):
        raise PermissionDenied(
            f"restoring “{obj}” as {state['status']} needs permission to publish it."
        )
    model = type(obj)
    with transaction.atomic():
        model._default_manager.filter(pk=obj.pk).update(
            **{name: value for name, value in state.items() if value is not None
               or name in ("published_at", "first_published_at")}
        )  # fmt: skip
        if state["live"]:
            pagecache.changed()
        content_type_id = _content_type_id(obj)
        Transition.objects.bulk_create(
            Transition(
                content_type_id=content_type_id,
                object_id=obj.pk,
                object_repr=str(obj)[:200],
                **move,
            )
            for move in log
        )
    obj.refresh_from_db()
