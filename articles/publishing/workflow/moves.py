"""The moves an item can make, who may make them, and what moves with it.

This is the one place that says, for each move, the states it starts from, the state
it ends in, the permission it needs and which of the item's parts (an article's FAQ
entries) make it too. A part moves on the authority of the person moving its page:
it is shown on that page and versioned with it, so checking the page is checking it.
"""

from dataclasses import dataclass

from ..models import Status

# Which parts move with their item.
SAME_STATE = "same state"  # the parts in the state the item leaves
LIVE_PARTS = "live"  # the parts readers can see
ALL_PARTS = "all"  # every part, whatever its state
NO_PARTS = ""


class InvalidTransition(Exception):
    """The move is not possible from the item's current state, or the item is not ready."""


@dataclass(frozen=True)
class Move:
    action: str
    # The button ("Publish") and the log's wording ("Published").
    label: str
    done: str
    source: str
    # None leaves the state as it is: the move completes a step of the workflow instead.
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
    parts: str = SAME_STATE
    # The workflow step (steps.py) this move completes, if it is one.
    step: str = ""
    # Whether the log reads as a change of state ("In review → Published"); draft
    # changes to a live page change the working copy's state, not the page's.
    shows_states: bool = True
    # Whether the page comes down: readers lose it, and every cache with them.
    takes_down: bool = False
    # Offered as a button in the action bar (the trash has its own page and banner).
    button: bool = True

    def applies_to(self, item):
        if self.step:
            from .steps import STEPS

            return STEPS[self.step].offered(item)
        if self.needs_live:
            return item.live
        return self.starts_from(item)

    def starts_from(self, item):
        return item.status == self.source or item.status in self.also_from

    def describe_sources(self):
        if self.needs_live:
            return "live"
        return " or ".join(Status(s).label.lower() for s in (self.source, *self.also_from))


TRANSITIONS = {
    move.action: move
    for move in (
        Move("submit", "Submit for review", "Submitted for review", Status.DRAFT,
             Status.IN_REVIEW),
        Move("publish", "Publish", "Published", Status.IN_REVIEW, Status.PUBLISHED),
        Move("request_changes", "Request changes", "Requested changes", Status.IN_REVIEW,
             Status.DRAFT, needs_note=True),
        # From any state of the draft changes: what matters is that the page is up.
        Move("unpublish", "Unpublish", "Unpublished", Status.PUBLISHED, Status.DRAFT,
             needs_live=True, parts=LIVE_PARTS, takes_down=True),
        # Its Unpublish at has come: the task worker takes it down and logs it.
        Move("expire", "Take down at its Unpublish at", "Came down at its Unpublish at",
             Status.PUBLISHED, Status.DRAFT, needs_live=True, parts=LIVE_PARTS,
             takes_down=True, internal=True),
        # Delete: into the trash, from any state, taking the page down if it is up.
        Move("trash", "Move to the trash", "Moved to the trash", Status.DRAFT,
             Status.TRASHED, also_from=(Status.IN_REVIEW, Status.PUBLISHED),
             permission="delete", parts=ALL_PARTS, takes_down=True, button=False),
        # Back as a draft, with its history; going live again needs review and Publish.
        Move("untrash", "Restore from the trash", "Restored from the trash", Status.TRASHED,
             Status.DRAFT, permission="delete", button=False),
        # A save to a live item: the live page stays, the new version is a draft of changes.
        Move("edit", "Start draft changes", "Started draft changes; the live page stays as it is",
             Status.PUBLISHED, Status.DRAFT, internal=True, permission="change",
             parts=NO_PARTS, shows_states=False),
        # A clinician's approval of the version in review, or a periodic review of the
        # live one: the medical sign-off step. It changes no state; publishing health
        # content needs it on the very version it publishes.
        Move("sign_off", "Sign off medical review", "Signed off the medical review",
             Status.IN_REVIEW, None, also_from=(Status.PUBLISHED,), parts=NO_PARTS,
             step="medical"),
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
        if not move.internal
        and move.button
        and can_transition(user, obj, move.action)
        and move.applies_to(obj)
    ]


def parts_moving(move, item):
    """The parts of ``item`` that make ``move`` with it (a queryset)."""
    parts = item.workflow_children()
    if move.parts == LIVE_PARTS:
        return parts.filter(live=True)
    if move.parts == SAME_STATE:
        return parts.filter(status=move.source)
    if move.parts == ALL_PARTS:
        return parts
    return parts.none()
