"""Admin behaviour shared by every publishable model: workflow, revisions, history."""

import copy
import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import router, transaction
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from . import analysis, diff, notify, pagecache, presence, review, revisions, search, seo
from .models import Comment, Revision, Status, Transition
from .workflow import (
    PUBLIC_MOVES,
    STEPS,
    TRANSITIONS,
    InvalidTransition,
    available_transitions,
    can_transition,
    permission_name,
    transition,
)

TRANSITION_FIELD = "_transition"
# Moves made before the form's edits are saved, whatever happens to them.
MOVES_BEFORE_EDITS = {"unpublish"}
UNSHARED = (
    "This server cannot reach the shared cache just now. The change is saved, and every "
    f"server that can reach the database shows it within {pagecache.CHECK_SECONDS:.0f} "
    "seconds; a server that has lost the database too may show the old page until it "
    "reaches one of them again."
)
COMMENT_MAX_LENGTH = 5000
# Publishing past "improve" checks is a choice the editor makes on the form.
CONFIRM_FIELD = "_publish_despite_advice"
NOTE_FIELD = "_transition_note"
PUBLISH_AT_FIELD = "_publish_at"
BASE_FIELD = "_base_revision"
OVERWRITE_FIELD = "_overwrite"
MESSAGE_FIELD = "_revision_message"
HISTORY_PAGE_SIZE = 50
# A save this recent by someone else is worth a word on the change form.
RECENT_SAVE = datetime.timedelta(minutes=15)


class NormalizedNewlines:
    """Form fields that store text with LF endings, as browsers post CRLF: no phantom changes."""

    def to_python(self, value):
        return revisions.normalize_text(super().to_python(value))


_normalized_classes = {}


def normalize_newlines(formfield):
    if formfield is None or not isinstance(formfield, forms.CharField):
        return formfield
    cls = type(formfield)
    if cls not in _normalized_classes:
        _normalized_classes[cls] = type(f"Normalized{cls.__name__}", (NormalizedNewlines, cls), {})
    formfield.__class__ = _normalized_classes[cls]
    return formfield


# Search fields sized so the whole text shows: a 160-character description in one box.
SEO_WIDGETS = {
    "meta_description": forms.Textarea(attrs={"rows": 3, "cols": 80}),
    "meta_title": forms.TextInput(attrs={"size": 80}),
    "focus_keyword": forms.TextInput(attrs={"size": 40}),
}


class NormalizedTextMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in SEO_WIDGETS:
            kwargs["widget"] = SEO_WIDGETS[db_field.name]
        return normalize_newlines(super().formfield_for_dbfield(db_field, request, **kwargs))


class StaleCheckForm(forms.ModelForm):
    """Refuses a save made on top of a newer revision than the one the form was opened on."""

    conflict = None
    posted = None

    def clean(self):
        cleaned = super().clean()
        if self.posted is None or self.instance.pk is None:
            return cleaned
        # A post that does not say which revision it was opened on is treated as stale.
        base = self.posted.get(BASE_FIELD) or None
        latest = self.instance.latest_revision_id
        if latest is None or str(latest) == str(base or ""):
            return cleaned
        if self.posted.get(OVERWRITE_FIELD) == str(latest):
            return cleaned  # the editor has seen the newer version and replaces it
        revision = Revision.objects.select_related("user").get(pk=latest)
        self.conflict = revision
        raise ValidationError(str(revisions.StaleRevision(revision)), code="stale")


def _improvements(obj):
    """What the search and readability checks suggest for the version about to go live."""
    copy = revisions.working_copy(obj)
    return analysis.improvements(copy.analysis()) if hasattr(copy, "analysis") else []


def _standing_review_note(obj):
    """The editor's "request changes" note, while the item is still back with its writer."""
    latest = obj.transitions().exclude(action="edit").first()
    if latest is not None and latest.action == "request_changes" and obj.status == Status.DRAFT:
        return latest
    return None


def _bulk_action(action):
    move = TRANSITIONS[action]

    def run(modeladmin, request, queryset):
        modeladmin.run_bulk_transition(request, queryset, action)

    run.__name__ = f"bulk_{action}"
    return admin.action(
        description=f"{move.label} selected %(verbose_name_plural)s", permissions=[action]
    )(run)


class StateFilter(admin.SimpleListFilter):
    """The states editors think in, live and draft changes included."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft, never live"),
            ("in_review", "In review, never live"),
            ("live", "Live, no draft changes"),
            ("changes", "Live · draft changes"),
            ("scheduled", "Scheduled"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        filters = {
            "draft": {"live": False, "status": Status.DRAFT},
            "in_review": {"live": False, "status": Status.IN_REVIEW},
            "live": {"live": True, "status": Status.PUBLISHED, "published_at__lte": now},
            "scheduled": {"live": True, "published_at__gt": now},
        }
        if self.value() == "changes":
            return queryset.filter(live=True).exclude(status=Status.PUBLISHED)
        return queryset.filter(**filters[self.value()]) if self.value() in filters else queryset


class OwnerFilter(admin.SimpleListFilter):
    """ "My drafts" and everything else of mine: what the signed-in writer created."""

    title = "owner"
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        return [("me", "Mine"), ("my_drafts", "My drafts")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(owner=request.user)
        if self.value() == "my_drafts":
            return queryset.filter(owner=request.user, status=Status.DRAFT)
        return queryset


class MedicalReviewFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("awaiting", "Awaiting sign-off"),
            ("changed", "Changed since review"),
            ("due", f"Due within {review.NOTICE_DAYS} days"),
            ("overdue", "Overdue"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "awaiting":
            return review.awaiting_sign_off(queryset)
        if self.value() == "changed":
            return review.changed_since_review(queryset)
        if self.value() == "due":
            return review.falling_due(queryset, review.notice_by(today)).filter(
                review_due__gte=today
            )
        if self.value() == "overdue":
            return review.falling_due(queryset, today - datetime.timedelta(days=1))
        return queryset


class PublishableAdmin(NormalizedTextMixin, admin.ModelAdmin):
    change_form_template = "admin/publishing/change_form.html"
    object_history_template = "admin/publishing/history.html"
    form = StaleCheckForm

    class Media:
        css = {"all": ["admin/publishing/publishing.css", "css/prose.css"]}
        js = ["admin/publishing/presence.js", "admin/publishing/autocomplete-names.js"]

    list_display = ["title", "status_badge", "updated", "published"]
    list_filter = [StateFilter, OwnerFilter]
    search_fields = ["title", "slug", "meta_title", "focus_keyword"]
    prepopulated_fields = {"slug": ["title"]}
    # At 100,000 rows a full count, or the date drill-down's scan for distinct dates, costs
    # more than the page; the list is sorted by date instead, and filtered by state.
    show_full_result_count = False
    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
    # Request changes needs a note, so it has no bulk form; it lives on the change page.
    actions = [_bulk_action("submit"), _bulk_action("publish"), _bulk_action("unpublish")]
    seo_fieldset = (
        "Search and social",
        {
            "fields": [
                "search_checks",
                "meta_title",
                "meta_description",
                "focus_keyword",
                "canonical_url",
                "noindex",
            ],
        },
    )
    workflow_readonly = [
        "status", "published_at", "first_published_at", "transition_history", "search_checks",
        "medical_review_standing",
    ]  # fmt: skip
    # The stored HTML the search checks read (body_html, answer_html).
    html_field = None

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

    def get_readonly_fields(self, request, obj=None):
        return [
            *super().get_readonly_fields(request, obj),
            *self.workflow_readonly,
            "rendered_text",
        ]

    def get_fieldsets(self, request, obj=None):
        # Someone who may only read sees the text as the page will show it, not Markdown.
        fieldsets = super().get_fieldsets(request, obj)
        shown = self.read_only_displays()
        if obj is None or not shown or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": [shown.get(field, field) for field in options["fields"]]})
            for name, options in fieldsets
        ]

    def read_only_displays(self):
        """{field: display method} for fields a reader sees as the page shows them."""
        if not self.html_field:
            return {}
        return {self.html_field.removesuffix("_html"): "rendered_text"}

    @admin.display(description="text")
    def rendered_text(self, obj):
        # Stored HTML, sanitized by bleach when it was saved.
        html = getattr(obj, self.html_field, "") if obj and self.html_field else ""
        return mark_safe(f'<div class="prose rendered-text">{html}</div>')  # noqa: S308

    def get_queryset(self, request):
        return super().get_queryset(request).with_liveness()

    def get_search_results(self, request, queryset, search_term):
        # The full-text index (or an exact address), not a LIKE over every body.
        indexed = getattr(self.model, "search_fields", None)
        found = search.matching(self.model, search_term) if indexed else None
        if found is None:
            return super().get_search_results(request, queryset, search_term)
        # Read by get_paginator, which the changelist calls next with the same request.
        request.more_matches = found.more
        return queryset.filter(found.filter | Q(slug=search_term.strip())), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        if getattr(request, "more_matches", False):
            # Counted no further: the list pages through the first MATCH_LIMIT, and its
            # templates say there are more.
            paginator.count = search.MATCH_LIMIT
            paginator.more = True
        return paginator

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
                children[name], removed[name] = _parts_from(formset)
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

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, obj):
        return _short_date(obj.updated_at)

    @admin.display(description="published", ordering="published_at")
    def published(self, obj):
        return _short_date(obj.published_at)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        state = obj.status
        if obj.live:
            state = "live-changes" if obj.has_draft_changes else "published"
        return format_html('<span class="status status-{}">{}</span>', state, obj.state_label())

    @admin.display(description="search checks")
    def search_checks(self, obj):
        if obj is None or obj.pk is None:
            return "Save to see advice on how this appears in search results."
        html = getattr(obj, self.html_field) if self.html_field else ""
        return format_html(
            '<ul class="search-checks">{}</ul>',
            format_html_join(
                "",
                '<li class="{}">{} {}</li>',
                (
                    ("ok" if check.ok else "todo", "✓" if check.ok else "✗", check.message)
                    for check in seo.checks(obj, html)
                ),
            ),
        )

    @admin.display(description="standing")
    def medical_review_standing(self, obj):
        # Who signed off which version, and whether the text changed since: written
        # only by sign-offs and publishing, never typed here.
        if obj is None or obj.pk is None:
            return "Not saved yet."
        parent = obj.revision_parent()
        # The admin's object is the working copy already (see get_object).
        context = {
            "item": obj,
            "part_of": parent,
            "standing": review.standing(obj) if parent is None else None,
            "overdue": obj.live and obj.review_due and obj.review_due < timezone.localdate(),
        }
        return render_to_string("admin/publishing/review_standing.html", context)

    @admin.display(description="history")
    def transition_history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    localtime(t.created_at).strftime("%Y-%m-%d %H:%M"),
                    _move_done(t),
                    t.user.get_username() if t.user else "—",
                    t.note or "",
                )
                for t in obj.transitions()
            ),
        )
        if not rows:
            return "No state changes yet."
        return format_html(
            '<table class="transition-history"><thead><tr><th>When</th><th>Change</th>'
            "<th>Who</th><th>Note</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["workflow_moves"] = available_transitions(request.user, obj) if obj else []
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

    def _tell_if_unshared(self, request):
        """Once the change is committed: say so if the shared cache could not be told."""
        if not pagecache.reached_every_server():
            self.message_user(request, UNSHARED, messages.WARNING)

    def run_transition(self, request, obj):
        action = request.POST.get(TRANSITION_FIELD, "")
        if action not in PUBLIC_MOVES:
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

    # --- Comments -----------------------------------------------------------------------

    def _comment_context(self, request, obj):
        threads = list(
            Comment.objects.for_object(obj).filter(parent=None).prefetch_related("replies__user")
        )
        opts = self.opts
        return {
            "comment_threads": threads,
            "open_comments": sum(1 for thread in threads if thread.resolved_at is None),
            "comment_fields": [
                (field.name, capfirst(field.verbose_name)) for field in self.model.content_fields()
            ],
            "comment_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_comment", args=[obj.pk]
            ),
            "resolve_url_name": f"admin:{opts.app_label}_{opts.model_name}_resolve_comment",
            "may_resolve": self._may_resolve(request, obj),
        }

    def _may_resolve(self, request, obj):
        return self.has_change_permission(request, obj) or self.has_publish_permission(request)

    def comment_view(self, request, object_id):
        """Add a comment, or a reply to one, and tell the people in the conversation."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._object_or_404(request, object_id)
        text = revisions.normalize_text(request.POST.get("text", ""))[:COMMENT_MAX_LENGTH]
        back = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        if not text:
            self.message_user(request, "Write something to comment.", messages.ERROR)
            return HttpResponseRedirect(back + "#comments")
        fields = {field.name for field in self.model.content_fields()}
        field = request.POST.get("field", "")
        parent = None
        if parent_id := _int(request.POST.get("parent")):
            parent = Comment.objects.for_object(obj).filter(pk=parent_id).first()
            # Replies form one level under the comment they answer.
            parent = parent.parent or parent if parent else None
        with transaction.atomic():
            comment = Comment.objects.create(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=obj.pk,
                parent=parent,
                user=request.user,
                field=field if field in fields else "",
                text=text,
            )
            notify.comment_added(obj, comment)
        self.message_user(request, "Comment added.", messages.SUCCESS)
        return HttpResponseRedirect(f"{back}#comment-{comment.pk}")

    def resolve_comment_view(self, request, object_id, comment_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._object_or_404(request, object_id)
        comment = get_object_or_404(Comment.objects.for_object(obj), pk=comment_id, parent=None)
        if not (self._may_resolve(request, obj) or comment.user == request.user):
            raise PermissionDenied
        Comment.objects.filter(pk=comment.pk, resolved_at=None).update(
            resolved_at=timezone.now(), resolved_by=request.user
        )
        self.message_user(request, "Comment resolved.", messages.SUCCESS)
        back = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        return HttpResponseRedirect(f"{back}#comment-{comment.pk}")

    # --- Revisions: history, compare, restore, presence --------------------------------

    def get_urls(self):
        opts = self.opts
        name = f"{opts.app_label}_{opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/history/compare/", wrap(self.compare_view),
                 name=f"{name}_compare"),
            path("<path:object_id>/history/<int:revision_id>/restore/",
                 wrap(self.restore_view), name=f"{name}_restore"),
            path("<path:object_id>/presence/", wrap(self.presence_view),
                 name=f"{name}_presence"),
            path("<path:object_id>/comments/", wrap(self.comment_view),
                 name=f"{name}_comment"),
            path("<path:object_id>/comments/<int:comment_id>/resolve/",
                 wrap(self.resolve_comment_view), name=f"{name}_resolve_comment"),
            *super().get_urls(),
        ]  # fmt: skip

    def _object_or_404(self, request, object_id):
        obj = get_object_or_404(self.model, pk=unquote(object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        """One timeline of revisions and transitions, newest first, a page at a time."""
        obj = self._object_or_404(request, object_id)
        queryset = obj.revisions().select_related("user").defer("content")
        page = Paginator(queryset, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
        revisions_shown = list(page.object_list)
        moves = Transition.objects.for_object(obj)
        remarks = Comment.objects.for_object(obj)
        # Each page shows the moves and comments from its oldest revision up to the
        # previous page's oldest, so every one lands on exactly one page.
        if page.has_next() and revisions_shown:
            moves = moves.filter(created_at__gte=revisions_shown[-1].created_at)
            remarks = remarks.filter(created_at__gte=revisions_shown[-1].created_at)
        if page.has_previous():
            newer = queryset[page.start_index() - 2]  # the previous page's oldest
            moves = moves.filter(created_at__lt=newer.created_at)
            remarks = remarks.filter(created_at__lt=newer.created_at)
        timeline = [("revision", r.created_at, r) for r in revisions_shown]
        timeline += [("transition", t.created_at, t) for t in moves.select_related("revision")]
        timeline += [("comment", c.created_at, c) for c in remarks]
        timeline.sort(key=lambda entry: (entry[1], entry[0] == "transition"), reverse=True)
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": opts,
            "timeline": timeline,
            "page_obj": page,
            "may_restore": self.has_change_permission(request, obj),
            "compare_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_compare", args=[obj.pk]
            ),
            "restore_url_name": f"admin:{opts.app_label}_{opts.model_name}_restore",
            "moves": {action: move.done for action, move in TRANSITIONS.items()},
            "stateless": [action for action, move in TRANSITIONS.items() if not move.shows_states],
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id):
        """Two revisions field by field; by default, the live version against the latest."""
        obj = self._object_or_404(request, object_id)
        new_id = request.GET.get("to") or obj.latest_revision_id
        # By default, what a reviewer needs: the changes since the live version,
        # or, for an item never published, since the revision before.
        old_id = (
            request.GET.get("from")
            or obj.live_revision_id
            or (obj.revisions().exclude(pk=_int(new_id)).values_list("pk", flat=True).first())
        )
        chosen = {
            r.pk: r
            for r in obj.revisions().select_related("user").filter(pk__in=[
                i for i in (old_id, new_id) if str(i or "").isdigit()
            ])
        }  # fmt: skip
        old, new = chosen.get(_int(old_id)), chosen.get(_int(new_id))
        fields, parts = ([], [])
        if old is not None and new is not None:
            fields, parts = diff.compare(self.model, old.content, new.content)
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": opts,
            "old": old,
            "new": new,
            "fields": fields,
            "parts": parts,
            "is_live_comparison": old is not None
            and old.pk == obj.live_revision_id
            and new is not None
            and new.pk == obj.latest_revision_id,
            "history_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]
            ),
            "may_restore": self.has_change_permission(request, obj),
            "restore_url_name": f"admin:{opts.app_label}_{opts.model_name}_restore",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/publishing/compare.html", context)

    def restore_view(self, request, object_id, revision_id):
        """Make an old revision the working copy again; publishing it is a separate step."""
        if request.method != "POST":
            return JsonResponse({"error": "POST required."}, status=405)
        obj = self._object_or_404(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        revision = get_object_or_404(obj.revisions(), pk=revision_id)
        with transaction.atomic():
            new = revisions.restore(obj, revision, request.user)
        obj.refresh_from_db()
        if new is None:
            self.message_user(request, "That version is already the working copy.", messages.INFO)
        elif obj.live:
            self.message_user(
                request,
                f"Revision {revision.pk} restored as draft changes. The live page is "
                "unchanged until they are reviewed and published.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, f"Revision {revision.pk} restored as the working copy.", messages.SUCCESS
            )
        opts = self.opts
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    def presence_view(self, request, object_id):
        """Heartbeat from an open change form: who else is here, and the latest revision."""
        obj = self._object_or_404(request, object_id)
        if request.method == "POST" and request.POST.get("leave"):
            presence.leave(obj, request.user)
            return JsonResponse({"ok": True})
        others = presence.touch(obj, request.user)
        latest = None
        if obj.latest_revision_id:
            latest = (
                Revision.objects.select_related("user")
                .defer("content")
                .get(pk=obj.latest_revision_id)
            )
        return JsonResponse({
            "editors": [
                {"name": e["name"], "since": localtime(e["since"]).strftime("%H:%M")}
                for e in others
            ],
            "latest_revision": latest.pk if latest else None,
            "latest_by": latest.author_name if latest else None,
            "latest_by_me": bool(latest and latest.user_id == request.user.pk),
            "latest_at": localtime(latest.created_at).strftime("%H:%M") if latest else None,
        })  # fmt: skip


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


def _move_done(log):
    """A logged move as editors read it: "Published: In review → Published", or, for a
    step that changes no state, what was done ("Signed off the medical review")."""
    move = TRANSITIONS.get(log.action)
    done = move.done if move else log.action
    if log.from_status == log.to_status or (move and not move.shows_states):
        return done
    return f"{done}: {Status(log.from_status).label} → {Status(log.to_status).label}"


def _recent_save_by_another(obj, user):
    """The latest revision, if someone else saved it in the last few minutes."""
    if not obj.latest_revision_id:
        return None
    latest = Revision.objects.select_related("user").defer("content").get(pk=obj.latest_revision_id)
    recent = timezone.now() - latest.created_at < RECENT_SAVE
    return latest if recent and latest.user_id not in (None, user.pk) else None


def _short_date(moment):
    # A day is enough in a list, and keeps the column narrow; the full time is a hover away.
    if moment is None:
        return "—"
    moment = localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(),
        date_format(moment, "j M Y, H:i"),
        date_format(moment, "j M Y"),
    )


def _int(value):
    return int(value) if str(value or "").isdigit() else None


def _parse_moment(value):
    """A datetime-local input's value as an aware datetime, or None when empty."""
    value = (value or "").strip()
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValidationError(f"“{value}” is not a date and time.")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed <= timezone.now():
        return None  # a time already past means now
    return parsed


def _relation_names(obj):
    return set(type(obj).revision_relations)


def _parts_from(formset):
    """The parts the inline forms describe, in order, and those marked for deletion.

    Also sets what formset.save() would, for the admin's change message.
    """
    parts, removed = [], []
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], removed
    for form in formset.forms:
        instance = form.instance
        if formset.can_delete and formset._should_delete_form(form):
            if instance.pk is not None:
                removed.append(instance)
            continue
        if instance.pk is None and not form.has_changed():
            continue
        if instance.pk is None:
            formset.new_objects.append(instance)
        elif form.has_changed():
            formset.changed_objects.append((instance, form.changed_data))
        parts.append(instance)
    parts.sort(key=lambda part: (getattr(part, "order", 0), part.pk or 0))
    return parts, removed


class WorkingCopyInlineMixin(NormalizedTextMixin):
    """Inline parts as the parent's working copy has them, not as the live rows are."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        name = formset.fk.remote_field.get_accessor_name()

        class WorkingCopyFormSet(formset):
            def get_queryset(self):
                if not hasattr(self, "_working"):
                    parent = self.instance
                    if parent is None or parent.pk is None:
                        self._working = []
                    else:
                        self._working = revisions.working_children(parent).get(name, [])
                return self._working

        return WorkingCopyFormSet
