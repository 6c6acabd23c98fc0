"""Workflow moves: the buttons posted from the change form, and the bulk actions on
the list."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html, format_html_join

from .. import analysis, pagecache, revisions
from ..models import Status
from ..workflow import (
    PUBLIC_MOVES,
    TRANSITIONS,
    InvalidTransition,
    can_transition,
    permission_name,
    transition,
)
from .forms import CONFIRM_FIELD, NOTE_FIELD, PUBLISH_AT_FIELD, TRANSITION_FIELD, _parse_moment

UNSHARED = (
    "This server cannot reach the shared cache just now. The change is saved, and every "
    f"server that can reach the database shows it within {pagecache.CHECK_SECONDS:.0f} "
    "seconds; a server that has lost the database too may show the old page until it "
    "reaches one of them again."
)


def _improvements(obj):
    """What the search and readability checks suggest for the version about to go live."""
    copy = revisions.working_copy(obj)
    return analysis.improvements(copy.analysis()) if hasattr(copy, "analysis") else []


def _bulk_action(action):
    move = TRANSITIONS[action]

    def run(modeladmin, request, queryset):
        modeladmin.run_bulk_transition(request, queryset, action)

    run.__name__ = f"bulk_{action}"
    return admin.action(
        description=f"{move.label} selected %(verbose_name_plural)s", permissions=[action]
    )(run)


class MovesMixin:
    # Permissions named by the bulk actions' ``permissions=[...]``.
    def _has_workflow_permission(self, request, action):
        return request.user.has_perm(permission_name(self.model, action))

    def has_submit_permission(self, request):
        return self._has_workflow_permission(request, "submit")

    def has_publish_permission(self, request):
        return self._has_workflow_permission(request, "publish")

    def has_unpublish_permission(self, request):
        return self._has_workflow_permission(request, "unpublish")

    def has_change_permission(self, request, obj=None):
        # What is in review waits for the editor's decision; writers edit drafts, and
        # may start draft changes to a live page, which go through review in turn.
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and obj.status == Status.IN_REVIEW:
            return self.has_publish_permission(request)
        return allowed

    def _tell_if_unshared(self, request):
        """Once the change is committed: say so if the shared cache could not be told."""
        if not pagecache.reached_every_server():
            self.message_user(request, UNSHARED, messages.WARNING)

    def run_transition(self, request, obj):
        action = request.POST.get(TRANSITION_FIELD, "")
        # The trash has its own page (its 301 choice); the form posts only the buttons.
        if action not in PUBLIC_MOVES or not PUBLIC_MOVES[action].button:
            self.message_user(request, f"Unknown action “{action}”.", messages.ERROR)
            return False
        try:
            at = None
            if action == "publish":
                at = _parse_moment(request.POST.get(PUBLISH_AT_FIELD, ""))
                ready = can_transition(request.user, obj, action) and TRANSITIONS[
                    action
                ].applies_to(obj)
                confirmed = request.POST.get(CONFIRM_FIELD)
                if ready and not confirmed and (advice := _improvements(obj)):
                    self.message_user(
                        request,
                        format_html(
                            "Not published yet: the checks suggest {} improvement(s). Tick "
                            "“Publish despite the suggestions” to publish anyway.<ul>{}</ul>",
                            len(advice),
                            format_html_join("", "<li>{}</li>", ((a,) for a in advice)),
                        ),
                        messages.WARNING,
                    )
                    return False
            transition(obj, action, request.user, note=request.POST.get(NOTE_FIELD, ""), at=at)
        except (PermissionDenied, InvalidTransition, ValidationError) as error:
            text = error.messages[0] if isinstance(error, ValidationError) else str(error)
            self.message_user(request, text or "You may not do that.", messages.ERROR)
            return False
        self.message_user(request, _done_message(TRANSITIONS[action], obj), messages.SUCCESS)
        return True

    def run_bulk_transition(self, request, queryset, action):
        done, failures = 0, []
        for obj in queryset:
            try:
                transition(obj, action, request.user)
                done += 1
            except (PermissionDenied, InvalidTransition) as error:
                failures.append(str(error))
        label = PUBLIC_MOVES[action].label
        if done:
            self.message_user(request, f"{label}: {done} item(s) done.", messages.SUCCESS)
        self._tell_if_unshared(request)
        for failure in failures:
            self.message_user(request, failure, messages.ERROR)


def _done_message(move, obj):
    """What the person who made ``move`` is told."""
    if move.step:
        if obj.status == Status.IN_REVIEW:
            after = "An editor can now publish it."
        elif obj.live and obj.status == Status.PUBLISHED:
            after = "The live page shows the new review date."
        else:
            after = "It is recorded for when that version is published."
        return f"{move.done} of “{obj}” (revision {obj.latest_revision_id}). {after}"
    done = f"{move.done}: “{obj}” is now {obj.state_label().lower()}."
    if move.action == "unpublish":
        # What readers get, and how soon: the guarantee the page cache gives.
        done += (
            f" Readers get “page not found” from every server within "
            f"{pagecache.CHECK_SECONDS:.0f} seconds: no copy of the page, the lists, the "
            "feed, the sitemap or llms.txt made before is served."
        )
    return done
