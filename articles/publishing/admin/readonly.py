"""Read-only fields on the change form: the text as the page shows it, the search
checks, the medical review's standing, and the history of state changes."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from .. import review, seo
from ..models import Status
from ..workflow import TRANSITIONS

# The change form lists the latest few state changes; the history page has every one,
# a page at a time. An item saved live hundreds of times logs a change for each.
TRANSITIONS_SHOWN = 10


class ReadOnlyFieldsMixin:
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
        # One more than shown says whether there are more, without counting them all.
        latest = list(obj.transitions()[: TRANSITIONS_SHOWN + 1])
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
                for t in latest[:TRANSITIONS_SHOWN]
            ),
        )
        if not rows:
            return "No state changes yet."
        table = format_html(
            '<table class="transition-history"><thead><tr><th>When</th><th>Change</th>'
            "<th>Who</th><th>Note</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )
        if len(latest) <= TRANSITIONS_SHOWN:
            return table
        opts = obj._meta
        history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        return format_html(
            '{}<p class="transition-more">The latest {}. <a href="{}">Every change is in the '
            "history</a>.</p>",
            table,
            TRANSITIONS_SHOWN,
            history,
        )


def _move_done(log):
    """A logged move as editors read it: "Published: In review → Published", or, for a
    step that changes no state, what was done ("Signed off the medical review")."""
    move = TRANSITIONS.get(log.action)
    done = move.done if move else log.action
    if log.from_status == log.to_status or (move and not move.shows_states):
        return done
    return f"{done}: {Status(log.from_status).label} → {Status(log.to_status).label}"
