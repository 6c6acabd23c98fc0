from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from . import meta
from .models import Article, Author, Topic
from .publishing.seo import PageMetaMixin

PAGE_SIZE = 10
RELATED = 3


def published_articles():
    return Article.objects.published().select_related("author", "topic")


class HomeView(PageMetaMixin, ListView):
    template_name = "articles/home.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return published_articles()

    def get_page_meta(self, context):
        return meta.home(context["page_obj"])


class ArticleDetailView(PageMetaMixin, DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return published_articles().select_related("reviewed_by")

    def get_context_data(self, **kwargs):
        # FAQ entries reach the article through the reverse relation, so this app
        # never imports the faq app; published() comes from the shared queryset.
        kwargs["faqs"] = list(self.object.faqs.published())
        kwargs["related"] = self.related()
        return super().get_context_data(**kwargs)

    def related(self):
        """The latest other articles on the same topic: internal links readers can use."""
        if not self.object.topic_id:
            return []
        others = Article.objects.published().filter(topic_id=self.object.topic_id)
        return list(others.exclude(pk=self.object.pk).only("title", "slug")[:RELATED])

    def get_page_meta(self, context):
        return meta.article(self.object, context["faqs"])


class ArticleFilterView(PageMetaMixin, ListView):
    """Published articles about one topic or by one author."""

    model = None
    field = None
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.subject = get_object_or_404(self.model, slug=self.kwargs["slug"])
        return published_articles().filter(**{self.field: self.subject})

    def get_context_data(self, **kwargs):
        kwargs["subject"] = self.subject
        return super().get_context_data(**kwargs)


class TopicView(ArticleFilterView):
    model, field = Topic, "topic"
    template_name = "articles/topic.html"

    def get_page_meta(self, context):
        return meta.topic(self.subject, context["page_obj"])


class AuthorView(ArticleFilterView):
    model, field = Author, "author"
    template_name = "articles/author.html"

    def get_page_meta(self, context):
        return meta.author(self.subject, context["page_obj"])


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /markdownx/",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
