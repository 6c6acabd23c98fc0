"""The endpoints: thin, each one query for its items (see the tests' query counts).

Only what ``published()`` keeps and search engines may index is ever read: the one
definition of published, in articles/publishing/models.py, then ``noindex=False``.
Each response is tagged with the surrogate keys of what it shows and of the lists it is
a page of (see articles/publishing/pagecache/keys.py), so the page cache drops it the
moment one of them is withdrawn, as it drops the HTML pages.
"""

from datetime import UTC, datetime
from typing import Annotated

from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import urlencode
from ninja import Query, Router, Schema
from pydantic import BeforeValidator

from articles.models import Article, Author, Topic, part_model
from articles.publishing import search
from articles.publishing.pagecache import keys

from . import schemas
from .pagination import Keyset, integer, page, text, timestamp

FAQEntry = part_model("faqs")
router = Router()

# Newest first, the id settling ties: the order of the lists' indexes.
BY_DATE = Keyset(("-published_at", "-pk"))
BY_DATE_KINDS = (timestamp, integer)
BY_SLUG = Keyset(("slug",))
BY_SLUG_KINDS = (text,)
BODY_FIELDS = ("body", "body_html", "search_text", "sections", "linked_articles", "sources")
# What a list answers besides its page: a cursor not made here, an unknown topic or
# author, a parameter of the wrong form.
LIST_ERRORS = {400: schemas.Error, 404: schemas.Error, 422: schemas.Invalid}
# The query parameters that make a list's address in the page cache (see urls.py).
LIST_PARAMETERS = ("author", "cursor", "q", "topic", "updated_since")


def _iso_8601(value):
    """ISO 8601 only (a bare number would otherwise read as seconds since 1970); without
    an offset, UTC."""
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


Since = Annotated[datetime | None, BeforeValidator(_iso_8601)]


class ArticleFilters(Schema):
    cursor: str | None = None
    topic: str | None = None
    author: str | None = None
    updated_since: Since = None
    q: str | None = None


class FAQFilters(Schema):
    cursor: str | None = None
    topic: str | None = None
    updated_since: Since = None
    q: str | None = None


class Cursor(Schema):
    cursor: str | None = None


def shown(model):
    """What the API may show of a content model."""
    return model.objects.published().filter(noindex=False)


def articles():
    return shown(Article).select_related("author", "topic", "hero", "reviewed_by")


def public_faqs():
    """FAQ entries, each with the slug of its article while readers may see the article."""
    article = shown(Article).filter(pk=OuterRef("article_id")).values("slug")[:1]
    return (
        shown(FAQEntry)
        .select_related("topic", "reviewed_by")
        .annotate(shown_article_slug=Subquery(article))
    )


def _filtered(queryset, filters, model):
    """Narrow a list by its filters, naming the lists the response is a page of."""
    lists = []
    if filters.topic is not None:
        found = get_object_or_404(Topic, slug=filters.topic)
        queryset = queryset.filter(topic=found)
        lists.append(keys.item(found))
    if getattr(filters, "author", None) is not None:
        found = get_object_or_404(Author, slug=filters.author)
        queryset = queryset.filter(author=found)
        lists.append(keys.item(found))
    if filters.updated_since is not None:
        queryset = queryset.filter(updated_at__gte=filters.updated_since)
    if filters.q:
        # The site's search, through its text index: matching rows, in the list's order.
        queryset = queryset.filter(pk__in=_matching(model, filters.q))
    keys.lists(*(lists or [getattr(model, "list_key", keys.ARTICLES)]))
    return queryset


def _matching(model, query):
    """The ids of the published items of ``model`` that the site's search finds."""
    found = search.search(query[: search.MAX_QUERY_LENGTH])
    return [pk for kind, pk, _ in found.ranked if kind is model]


def _page(request, queryset, keyset, kinds, cursor, present, response):
    items, following, real = page(queryset, keyset, cursor, kinds)
    if not real or request.GET.get("q") or request.GET.get("updated_since"):
        # A made-up cursor, a search or a date can be any of countless values: such a
        # response is never stored, so the cache holds only the pages a walk reaches.
        response["Cache-Control"] = "no-store"
    next_url = None
    if following:
        query = {k: v for k, v in request.GET.items() if k in LIST_PARAMETERS}
        next_url = schemas.absolute(f"{request.path}?{urlencode({**query, 'cursor': following})}")
    return {"items": [present(item) for item in items], "next": following, "next_url": next_url}


# --- Articles -------------------------------------------------------------------------


@router.get(
    "/articles",
    response={200: schemas.ArticlePage, **LIST_ERRORS},
    url_name="articles",
    tags=["articles"],
)
def article_list(request, response: HttpResponse, filters: Query[ArticleFilters]):
    """Published articles, newest first, a page at a time; filter by topic or author
    slug, by last change, or by words (the site's search)."""
    # A list shows no body: the texts, often the most of a row, stay in the database.
    queryset = _filtered(articles().defer(*BODY_FIELDS), filters, Article)
    return _page(
        request, queryset, BY_DATE, BY_DATE_KINDS, filters.cursor, schemas.article_summary,
        response,
    )  # fmt: skip


@router.get(
    "/articles/{slug}",
    response={200: schemas.Article, 404: schemas.Error},
    url_name="article",
    tags=["articles"],
)
def article_detail(request, slug: str):
    """One published article with its body, sources, questions and medical review."""
    questions = shown(FAQEntry).select_related("topic", "reviewed_by")
    found = get_object_or_404(
        articles().prefetch_related(Prefetch("faqs", queryset=questions, to_attr="shown_faqs")),
        slug=slug,
    )
    # An item's own page is in no list (see keys.lists); its questions' URLs tag it.
    keys.lists()
    return schemas.article(found, found.shown_faqs)


# --- FAQ entries ----------------------------------------------------------------------


@router.get("/faqs", response={200: schemas.FAQPage, **LIST_ERRORS}, url_name="faqs", tags=["faqs"])
def faq_list(request, response: HttpResponse, filters: Query[FAQFilters]):
    """Published questions and answers, newest first; filter by topic, last change or
    words."""
    queryset = _filtered(public_faqs(), filters, FAQEntry)
    return _page(request, queryset, BY_DATE, BY_DATE_KINDS, filters.cursor, _faq, response)


@router.get(
    "/faqs/{slug}", response={200: schemas.FAQ, 404: schemas.Error}, url_name="faq", tags=["faqs"]
)
def faq_detail(request, slug: str):
    """One published question and its answer."""
    found = get_object_or_404(public_faqs(), slug=slug)
    keys.lists()
    return _faq(found)


def _faq(entry):
    return schemas.faq(entry, entry.shown_article_slug)


# --- Topics and authors ---------------------------------------------------------------


def topics():
    """Topics with a published article or question: an empty one is no page of ours."""
    return Topic.objects.filter(
        Exists(shown(Article).filter(topic=OuterRef("pk")))
        | Exists(shown(FAQEntry).filter(topic=OuterRef("pk")))
    )


def authors():
    """The people who wrote or reviewed a published article."""
    live = shown(Article)
    return Author.objects.filter(
        Exists(live.filter(author=OuterRef("pk"))) | Exists(live.filter(reviewed_by=OuterRef("pk")))
    )


@router.get(
    "/topics", response={200: schemas.TopicPage, **LIST_ERRORS}, url_name="topics", tags=["topics"]
)
def topic_list(request, response: HttpResponse, filters: Query[Cursor]):
    """Every topic with published content, by slug."""
    # Which topics have content changes with any item: every list's key (the default).
    return _page(request, topics(), BY_SLUG, BY_SLUG_KINDS, filters.cursor, _topic, response)


@router.get(
    "/topics/{slug}",
    response={200: schemas.Topic, 404: schemas.Error},
    url_name="topic",
    tags=["topics"],
)
def topic_detail(request, slug: str):
    """One topic; its articles are at /articles?topic=<slug>."""
    return _topic(get_object_or_404(topics(), slug=slug))


@router.get(
    "/authors",
    response={200: schemas.AuthorPage, **LIST_ERRORS},
    url_name="authors",
    tags=["authors"],
)
def author_list(request, response: HttpResponse, filters: Query[Cursor]):
    """Every writer and clinical reviewer of published articles, by slug."""
    return _page(request, authors(), BY_SLUG, BY_SLUG_KINDS, filters.cursor, _author, response)


@router.get(
    "/authors/{slug}",
    response={200: schemas.Author, 404: schemas.Error},
    url_name="author",
    tags=["authors"],
)
def author_detail(request, slug: str):
    """One writer or reviewer; their articles are at /articles?author=<slug>."""
    return _author(get_object_or_404(authors(), slug=slug))


def _topic(obj):
    keys.tag(keys.item(obj))
    return schemas.topic(obj)


def _author(obj):
    keys.tag(keys.item(obj))
    return schemas.author(obj)
