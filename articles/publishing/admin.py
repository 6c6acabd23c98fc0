"""Admin behaviour shared by every publishable model: workflow buttons, history, actions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from . import seo
from .models import Status
from .workflow import (
    TRANSITIONS,
    InvalidTransition,
    available_transitions,
    permission_name,
    transition,
)

TRANSITION_FIELD = "_transition"
NOTE_FIELD = "_transition_note"


def _bulk_action(action):
    move = TRANSITIONS[action]

    def run(modeladmin, request, queryset):
        modeladmin.run_bulk_transition(request, queryset, action)

    run.__name__ = f"bulk_{action}"
    return admin.action(
        description=f"{move.label} selected %(verbose_name_plural)s", permissions=[action]
    )(run)


class PublishableAdmin(admin.ModelAdmin):
    change_form_template = "admin/publishing/change_form.html"
    list_display = ["title", "status_badge", "updated_at", "published_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "meta_title", "focus_keyword"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "updated_at"
    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
    # Request changes needs a note, so it has no bulk form; it lives on the change page.
    actions = [_bulk_action("submit"), _bulk_action("publish"), _bulk_action("unpublish")]
    seo_fieldset = (
        "Search and social",
        {
            "fields": ["search_checks", "meta_title", "meta_description", "focus_keyword",
                       "canonical_url", "noindex"],
        },
    )
    workflow_readonly = ["status", "first_published_at", "transition_history", "search_checks"]
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
        # Content in review or live changes only with a publisher's say-so;
        # writers edit drafts, as in WordPress's contributor role.
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and obj.status != Status.DRAFT:
            return self.has_publish_permission(request)
        return allowed

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *self.workflow_readonly]
        if not self.has_publish_permission(request):
            fields.append("published_at")  # scheduling is an editor's call
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).with_liveness()

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        label = obj.get_status_display()
        if obj.is_scheduled:
            label = "Scheduled"
        return format_html('<span class="status status-{}">{}</span>', obj.status, label)

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

    @admin.display(description="history")
    def transition_history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    localtime(t.created_at).strftime("%Y-%m-%d %H:%M"),
                    Status(t.from_status).label,
                    Status(t.to_status).label,
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
        children = obj.workflow_children() if obj else None
        if children is not None and children.exists():
            context["workflow_children"] = children.model._meta.verbose_name_plural
        context["transition_field"] = TRANSITION_FIELD
        context["note_field"] = NOTE_FIELD
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        # The edits are saved first, so a refused move never loses what was typed.
        if TRANSITION_FIELD in request.POST:
            self.run_transition(request, obj)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # An item that is read-only to this user (in review, say) can still be moved
        # on by them if the workflow allows it: the buttons post without the form.
        if request.method == "POST" and object_id and TRANSITION_FIELD in request.POST:
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_view_permission(request, obj):
                raise PermissionDenied
            if not self.has_change_permission(request, obj):
                self.run_transition(request, obj)
                return HttpResponseRedirect(request.path)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def run_transition(self, request, obj):
        action = request.POST.get(TRANSITION_FIELD, "")
        try:
            transition(obj, action, request.user, note=request.POST.get(NOTE_FIELD, ""))
        except (PermissionDenied, InvalidTransition) as error:
            self.message_user(request, str(error) or "You may not do that.", messages.ERROR)
            return False
        move = TRANSITIONS[action]
        self.message_user(
            request, f"{move.label}: “{obj}” is now {obj.get_status_display().lower()}.",
            messages.SUCCESS,
        )
        return True

    def run_bulk_transition(self, request, queryset, action):
        done, failures = 0, []
        for obj in queryset:
            try:
                transition(obj, action, request.user)
                done += 1
            except (PermissionDenied, InvalidTransition) as error:
                failures.append(str(error))
        label = TRANSITIONS[action].label
        if done:
            self.message_user(request, f"{label}: {done} item(s) done.", messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.ERROR)
