from django.contrib import admin

from articles.admin import ArticleAdmin
from articles.models import Article
from articles.publishing.admin import PublishableAdmin

from .models import FAQEntry


@admin.register(FAQEntry)
class FAQEntryAdmin(PublishableAdmin):
    list_display = ["title", "status_badge", "topic", "article", "order", "updated_at"]
    list_filter = ["status", "topic"]
    list_select_related = ["topic", "article"]
    search_fields = [*PublishableAdmin.search_fields, "answer"]
    autocomplete_fields = ["topic", "article"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "answer", "topic", "article", "order"]}),
        PublishableAdmin.seo_fieldset,
        ("Publication", {"fields": ["status", "published_at", "first_published_at",
                                    "transition_history"]}),
    ]


class FAQInline(admin.StackedInline):
    model = FAQEntry
    fk_name = "article"
    fields = ["title", "answer", "order", "status"]
    readonly_fields = ["status"]
    extra = 0
    show_change_link = True
    ordering = ["order", "pk"]


# The articles app cannot know about FAQs, so this app adds its inline to the
# article admin, keeping the dependency one-way.
admin.site.unregister(Article)


@admin.register(Article)
class ArticleWithFAQAdmin(ArticleAdmin):
    inlines = [*ArticleAdmin.inlines, FAQInline]
