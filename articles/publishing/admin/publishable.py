"""PublishableAdmin: the admin every publishable model shares, made of one mixin per
concern, with the addresses of their views."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.urls import path
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from .autosave import AutosaveMixin
from .changeform import ChangeFormMixin
from .comments import CommentsMixin
from .forms import MomentField, NormalizedTextMixin, StaleCheckForm
from .history import HistoryMixin
from .lists import ListMixin, OwnerFilter, StateFilter
from .moves import MovesMixin, _bulk_action
from .presence import PresenceMixin
from .readonly import ReadOnlyFieldsMixin
from .sharing import SharingMixin
from .trash import TrashMixin, bulk_trash
from .writing import WritingToolsMixin


class PublishableAdmin(
    ChangeFormMixin,
    AutosaveMixin,
    TrashMixin,
    MovesMixin,
    ReadOnlyFieldsMixin,
    ListMixin,
    CommentsMixin,
    SharingMixin,
    HistoryMixin,
    PresenceMixin,
    WritingToolsMixin,
    NormalizedTextMixin,
    admin.ModelAdmin,
):
    change_form_template = "admin/publishing/change_form.html"
    object_history_template = "admin/publishing/history.html"
    form = StaleCheckForm

    class Media:
        css = {
            "all": [
                "admin/publishing/publishing.css", "css/prose.css", "admin/publishing/toolbar.css",
            ]
        }  # fmt: skip
        js = [
            "admin/publishing/presence.js", "admin/publishing/autocomplete-names.js",
            "admin/publishing/toolbar.js", "admin/publishing/keep.js",
            "admin/publishing/action-bar.js", "admin/publishing/tab-key.js",
        ]  # fmt: skip

    list_display = ["title", "status_badge", "updated", "published"]
    list_filter = [StateFilter, OwnerFilter]
    search_fields = ["title", "slug", "meta_title", "focus_keyword"]
    prepopulated_fields = {"slug": ["title"]}
    # At 100,000 rows a full count, or the date drill-down's scan for distinct dates, costs
    # more than the page; the list is sorted by date instead, and filtered by state.
    show_full_result_count = False
    # Twenty rows a page, as WordPress's posts screen and Wagtail's listings show, not
    # Django's hundred: a page of a hundred weighed 100 KB and took 60 ms more to make,
    # for rows an editor scrolls past; a search or a filter finds the rest.
    list_per_page = 20
    formfield_overrides = {
        MarkdownxField: {"widget": AdminMarkdownxWidget},
        models.DateTimeField: {"form_class": MomentField, "widget": MomentField.widget},
    }
    # Request changes needs a note, so it has no bulk form; it lives on the change page.
    actions = [
        _bulk_action("submit"), _bulk_action("publish"), _bulk_action("unpublish"), bulk_trash,
    ]  # fmt: skip
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
    publication_fieldset = (
        "Publication",
        {"fields": [
            "status", "published_at", "expires_at", "first_published_at", "transition_history",
        ]},
    )  # fmt: skip
    workflow_readonly = [
        "status", "published_at", "first_published_at", "transition_history", "search_checks",
        "medical_review_standing",
    ]  # fmt: skip
    # The stored HTML the search checks read (body_html, answer_html).
    html_field = None

    def get_queryset(self, request):
        return super().get_queryset(request).with_liveness()

    def get_urls(self):
        opts = self.opts
        name = f"{opts.app_label}_{opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            *self.writing_urls(),
            *self.trash_urls(),
            path("<path:object_id>/history/compare/", wrap(self.compare_view),
                 name=f"{name}_compare"),
            path("<path:object_id>/history/<int:revision_id>/restore/",
                 wrap(self.restore_view), name=f"{name}_restore"),
            path("<path:object_id>/presence/", wrap(self.presence_view),
                 name=f"{name}_presence"),
            path("autosave/", wrap(self.autosave_view), name=f"{name}_autosave_new"),
            path("<path:object_id>/autosave/", wrap(self.autosave_view),
                 name=f"{name}_autosave"),
            path("<path:object_id>/comments/", wrap(self.comment_view),
                 name=f"{name}_comment"),
            path("<path:object_id>/comments/<int:comment_id>/resolve/",
                 wrap(self.resolve_comment_view), name=f"{name}_resolve_comment"),
            path("<path:object_id>/share/", wrap(self.share_view), name=f"{name}_share"),
            path("<path:object_id>/share/<int:link_id>/revoke/",
                 wrap(self.revoke_share_view), name=f"{name}_revoke_share"),
            *super().get_urls(),
        ]  # fmt: skip

    def _object_or_404(self, request, object_id):
        obj = get_object_or_404(self.model, pk=unquote(object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj
