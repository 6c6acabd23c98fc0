from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import DetailView, ListView, TemplateView

from . import meta
from .forms import FeedbackForm
from .models import Article, Author, Topic, part_model
from .publishing import llms, pagecache, revisions, search, seo, sharing
from .publishing.paging import PaginatedMixin
from .publishing.paths import slug_path
from .publishing.seo import PageMetaMixin

FAQEntry = part_model("faqs")

PAGE_SIZE = 10
RELATED = 3
LATEST_PER_TOPIC = 3
REVIEWED_SHOWN = 20
# Articles per topic in /llms.txt: the latest, with the sitemap for the rest.
LLMS_PER_TOPIC = 10


def published_articles():
    return Article.objects.published().select_related("author", "topic", "hero")


def shared(model, pk):
    """The author or topic ``pk`` as of the last change (a save of either starts a new
    one), or None; callers must not change it."""
    if pk is None:
        return None
    return pagecache.memo(
        f"{model._meta.model_name}:{pk}", lambda: model.objects.filter(pk=pk).first()
    )


# Newest first, the id settling ties, as the lists' indexes hold them.
LIST_ORDER = ("published_at", "updated_at", "pk")


def listed_articles():
    return published_articles().order_by(*(f"-{name}" for name in LIST_ORDER))


class HomeView(PaginatedMixin, PageMetaMixin, ListView):
    template_name = "articles/home.html"
    paginate_by = PAGE_SIZE
    keyset = LIST_ORDER

    def get_queryset(self):
        return listed_articles()

    def get_page_meta(self, context):
        return meta.home(context["page_obj"])


class ArticleDetailView(PageMetaMixin, DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.published().select_related("hero")

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        # Few people and topics are shared by many articles: each is read once per change,
        # not joined into every article's query.
        article.author = shared(Author, article.author_id)
        article.reviewed_by = shared(Author, article.reviewed_by_id)
        article.topic = shared(Topic, article.topic_id)
        return article

    def get_context_data(self, **kwargs):
        # The FAQ model comes through the reverse relation, so this app never imports
        # the faq app. Queried from its manager, not the related one, which ties each
        # entry to the article, and with only what the page and its JSON-LD show.
        kwargs["faqs"] = list(
            FAQEntry.objects.published()
            .filter(article=self.object)
            .only("title", "slug", "answer_html")
        )
        # An item's own page is in no list; it shows its questions. The related box shows
        # what was latest when the page was made: its links purge it, a newer article not.
        pagecache.keys.lists()
        pagecache.keys.tag(pagecache.keys.whole(self.object))
        pagecache.keys.tag(*map(pagecache.keys.item, kwargs["faqs"]))
        kwargs["related"] = self.related()
        return super().get_context_data(**kwargs)

    def related(self):
        """The latest other articles on the same topic: internal links readers can use."""
        topic = self.object.topic_id
        if not topic:
            return []
        # The topic's latest few, shared by all its articles until the next change.
        latest = pagecache.memo(
            f"latest:{topic}",
            lambda: list(
                Article.objects.published()
                .filter(topic_id=topic)
                .only("title", "slug")[: RELATED + 1]
            ),
        )
        return [article for article in latest if article.pk != self.object.pk][:RELATED]

    def get_page_meta(self, context):
        return meta.article(self.object, context["faqs"])


class ArticleFilterView(PaginatedMixin, PageMetaMixin, ListView):
    """Published articles about one topic or by one author."""

    model = None
    field = None
    paginate_by = PAGE_SIZE
    keyset = LIST_ORDER

    def get_queryset(self):
        self.subject = get_object_or_404(self.model, slug=self.kwargs["slug"])
        pagecache.keys.lists(pagecache.keys.item(self.subject))
        return listed_articles().filter(**{self.field: self.subject})

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

    def get_context_data(self, **kwargs):
        # A clinician's page shows what they checked, as well as what they wrote.
        kwargs["reviewed"] = list(
            published_articles().filter(reviewed_by=self.subject)[:REVIEWED_SHOWN]
        )
        return super().get_context_data(**kwargs)

    def get_page_meta(self, context):
        return meta.author(self.subject, context["page_obj"], context["reviewed"])


class TopicIndexView(PageMetaMixin, TemplateView):
    """Every topic with published articles: how many, and the latest few."""

    template_name = "articles/topics.html"

    def get_context_data(self, **kwargs):
        # Counts and latest articles read every live article: made once per change.
        kwargs["topics"] = pagecache.memo("topic-index", self.topics)
        return super().get_context_data(**kwargs)

    @staticmethod
    def topics():
        live = Article.objects.published()
        topics = list(
            Topic.objects.annotate(count=Count("articles", filter=Q(articles__in=live)))
            .filter(count__gt=0)
            .order_by("name")
        )
        # The latest few per topic in one query, however many articles there are.
        latest = live.annotate(
            rank=Window(RowNumber(), partition_by=F("topic"), order_by=F("published_at").desc())
        ).filter(rank__lte=LATEST_PER_TOPIC, topic__isnull=False)
        by_topic = {}
        for article in latest.only("title", "slug", "topic_id", "published_at"):
            by_topic.setdefault(article.topic_id, []).append(article)
        for topic in topics:
            topic.latest = by_topic.get(topic.pk, [])
        return topics

    def get_page_meta(self, context):
        return meta.topic_index()


class AuthorIndexView(PageMetaMixin, TemplateView):
    """The people behind the articles: writers and the clinicians who review them."""

    template_name = "articles/authors.html"

    def get_context_data(self, **kwargs):
        # Counts read every live article: made once per change.
        kwargs["people"] = pagecache.memo("author-index", self.people)
        return super().get_context_data(**kwargs)

    @staticmethod
    def people():
        live = Article.objects.published()
        return list(
            Author.objects.annotate(
                written=Count("articles", filter=Q(articles__in=live), distinct=True),
                reviewed=Count("reviewed_articles", filter=Q(reviewed_articles__in=live),
                               distinct=True),
            )
            .filter(Q(written__gt=0) | Q(reviewed__gt=0))
            .order_by("name")
        )  # fmt: skip

    def get_page_meta(self, context):
        return meta.author_index(context["people"])


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /markdownx/",
        "",
        f"# Plain Markdown of the site for AI assistants: {settings.SITE_URL}/llms.txt",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def article_markdown(request, slug):
    """The article as plain Markdown, for assistants and crawlers; published only."""
    article = get_object_or_404(published_articles().select_related("reviewed_by"), slug=slug)
    url = seo.site().absolute(article.get_absolute_url())
    faqs = list(article.faqs.published())
    pagecache.keys.lists()
    pagecache.keys.tag(pagecache.keys.whole(article), *map(pagecache.keys.item, faqs))
    text = llms.article(article, faqs, url)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    # The HTML page is the one to index.
    response["Link"] = f'<{url}>; rel="canonical"'
    return response


def llms_txt(request):
    """/llms.txt: the site, its topics and each one's latest articles, always current."""
    live = Article.objects.published().only("title", "slug", "summary", "topic_id")
    topics = [
        (topic, topic.get_absolute_url(), list(live.filter(topic=topic)[:LLMS_PER_TOPIC]))
        for topic in Topic.objects.filter(Exists(live.filter(topic=OuterRef("pk"))))
    ]
    if others := list(live.filter(topic=None)[:LLMS_PER_TOPIC]):
        topics.append((None, "", others))
    more = [
        ("Frequently asked questions", reverse("faq:index")),
        ("Every topic", reverse("articles:topics")),
        ("Authors and clinical reviewers", reverse("articles:authors")),
        ("Sitemap of every page", reverse("sitemap-index")),
        ("Feed of the latest articles", reverse("articles:feed")),
    ]
    # It names articles by their Markdown address: purged by any change to one.
    pagecache.keys.tag(pagecache.keys.ANY)
    text = llms.index(seo.site(), topics, markdown_url, more)
    return HttpResponse(text, content_type="text/markdown; charset=utf-8")


def markdown_url(article):
    return slug_path("articles:markdown", article.slug)


class SearchView(PageMetaMixin, TemplateView):
    """Published articles and FAQ entries matching ?q=, best first, a page at a time."""

    template_name = "articles/search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "")[: search.MAX_QUERY_LENGTH].strip()
        found = search.search(query)
        page = Paginator(found.ranked, PAGE_SIZE).get_page(self.request.GET.get("page"))
        kwargs.update(
            query=query,
            page_obj=page,
            hits=search.hits(page.object_list, query),
            count=page.paginator.count,
            more=found.more,
        )
        if query and not page.paginator.count:
            # A probe of the topic's index each, not a join over every live article.
            kwargs["suggestions"] = Topic.objects.filter(
                Exists(Article.objects.published().filter(topic=OuterRef("pk")))
            )
        return super().get_context_data(**kwargs)

    def get_page_meta(self, context):
        return meta.search(context["query"])


def page_context(article, faqs):
    """The article page's context for an article that is not (or not only) the live one:
    a preview, or a shared page. Never indexed."""
    page = meta.article(article, faqs)
    page.noindex = True
    return {"article": article, "object": article, "faqs": faqs, "meta": page}


def working_page(saved):
    """The article page as its working copy has it: its draft changes and FAQ entries."""
    article = revisions.working_copy(saved)
    return page_context(article, revisions.working_children(article).get("faqs", []))


def preview_articles():
    return Article.objects.with_liveness().select_related("author", "topic", "reviewed_by")


@sharing.page_for(Article, queryset=preview_articles)
def shared_article(request, article, context):
    return TemplateResponse(
        request, "articles/article_detail.html", {**working_page(article), **context}
    )


GONE_TITLE = "This link is no longer available"
FEEDBACK_SENT = "share-feedback"


def _private(response):
    """A shared page's headers: never stored or indexed, and its address never sent on
    to the sites it links to (the token is in it). Not no-referrer: browsers then post
    the feedback form with ``Origin: null``, which the CSRF check rightly refuses."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def shared_page(request, token):
    """An item's working copy for someone without an account, through a share link; and
    the feedback they leave, which arrives as a comment on the item."""
    link = sharing.find(token)
    obj = sharing.item(link) if link else None
    if obj is None:
        # Expired, revoked, deleted or never made: the same page, saying nothing more.
        context = {"meta": {"title": GONE_TITLE, "noindex": True}}
        return _private(TemplateResponse(request, "share_gone.html", context, status=410))
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if sharing.leave_feedback(link, obj, **form.cleaned_data):
            messages.success(
                request, "Thank you: your feedback was sent to the editorial team.",
                extra_tags=FEEDBACK_SENT,
            )  # fmt: skip
            return _private(HttpResponseRedirect(f"{request.path}#feedback"))
        form.add_error(None, "This link has taken all the feedback it can. Please reply to "
                             "the person who sent it to you.")  # fmt: skip
    sent = [
        str(message) for message in messages.get_messages(request)
        if FEEDBACK_SENT in message.extra_tags
    ]  # fmt: skip
    if request.method == "GET" and not sent:  # the page again after feedback is no opening
        sharing.opened(link)
    context = {"shared": link, "feedback_form": form, "feedback_sent": sent}
    return _private(sharing.render(request, obj, context))
