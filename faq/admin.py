from django.contrib import admin
from django.urls import reverse

from articles.admin import ArticleAdmin
from articles.models import Article, Status
from articles.publishing.admin import (
    MedicalReviewFilter,
    OwnerFilter,
    PublishableAdmin,
    StateFilter,
    WorkingCopyInlineMixin,
    WritingToolsInlineMixin,
)

from .models import FAQEntry


@admin.register(FAQEntry)
class FAQEntryAdmin(PublishableAdmin):
    list_display = ["title", "status_badge", "topic", "article", "order", "updated"]
    list_filter = [StateFilter, OwnerFilter, MedicalReviewFilter, "topic"]
    list_select_related = ["topic", "article"]
    # Latest changes first, from the index on the date: "order" only means something
    # within one article, and sorting every entry by it read the whole table.
    ordering = ["-updated_at"]
    search_fields = [*PublishableAdmin.search_fields, "answer"]
    autocomplete_fields = ["topic", "article"]
    html_field = "answer_html"
    # An entry shown on an article is edited there, so it is reviewed with the page.
    part_readonly = [
        "medical_review",
        "review_interval",
        "title",
        "slug",
        "answer",
        "topic",
        "article",
        "order",
        "meta_title",
        "meta_description",
        "focus_keyword",
        "canonical_url",
        "noindex",
        # It comes down with its article, to the second.
        "expires_at",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "answer", "topic", "article", "order"]}),
        (
            "Medical review",
            {"fields": ["medical_review_standing", "medical_review", "review_interval"]},
        ),
        PublishableAdmin.seo_fieldset,
        PublishableAdmin.publication_fieldset,
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.article_id:
            fields = [*fields, *self.part_readonly]
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.article_id:
            return {}  # its slug is read-only here
        return super().get_prepopulated_fields(request, obj)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and obj.article_id:
            context["part_of"] = obj.article
            context["part_of_url"] = reverse("admin:articles_article_change", args=[obj.article_id])
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)


class FAQInline(WritingToolsInlineMixin, WorkingCopyInlineMixin, admin.StackedInline):
    model = FAQEntry
    fk_name = "article"
    fields = ["title", "answer", "order", "status"]
    readonly_fields = ["status"]
    extra = 0
    show_change_link = True
    # Folded by default: the article's own text is what is being edited.
    classes = ["collapse"]
    ordering = ["order", "pk"]

    def get_formset(self, request, obj=None, **kwargs):
        # Same rule as the FAQ admin: an entry in review waits for the editor, so a
        # writer cannot alter it from here. Live entries are safe to edit: the change
        # is a draft of the article until it is published.
        formset = super().get_formset(request, obj, **kwargs)
        may_edit_any = request.user.has_perm("faq.publish_faqentry")
        content_fields = [name for name in self.fields if name not in self.readonly_fields]

        class GuardedFormSet(formset):
            def _construct_form(self, i, **kwargs):
                form = super()._construct_form(i, **kwargs)
                if not may_edit_any and form.instance.status == Status.IN_REVIEW:
                    for name in content_fields:
                        form.fields[name].disabled = True
                return form

        return GuardedFormSet


# The articles app cannot know about FAQs, so this app adds its inline to the
# article admin, keeping the dependency one-way.
admin.site.unregister(Article)


@admin.register(Article)
class ArticleWithFAQAdmin(ArticleAdmin):
    inlines = [*ArticleAdmin.inlines, FAQInline]
