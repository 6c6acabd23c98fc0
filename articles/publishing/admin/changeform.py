"""The change form: the working copy it opens, saving it as a revision, refusing a save
made on top of a newer one, and the moves posted with it."""

import copy
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from .. import diff, presence, revisions
from ..models import Revision, Status
from ..workflow import PUBLIC_MOVES, STEPS, available_transitions
from .autosave import KEPT_FIELD
from .forms import (
    BASE_FIELD,
    CONFIRM_FIELD,
    MESSAGE_FIELD,
    NOTE_FIELD,
    OVERWRITE_FIELD,
    PUBLISH_AT_FIELD,
    TRANSITION_FIELD,
    _int,
)
from .inlines import _relation_names, parts_from
from .moves import _improvements

# Moves made before the form's edits are saved, whatever happens to them.
MOVES_BEFORE_EDITS = {"unpublish"}
# A save this recent by someone else is worth a word on the change form.
RECENT_SAVE = datetime.timedelta(minutes=15)


def _standing_review_note(obj):
    """The editor's "request changes" note, while the item is still back with its writer."""
    latest = obj.transitions().exclude(action="edit").first()
    if latest is not None and latest.action == "request_changes" and obj.status == Status.DRAFT:
        return latest
    return None


class ChangeFormMixin:
    def get_object(self, request, object_id, from_field=None):
        """The working copy: the latest revision, over the live row when there is one.

        A POST locks the row for the rest of the request, so the stale check and the
        save see the same latest revision, and no transition lands in between.
        """
        if request.method == "POST":
            queryset = self.get_queryset(request).select_for_update(of=("self",))
            model = queryset.model
            field = model._meta.pk if from_field is None else model._meta.get_field(from_field)
            try:
                obj = queryset.get(**{field.name: field.to_python(object_id)})
            except (model.DoesNotExist, ValidationError, ValueError):
                return None
        else:
            obj = super().get_object(request, object_id, from_field)
        return revisions.working_copy(obj) if obj is not None else None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if request.method == "POST" and obj is not None:
            form = type(form.__name__, (form,), {"posted": request.POST})
        return form

    def save_model(self, request, obj, form, change):
        # Saved with its parts in save_related, as one revision.
        pass

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        versioned = _relation_names(obj)
        children, removed, others = {}, {}, []
        for formset in formsets:
            name = formset.fk.remote_field.get_accessor_name()
            if name in versioned:
                children[name], removed[name] = parts_from(formset)
            else:
                others.append(formset)
        base = _int(request.POST.get(BASE_FIELD)) if change else revisions.UNSET
        revision = revisions.save(
            obj,
            request.user,
            message=request.POST.get(MESSAGE_FIELD, ""),
            children=children or None,
            removed=removed,
            base=base,
            overwrite=request.POST.get(OVERWRITE_FIELD) or None,
            # get_object locked the row for this request.
            locked=change,
        )
        form.save_m2m()
        for formset in others:
            formset.save()
        if request.POST.get(KEPT_FIELD):
            self._forget_autosave(request, obj, added=not change)
        if change and revision is not None and obj.live:
            self.message_user(
                request,
                "Saved as draft changes: the live page stays as it is until they are published.",
                messages.INFO,
            )
        elif change and revision is None and TRANSITION_FIELD not in request.POST:
            self.message_user(
                request, "Nothing had changed, so no new revision was saved.", messages.INFO
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and not obj.slug:
            # A form sent back with its slug emptied (it is made on save) still links to
            # the pages the item has: the address it holds until then.
            obj.slug = type(obj)._base_manager.filter(pk=obj.pk).values_list("slug", flat=True)[0]
        if obj is not None:
            # One Save: the action bar's, which stays in view. The row at the foot of
            # the form keeps only Delete.
            context.update(show_save=False, show_save_and_continue=False,
                           show_save_and_add_another=False)  # fmt: skip
        context["workflow_moves"] = available_transitions(request.user, obj) if obj else []
        context["trash"] = self._trash_context(request, obj)
        if context["trash"]:
            context["show_delete"] = False  # the banner's Delete for good says it plainly
        if obj is None:
            # A new item's bar: Save, and Save and submit, from the first keystroke.
            context.update(show_save=False, show_save_and_continue=False,
                           show_save_and_add_another=False)  # fmt: skip
        # Where each step publishing waits for stands, beside the state.
        context["workflow_steps"] = [
            (step.label, status) for step in STEPS.values() if obj and (status := step.status(obj))
        ]
        children = obj.workflow_children() if obj else None
        if children is not None and children.exists():
            context["workflow_children"] = children.model._meta.verbose_name_plural
        form = context.get("adminform") and context["adminform"].form
        conflict = getattr(form, "conflict", None)
        if conflict is not None:
            context["conflict"] = conflict
            move = PUBLIC_MOVES.get(request.POST.get(TRANSITION_FIELD, ""))
            made = getattr(request, "move_made", False)
            context["conflict_move"] = move.label if move and not made else None
            context["conflict_changes"] = self._conflict_changes(form, conflict)
        if obj is not None:
            opts = self.opts
            context["others_editing"] = presence.touch(obj, request.user)
            context["recent_save"] = _recent_save_by_another(obj, request.user)
            context["presence_url"] = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_presence", args=[obj.pk]
            )
            context["history_url"] = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]
            )
            context["compare_url"] = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_compare", args=[obj.pk]
            )
            # Posted back unchanged, so a save made on top of a newer one is caught.
            posted_base = request.POST.get(BASE_FIELD) if conflict is not None else None
            context["base_revision"] = (
                posted_base if posted_base is not None else obj.latest_revision_id or ""
            )
            may_publish = any(m.action == "publish" for m in context["workflow_moves"])
            context["may_publish"] = may_publish
            context["may_schedule"] = may_publish and not obj.live
            context["advice"] = _improvements(obj) if may_publish else []
            context["preview_url"] = self.get_view_on_site_url(obj)
            context["review_note"] = _standing_review_note(obj)
            context.update(self._comment_context(request, obj))
            context.update(self._sharing_context(request, obj))
        may_edit = (
            self.has_add_permission(request)
            if obj is None
            else self.has_change_permission(request, obj)
        )
        if may_edit:
            context.update(self._autosave_context(request, obj))
        context["transition_field"] = TRANSITION_FIELD
        context["confirm_field"] = CONFIRM_FIELD
        context["note_field"] = NOTE_FIELD
        context["publish_at_field"] = PUBLISH_AT_FIELD
        context["base_field"] = BASE_FIELD
        context["overwrite_field"] = OVERWRITE_FIELD
        context["message_field"] = MESSAGE_FIELD
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _conflict_changes(self, form, latest):
        """How the editor's unsaved text differs from the newer saved version."""
        theirs = latest.content
        mine = {"fields": revisions.field_values(form.instance)}
        fields, _ = diff.compare(self.model, theirs, {**theirs, **mine})
        return fields

    def response_add(self, request, obj, post_url_continue=None):
        # "Save and submit for review" on a new item: saved first, then sent on, and the
        # writer lands on the form they will keep working in. Only that move: anything
        # more needs the saved page to have been seen.
        if request.POST.get(TRANSITION_FIELD) == "submit":
            self.run_transition(request, obj)
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
            )
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        # The edits are saved first, so a refused move never loses what was typed.
        if TRANSITION_FIELD in request.POST:
            if not getattr(request, "move_made", False):
                self.run_transition(request, obj)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # An item that is read-only to this user (in review, say) can still be moved
        # on by them if the workflow allows it: the buttons post without the form.
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        using = router.db_for_write(self.model)
        if object_id and request.POST.get(TRANSITION_FIELD) in MOVES_BEFORE_EDITS:
            # Taking a page down never waits on the form: a newer save by someone else
            # would refuse the edits, and must not keep the page up. The move commits first;
            # the edits are then saved, or shown as a conflict, as usual.
            with transaction.atomic(using=using):
                obj = self.get_object(request, object_id)
                if obj is None or not self.has_view_permission(request, obj):
                    raise PermissionDenied
                self.run_transition(request, obj)
                may_change = self.has_change_permission(request, obj)
                untouched = may_change and self._posted_unchanged(request, obj)
            request.move_made = True
            self._tell_if_unshared(request)
            if not may_change or untouched:
                return HttpResponseRedirect(request.path)
        # One transaction for the whole post (in place of the admin's own): get_object
        # locks the row until the save and the move are done.
        try:
            with transaction.atomic(using=using):
                return self._post(request, object_id, form_url, extra_context)
        finally:
            self._tell_if_unshared(request)

    def _post(self, request, object_id, form_url, extra_context):
        if (
            object_id
            and TRANSITION_FIELD in request.POST
            and not getattr(request, "move_made", False)
        ):
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_view_permission(request, obj):
                raise PermissionDenied
            if not self.has_change_permission(request, obj):
                self.run_transition(request, obj)
                return HttpResponseRedirect(request.path)
        return self._changeform_view(request, object_id, form_url, extra_context)

    def _posted_unchanged(self, request, obj):
        """Whether the posted form holds exactly the version it was opened on: then a move
        made before the edits leaves nothing of the editor's to save. Only a sure "nothing
        changed" counts; anything else goes on to the save, or to the conflict page."""
        base = Revision.objects.filter(
            pk=_int(request.POST.get(BASE_FIELD)), object_id=obj.pk
        ).first()
        if base is None:
            return False
        opened = revisions.apply_fields(copy.copy(obj), base.content["fields"])
        form_class = self.get_form(request, opened, change=True)
        form_class.posted = None  # compared with the version it was opened on, not the latest
        form = form_class(request.POST, request.FILES, instance=opened)
        if request.FILES or not form.is_valid():
            return False
        posted = revisions.field_values(form.instance)
        if any(posted[name] != base.content["fields"].get(name) for name in form.changed_data
               if name in posted):  # fmt: skip
            return False
        formsets, _ = self._create_formsets(request, opened, change=True)
        return not any(formset.has_changed() for formset in formsets)


def _recent_save_by_another(obj, user):
    """The latest revision, if someone else saved it in the last few minutes."""
    if not obj.latest_revision_id:
        return None
    latest = Revision.objects.select_related("user").defer("content").get(pk=obj.latest_revision_id)
    recent = timezone.now() - latest.created_at < RECENT_SAVE
    return latest if recent and latest.user_id not in (None, user.pk) else None
