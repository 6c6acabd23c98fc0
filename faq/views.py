from django.core.paginator import InvalidPage, Paginator
from django.db.models import Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.views.generic import ListView, TemplateView

from articles.models import Article, Topic
from articles.publishing import pagecache, revisions, sharing
from articles.publishing.paging import PaginatedMixin
from articles.publishing.seo import PageMetaMixin
from articles.views import preview_articles, shared_article

from . import meta
from .models import GENERAL, FAQEntry, answered_topics

TOPICS_PER_PAGE = 20
SHOWN_PER_TOPIC = 5
# Each with its whole answer: a page a reader gets through, as a topic's page of articles.
ENTRIES_PER_PAGE = 20


def live_entries():
    return FAQEntry.objects.published()


class FAQIndexView(PageMetaMixin, TemplateView):
    """The hub: topics with FAQs, a page of them at a time, each with its first questions."""

    template_name = "faq/index.html"
    paginates, page_kwarg = True, "page"

    def get_context_data(self, **kwargs):
        try:
            page = Paginator(answered_topics(), TOPICS_PER_PAGE).page(
                self.request.GET.get(self.page_kwarg) or 1
            )
        except InvalidPage:
            # A page past the end is no page: a 404, never the last page again.
            raise Http404("No such page.") from None
        pagecache.keys.lists(pagecache.keys.FAQ)
        groups = [(topic, topic.slug, topic.name) for topic in page.object_list]
        if not page.has_next() and live_entries().filter(topic=None).exists():
            groups.append((None, GENERAL, "General"))
        # A few questions per topic, each an indexed LIMIT: bounded by the page size,
        # however many questions a topic holds, and made once per change.
        kwargs["groups"] = pagecache.memo(
            f"faq-hub:{page.number}",
            lambda: [
                {
                    "slug": slug,
                    "name": name,
                    "questions": list(
                        live_entries().filter(topic=topic).only("title", "slug")[:SHOWN_PER_TOPIC]
                    ),
                }
                for topic, slug, name in groups
            ],
        )
        kwargs["page_obj"] = page
        return super().get_context_data(**kwargs)

    def get_page_meta(self, context):
        return meta.index(context["page_obj"])


class FAQTopicView(PaginatedMixin, PageMetaMixin, ListView):
    """One topic's questions and answers, a page at a time."""

    template_name = "faq/topic.html"
    context_object_name = "entries"
    paginate_by = ENTRIES_PER_PAGE

    def get_queryset(self):
        slug = self.kwargs["slug"]
        if slug == GENERAL:
            self.topic, self.name = None, "General"
            entries = live_entries().filter(Q(topic=None) | Q(topic__slug=GENERAL))
        else:
            self.topic = Topic.objects.filter(slug=slug).first()
            if self.topic is None:
                raise Http404("No such topic.")
            self.name = self.topic.name
            entries = live_entries().filter(topic=self.topic)
        # What the page and its JSON-LD show: no timestamps, no Markdown; the clinician who
        # reviewed a health answer, in the same query.
        return entries.select_related("reviewed_by").only(
            "title", "slug", "answer_html", "article_id", "last_reviewed",
            "reviewed_by__name", "reviewed_by__slug", "reviewed_by__job_title",
        )  # fmt: skip

    def paginate_queryset(self, queryset, page_size):
        paginator, page, entries, is_paginated = super().paginate_queryset(queryset, page_size)
        # Link to the article only where the public can follow the link: the page's few
        # live articles in one query, rather than a join the planner runs over every row.
        entries = list(entries)
        pagecache.keys.lists(pagecache.keys.FAQ)
        pagecache.keys.tag(*map(pagecache.keys.item, entries))
        wanted = {entry.article_id for entry in entries} - {None}
        live = Article.objects.published().filter(pk__in=wanted).only("title", "slug")
        articles = {article.pk: article for article in live}
        for entry in entries:
            entry.live_article = articles.get(entry.article_id)
            entry.article_is_live = entry.live_article is not None
        page.object_list = entries
        return paginator, page, entries, is_paginated

    def get_context_data(self, **kwargs):
        kwargs.update(topic=self.topic, name=self.name, slug=self.kwargs["slug"])
        return super().get_context_data(**kwargs)

    def get_page_meta(self, context):
        return meta.topic(self.name, self.kwargs["slug"], context["page_obj"])


def preview_entries():
    return FAQEntry.objects.with_liveness().select_related("topic", "reviewed_by")


@sharing.page_for(FAQEntry, queryset=preview_entries)
def shared_entry(request, entry, context):
    """An entry shown on an article is shared as its article's page; one on its own as
    its topic's page, with only this entry, from its working copy."""
    if entry.article_id:
        article = preview_articles().get(pk=entry.article_id)
        return shared_article(request, article, context)
    entry = revisions.working_copy(entry)
    entry.live_article, entry.article_is_live = None, False
    topic = entry.topic
    name, slug = (topic.name, topic.slug) if topic else ("General", GENERAL)
    page = Paginator([entry], 1).page(1)
    page_meta = meta.topic(name, slug, page)
    page_meta.noindex = True
    return TemplateResponse(
        request,
        "faq/topic.html",
        {"entries": [entry], "page_obj": page, "topic": topic, "name": name, "slug": slug,
         "meta": page_meta, **context},
    )  # fmt: skip
