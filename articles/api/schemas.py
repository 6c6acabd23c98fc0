"""What the API shows of each item, and nothing else: no owner, no account, no e-mail
address, no working copy. Addresses are absolute, as a partner's site needs them."""

from datetime import date, datetime

from ninja import Schema

from articles.publishing import seo
from articles.publishing.pagecache import keys
from articles.publishing.text import web_url


def absolute(path):
    return seo.site().absolute(path) if path else None


class Person(Schema):
    name: str
    slug: str
    url: str
    job_title: str


class TopicRef(Schema):
    name: str
    slug: str
    url: str


class Rendition(Schema):
    width: int
    height: int | None = None
    src: str
    webp: str | None = None


class Hero(Schema):
    alt: str
    width: int | None
    height: int | None
    credit: str
    licence: str
    renditions: list[Rendition]


class Source(Schema):
    number: int
    title: str
    publisher: str
    url: str
    date: str
    doi: str
    pmid: str


class MedicalReview(Schema):
    reviewed_by: Person | None
    last_reviewed: date | None


class FAQ(Schema):
    question: str
    slug: str
    url: str
    answer_html: str
    answer_markdown: str
    topic: TopicRef | None
    article_slug: str | None
    medical_review: MedicalReview
    published_at: datetime
    updated_at: datetime


class ArticleSummary(Schema):
    title: str
    slug: str
    url: str
    summary: str
    author: Person | None
    topic: TopicRef | None
    hero: Hero | None
    published_at: datetime
    updated_at: datetime


class Article(ArticleSummary):
    body_html: str
    body_markdown: str
    sources: list[Source]
    faqs: list[FAQ]
    medical_review: MedicalReview


class Topic(TopicRef):
    description: str


class Author(Person):
    bio: str
    website: str | None
    same_as: list[str]


class Error(Schema):
    detail: str


class Invalid(Schema):
    """What a query parameter of the wrong form gets: where, and what was wrong."""

    detail: list[dict]


class Page(Schema):
    next: str | None
    next_url: str | None


class ArticlePage(Page):
    items: list[ArticleSummary]


class FAQPage(Page):
    items: list[FAQ]


class TopicPage(Page):
    items: list[Topic]


class AuthorPage(Page):
    items: list[Author]


# --- From the models ------------------------------------------------------------------


def person(author):
    if author is None:
        return None
    return {
        "name": author.name,
        "slug": author.slug,
        "url": absolute(author.get_absolute_url()),
        "job_title": author.job_title,
    }


def author(obj):
    return {
        **person(obj),
        "bio": obj.bio,
        "website": web_url(obj.website) or None,
        "same_as": obj.same_as_links(),
    }


def topic_ref(topic):
    if topic is None:
        return None
    return {"name": topic.name, "slug": topic.slug, "url": absolute(topic.get_absolute_url())}


def topic(obj):
    return {**topic_ref(obj), "description": obj.description}


def _renditions(widths):
    return [
        {
            "width": w["width"],
            "height": w.get("height"),
            "src": absolute(w["src"]),
            "webp": absolute(w.get("webp")),
        }
        for w in widths
        if w.get("width") and w.get("src")
    ]


def hero(article):
    """The library image when one is chosen, else the one uploaded with the article."""
    if article.hero_id:
        image = article.hero
        return {
            "alt": image.alt,
            "width": image.width,
            "height": image.height,
            "credit": image.credit,
            "licence": image.licence,
            "renditions": _renditions(image.renditions.get("widths", [])),
        }
    if article.hero_image:
        return {
            "alt": article.hero_image_alt,
            "width": article.hero_image_width,
            "height": article.hero_image_height,
            "credit": "",
            "licence": "",
            "renditions": _renditions((article.hero_renditions or {}).get("widths", [])),
        }
    return None


def review(item):
    return {"reviewed_by": person(item.reviewed_by), "last_reviewed": item.last_reviewed}


def article_summary(obj):
    # More than a card shows (the date of its last change): purged by every live edit.
    keys.tag(keys.whole(obj))
    return {
        "title": obj.title,
        "slug": obj.slug,
        "url": absolute(obj.get_absolute_url()),  # tags the response with the article
        "summary": obj.summary,
        "author": person(obj.author),
        "topic": topic_ref(obj.topic),
        "hero": hero(obj),
        "published_at": obj.published_at,
        "updated_at": obj.updated_at,
    }


def article(obj, faqs):
    return {
        **article_summary(obj),
        "body_html": obj.body_html,
        "body_markdown": obj.body,
        "sources": [vars(source) for source in obj.source_list],
        "faqs": [faq(entry, article_slug=obj.slug) for entry in faqs],
        "medical_review": review(obj),
    }


def faq(obj, article_slug=None):
    return {
        "question": obj.title,
        "slug": obj.slug,
        "url": absolute(obj.get_absolute_url()),  # tags the response with the entry
        "answer_html": obj.answer_html,
        "answer_markdown": obj.answer,
        "topic": topic_ref(obj.topic),
        "article_slug": article_slug,
        "medical_review": review(obj),
        "published_at": obj.published_at,
        "updated_at": obj.updated_at,
    }
