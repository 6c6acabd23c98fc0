"""The one service function that moves content between states.

The admin, bulk actions, management commands and model methods all call
``transition()``, so the permission check, the steps, the dates and the log cannot
drift apart. What a move is and what moves with it is in moves.py; what publishing
waits for is in steps.py.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .. import events, expiry, notify, pagecache, redirects, review, trash
from ..models import Revision, Status, Transition
from .moves import PUBLIC_MOVES, TRANSITIONS, InvalidTransition, can_transition, parts_moving
from .steps import STEPS, steps_for


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
    # A refused move must not undo the edits saved before it, hence the savepoint; the
    # revisions service's own call has nothing to protect and saves the round trips.
    with transaction.atomic(savepoint=not locked):
        # Lock the row so two editors cannot both act on the same state, and so a save
        # cannot land between the check and the write.
        current = obj if locked else _lock(obj)
        return _make(move, obj, current, user, note, at=at, revision=revision, also=also)


def _lock(obj):
    return type(obj)._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)


def _make(move, obj, current, user, note, *, at=None, revision=None, also=None, page=None):
    """The move itself, on a locked row; ``page`` is set when ``current`` is a part moving
    with it, on its authority."""
    from ..revisions import latest_content, materialize, working_copy

    model = type(obj)
    from_status = current.status
    # A part moves with its page whatever its own steps say: its page's steps cover it.
    if page is not None:
        allowed = current.live if move.needs_live else move.starts_from(current)
    else:
        allowed = move.applies_to(current)
    if not allowed:
        raise InvalidTransition(_not_from_here(move, current))
    now = timezone.now()
    if at is not None and (move.target != Status.PUBLISHED or current.live):
        raise InvalidTransition(
            "Only a first publication can be scheduled: changes to a live page go "
            "live when they are published."
        )
    target = move.target or from_status
    fields = {"status": target}
    revision_id = None
    live_path = None
    lists_before = set()
    card_before = None
    if move.step:
        fields.update(STEPS[move.step].complete(current, user, now))
        revision_id = current.latest_revision_id
    publishing = move.target == Status.PUBLISHED
    if publishing or move.takes_down:
        working = working_copy(current)
        if publishing:
            problems = working.publication_problems()
            if working.expires_at is not None and working.expires_at <= (at or now):
                problems.append(
                    "Its Unpublish at is not after it would go live: move it later or clear it."
                )
            for step in steps_for(working):
                problems += step.problems(current, working)
            if problems:
                raise InvalidTransition(f"Cannot publish “{current}”: " + " ".join(problems))
        # A live page that moves leaves its old address redirecting to the new one.
        live_path = current.get_absolute_url() if current.live else None
        # The lists it was in, before the working copy's topic and people replace them.
        lists_before = pagecache.keys.lists_of(current) if current.live else set()
        card_before = pagecache.keys.card(current) if current.live else None
        # The row now holds the working copy: live on publish, offline on unpublish.
        revision_id = materialize(current)
        if publishing:
            if live_path:
                redirects.moved(live_path, current.get_absolute_url())
            digest = review.digest(model, latest_content(current))
            for step in STEPS.values():
                fields.update(step.on_publish(current, working, digest, parent=page))
    revision_id = revision_id or getattr(revision, "pk", None) or current.latest_revision_id
    if publishing:
        fields["live"] = True
        fields["live_revision_id"] = revision_id
        # Scheduled, kept from an earlier publication, the page's, or now.
        fields["published_at"] = (
            at or current.published_at or (page.published_at if page is not None else now)
        )
        fields["first_published_at"] = current.first_published_at or fields["published_at"]
        if page is not None:
            # A part is shown on its page and comes down with it, to the second.
            fields["expires_at"] = page.expires_at
    elif move.takes_down:
        fields["live"] = False
    # updated_at is the page's dateModified: it moves when the live content does,
    # or freely while nobody can see the item.
    if publishing or not fields.get("live", current.live):
        fields["updated_at"] = now
    # In the trash an address readers knew answers 410 Gone.
    if target == Status.TRASHED:
        fields["trashed_at"] = now
        redirects.gone(trash.address(current))
        transaction.on_commit(lambda: trash.queue(now))
    elif from_status == Status.TRASHED:
        fields["trashed_at"] = None
        redirects.back(trash.address(current))
    fields.update(also or {})
    model._default_manager.filter(pk=obj.pk).update(**fields)
    went_live = publishing and live_path is None
    for name, value in fields.items():
        setattr(current, name, value)
    # A draft going to the trash changes nothing readers see.
    if page is None and (publishing or (move.takes_down and live_path is not None)):
        # Once for the page and its parts: the pages showing them, and the lists they
        # join or leave. Text goes away when a page comes down, and when a live page is
        # replaced.
        moved = went_live or move.takes_down
        names = pagecache.keys.of_change(
            current, lists_before, joined_or_left=moved, card_before=card_before
        )
        for part in current.workflow_children().only("pk", "live"):
            # A question not live yet joins the lists of questions with its page.
            names |= pagecache.keys.of_change(part, joined_or_left=moved or not part.live)
        pagecache.purged(names, withdrawal=live_path is not None)
        events.announce(move.action, current, publishing=publishing, live_path=live_path)
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
        action=move.action,
        from_status=from_status,
        to_status=target,
        user=user,
        note=note if page is None else f"With “{page}”. {note}".strip(),
        revision_id=revision_id,
        created_at=now,
    )
    # The people concerned hear of it once, about the page, not about each part.
    if (not move.internal or move.takes_down) and page is None:
        notify.transition_made(current, log)
    if publishing and page is None and current.expires_at is not None:
        transaction.on_commit(lambda: expiry.queue(current.expires_at))
    # Parts shown on the item's page (an article's FAQ entries) travel with it, each
    # checked and logged in its own right; one refusal undoes the whole move.
    for part in parts_moving(move, current):
        _make(
            move, part, _lock(part), user, note,
            revision=Revision(pk=revision_id) if revision_id else None, page=current,
        )  # fmt: skip
    return log


def _not_from_here(move, current):
    if move.step and move.starts_from(current):
        step = STEPS[move.step]
        where = step.status(current) or "not due"
        return f"Cannot {move.label.lower()} “{current}”: its {step.label.lower()} is {where}."
    return (
        f"Cannot {move.label.lower()} “{current}”: it is {current.state_label().lower()}, "
        f"and only items that are {move.describe_sources()} can be moved this way."
    )


def _content_type_id(obj):
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
               or name in ("published_at", "first_published_at", "trashed_at")}
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
