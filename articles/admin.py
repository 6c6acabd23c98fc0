import copy

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.clickjacking import xframe_options_sameorigin

from . import search_panel
from .admin_filters import LinkedFilter
from .forms import ImportForm
from .models import Article, Author, Notification, Topic, Transition, UndeliveredMail
from .publishing import delivery, review, revisions
from .publishing.admin import (
    MedicalReviewFilter,
    NormalizedTextMixin,
    OwnerFilter,
    PublishableAdmin,
    StateFilter,
)
from .publishing.admin.inlines import parts_from
from .publishing.admin.sources import SourceChecksMixin
from .publishing.importing.load import Options, import_file
from .publishing.library.admin import ImageAdmin, LabelledFileWidget
from .publishing.library.models import Image
from .publishing.webhooks import admin as webhooks_admin  # noqa: F401 - registers them
from .views import page_context, preview_articles, working_page

admin.site.register(Image, ImageAdmin)


@admin.register(Author)
class AuthorAdmin(NormalizedTextMixin, admin.ModelAdmin):
    list_display = ["name", "job_title", "slug", "user"]
    search_fields = ["name", "job_title"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    list_select_related = ["user"]


@admin.register(Topic)
class TopicAdmin(NormalizedTextMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "medical", "review_interval"]
    list_filter = ["medical"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(SourceChecksMixin, PublishableAdmin):
    list_display = ["title", "status_badge", "author", "topic", "updated", "published"]
    list_filter = [
        StateFilter, OwnerFilter, MedicalReviewFilter, "topic", "author", "cornerstone",
        LinkedFilter,
    ]  # fmt: skip
    list_select_related = ["author", "topic"]
    search_fields = [*PublishableAdmin.search_fields, "summary", "body"]
    autocomplete_fields = ["author", "topic"]
    raw_id_fields = ["hero"]
    html_field = "body_html"
    formfield_overrides = {
        **PublishableAdmin.formfield_overrides,
        models.ImageField: {"widget": LabelledFileWidget},
    }

    class Media:
        js = ["admin/publishing/search-panel.js", "admin/publishing/preview.js"]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The page as the form stands, unsaved: in a new tab, or in the panel beside it.
        context["unsaved_preview_url"] = (
            reverse("admin:articles_article_preview", args=[obj.pk])
            if obj is not None
            else reverse("admin:articles_article_preview_new")
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "cornerstone"]}),
        ("Sources", {"fields": ["sources"]}),
        ("Byline", {"fields": ["author", "topic"]}),
        (
            "Medical review",
            {"fields": ["medical_review_standing", "medical_review", "review_interval"]},
        ),
        (
            "Hero image",
            {
                "fields": ["hero", "hero_image", "hero_image_alt"],
                "description": "Choose the hero from the image library. An image uploaded "
                "here instead is shown only when none is chosen.",
            },
        ),
        PublishableAdmin.seo_fieldset,
        PublishableAdmin.publication_fieldset,
    ]

    workflow_readonly = [
        *PublishableAdmin.workflow_readonly, "sources_list",
    ]  # fmt: skip

    def read_only_displays(self):
        return {**super().read_only_displays(), "sources": "sources_list"}

    @admin.display(description="sources")
    def sources_list(self, obj):
        listed = obj.source_list if obj is not None else []
        if not listed:
            return "None."
        # The page's own list (a Jinja2 template, which returns plain text it escaped).
        html = render_to_string("admin/articles/article/sources.html", {"sources": listed})
        return mark_safe(html)  # noqa: S308

    def view_on_site(self, obj):
        # Live articles open on the site; anything else opens the staff preview.
        if obj.is_live and not obj.has_draft_changes:
            return obj.get_absolute_url()
        return reverse("admin:articles_article_preview", args=[obj.pk])

    change_list_template = "admin/articles/article/change_list.html"

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        upload = self.admin_site.admin_view(self.import_view)
        return [
            path("<int:pk>/preview/", preview, name="articles_article_preview"),
            path("preview/", preview, name="articles_article_preview_new"),
            path(
                "search-panel/",
                self.admin_site.admin_view(self.search_panel_view),
                name="articles_article_search_panel",
            ),
            path("import/", upload, name="articles_article_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload files and import them with the same code as import_content, file by file.

        The page's script sends one file per request and adds each row as it comes, with
        a progress bar; without the script the whole batch goes in one post.
        """
        if not self.has_add_permission(request):
            raise PermissionDenied
        reports = []
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            options = Options(
                user=request.user,
                author=form.cleaned_data["author"],
                topic=form.cleaned_data["topic"],
                title=form.cleaned_data["title"].strip(),
                force=form.cleaned_data["force"],
                dry_run=form.cleaned_data["dry_run"],
                via="admin",
            )
            reports = [
                import_file(upload.name, upload.read(), options)
                for upload in form.cleaned_data["files"]
            ]
        rows = [(report, self._import_links(report)) for report in reports]
        context = {
            **self.admin_site.each_context(request),
            "title": "Import articles",
            "opts": self.opts,
            "form": form,
            "rows": rows,
            "dry_run": form.is_bound and form.is_valid() and form.cleaned_data["dry_run"],
            "failed": sum(not report.ok for report in reports),
        }
        template = "admin/articles/article/import.html"
        if request.headers.get("X-Requested-With") == "XMLHttpRequest":
            template = "admin/articles/article/import_rows.html"
        return TemplateResponse(request, template, context)

    def _import_links(self, report):
        """Links to the articles a file created or updated, to open them straight away."""
        slugs = [item.slug for item in report.items if item.kind == "article"]
        found = Article.objects.filter(slug__in=slugs).values_list("slug", "pk", "title")
        return [
            (title, reverse("admin:articles_article_change", args=[pk])) for _, pk, title in found
        ]

    @admin.display(description="search and social")
    def search_checks(self, obj):
        # The same panel the editor's script refreshes as the writer types.
        article = obj if obj is not None else Article()
        article.render()
        return render_to_string(
            "admin/articles/article/search_panel.html", search_panel.context(article)
        )

    def search_panel_view(self, request):
        """The search panel for the form as it stands, unsaved: checks, previews, JSON-LD."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        pk = request.GET.get("pk")
        obj = get_object_or_404(self.get_queryset(request), pk=pk) if pk else None
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        article = copy.copy(revisions.working_copy(obj)) if obj else Article()
        form = self.get_form(request, obj, change=obj is not None)(request.POST, instance=article)
        form.is_valid()  # fills the instance with every field that is valid, saves nothing
        article.render()
        context = search_panel.context(article)
        return TemplateResponse(request, "admin/articles/article/search_panel.html", context)

    @method_decorator(xframe_options_sameorigin)  # shown in the form's preview panel
    def preview_view(self, request, pk=None):
        """The public page as it will look, for staff, whatever the article's state.

        GET shows the working copy, with its draft changes: what the reviewer is asked to
        approve. POST shows the change form as it stands, unsaved (the Preview button and
        the preview panel post the form here): nothing is saved, no file is stored.
        """
        if request.method not in ("GET", "POST") or (pk is None and request.method == "GET"):
            return HttpResponseNotAllowed(["POST"] if pk is None else ["GET", "POST"])
        saved = get_object_or_404(preview_articles(), pk=pk) if pk is not None else None
        allowed = (
            self.has_view_permission(request, saved)
            if request.method == "GET"
            else self.has_change_permission(request, saved)
            if saved is not None
            else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        if request.method == "GET":
            context = working_page(saved)
        else:
            context = page_context(*self._unsaved(request, saved))
        context.update(
            preview=True,
            unsaved=request.method == "POST",
            standing=review.standing(context["article"]) if saved is not None else None,
        )
        response = TemplateResponse(request, "articles/article_detail.html", context)
        response["X-Robots-Tag"] = "noindex"
        return response

    def _unsaved(self, request, saved):
        """The article and its FAQ entries as the posted form has them; nothing saved."""
        article = copy.copy(revisions.working_copy(saved)) if saved else Article()
        hero, renditions = article.hero_image, article.hero_renditions
        form = self.get_form(request, saved, change=saved is not None)(
            request.POST, request.FILES, instance=article
        )
        form.is_valid()  # fills the instance with every field that is valid, saves nothing
        # A new upload is stored when the form is saved, not by a preview.
        article.hero_image, article.hero_renditions = hero, renditions
        article.slug = article.slug or slugify(article.title)[:200] or "preview"
        article.render()
        formsets, _ = self._create_formsets(request, article, change=saved is not None)
        faqs = None
        for formset in formsets:
            formset.is_valid()
            if formset.fk.remote_field.get_accessor_name() == "faqs":
                faqs, _removed = parts_from(formset)
        if faqs is None:  # no FAQ entries in the form: the saved ones stand
            faqs = revisions.working_children(saved).get("faqs", []) if saved else []
        for entry in faqs:
            entry.render()
        return article, faqs


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the application writes: shown, never added, edited or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    """The audit log: readable by editors, written only by the workflow."""

    list_display = [
        "created_at",
        "object_repr",
        "content_type",
        "from_status",
        "to_status",
        "user",
        "note",
    ]
    list_filter = ["to_status", "content_type"]
    search_fields = ["object_repr", "note", "user__username"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class InboxAdmin(ReadOnlyAdmin):
    """Each person's notifications: theirs only, newest first, marked read when opened."""

    list_display = ["message_link", "actor", "created_at", "read"]
    # The message is itself the link that opens the item and marks it read.
    list_display_links = None
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["actor"]
    actions = ["mark_read"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or obj.recipient_id == request.user.pk
        )

    @admin.display(description="notification")
    def message_link(self, obj):
        url = reverse("admin:articles_notification_open", args=[obj.pk])
        weight = "" if obj.read_at else "unread"
        return format_html('<a class="{}" href="{}">{}</a>', weight, url, obj.message)

    @admin.display(description="read", boolean=True)
    def read(self, obj):
        return obj.read_at is not None

    @admin.action(description="Mark as read")
    def mark_read(self, request, queryset):
        queryset.filter(read_at=None).update(read_at=timezone.now())

    def get_urls(self):
        return [
            path(
                "<int:pk>/open/",
                self.admin_site.admin_view(self.open_view),
                name="articles_notification_open",
            ),
            *super().get_urls(),
        ]

    def open_view(self, request, pk):
        """Mark it read and go to the item it is about."""
        notification = get_object_or_404(self.get_queryset(request), pk=pk)
        if notification.read_at is None:
            Notification.objects.filter(pk=pk).update(read_at=timezone.now())
        return HttpResponseRedirect(notification.url)


class DeliveryFilter(admin.SimpleListFilter):
    title = "delivery"
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("retrying", "Will be retried"), ("given_up", "Given up")]

    def queryset(self, request, queryset):
        if self.value() == "retrying":
            return queryset.exclude(next_attempt_at=None)
        if self.value() == "given_up":
            return queryset.filter(next_attempt_at=None)
        return queryset


@admin.register(UndeliveredMail)
class UndeliveredMailAdmin(ReadOnlyAdmin):
    """E-mail that failed to send: to whom, why, how often, when next; and Retry now."""

    list_display = [
        "recipient", "address", "message", "last_error", "attempts", "next_attempt", "created_at",
    ]  # fmt: skip
    list_filter = [DeliveryFilter]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "recipient__email", "message", "last_error"]
    fields = readonly_fields = [
        "recipient", "address", "message", "created_at", "attempts", "last_error", "next_attempt",
    ]  # fmt: skip
    actions = ["retry_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).undelivered()

    def has_retry_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.retry_{opts.model_name}")

    @admin.display(description="address")
    def address(self, obj):
        return obj.recipient.email or "—"

    @admin.display(description="next attempt", ordering="next_attempt_at")
    def next_attempt(self, obj):
        if obj.next_attempt_at is None:
            return "Given up"
        return date_format(timezone.localtime(obj.next_attempt_at), "j M Y, H:i")

    @admin.action(description="Retry now", permissions=["retry"])
    def retry_now(self, request, queryset):
        count = delivery.retry_now(queryset)
        self.message_user(
            request,
            f"{count} e-mail{'s' if count != 1 else ''} will be sent again now.",
            messages.SUCCESS,
        )
