from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce
from django.views.generic import ListView

from articles.models import Article
from articles.publishing.seo import PageMetaMixin

from . import meta
from .models import FAQEntry


class FAQIndexView(PageMetaMixin, ListView):
    template_name = "faq/index.html"
    context_object_name = "entries"

    def get_queryset(self):
        return (
            FAQEntry.objects.published()
            .select_related("topic", "article")
            # Link to the article only where the public can follow the link.
            .annotate(
                article_is_live=Exists(Article.objects.published().filter(pk=OuterRef("article"))),
                # An entry without a topic of its own is filed under its article's.
                shown_topic=Coalesce("topic__name", "article__topic__name"),
                shown_topic_slug=Coalesce("topic__slug", "article__topic__slug"),
            )
            .order_by(F("shown_topic").asc(nulls_last=True), "order", "pk")
        )

    def get_page_meta(self, context):
        return meta.index(context["entries"])
