from django.contrib import admin

from .models import Article, Author, Topic, Transition
from .publishing.admin import PublishableAdmin


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "slug"]
    search_fields = ["name", "job_title"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(PublishableAdmin):
    list_display = ["title", "status_badge", "author", "topic", "updated_at", "published_at"]
    list_filter = ["status", "topic", "author"]
    list_select_related = ["author", "topic"]
    search_fields = [*PublishableAdmin.search_fields, "summary", "body"]
    autocomplete_fields = ["author", "reviewed_by", "topic"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        ("Byline and review", {"fields": ["author", "topic", "reviewed_by", "last_reviewed"]}),
        ("Hero image", {"fields": ["hero_image", "hero_image_alt"]}),
        PublishableAdmin.seo_fieldset,
        ("Publication", {"fields": ["status", "published_at", "first_published_at",
                                    "transition_history"]}),
    ]


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    """The audit log: readable by editors, written only by the workflow."""

    list_display = ["created_at", "object_repr", "content_type", "from_status", "to_status",
                    "user", "note"]
    list_filter = ["to_status", "content_type"]
    search_fields = ["object_repr", "note", "user__username"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
