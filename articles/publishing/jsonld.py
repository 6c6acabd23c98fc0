"""Pure functions that build schema.org JSON-LD as dicts, from models and plain values.

Nodes link to each other by ``@id`` in one ``@graph`` (WebSite → Organization,
WebPage → BreadcrumbList, Article → WebPage/Person/Organization), the way Yoast does.
Nothing here touches the database or the request: the view passes in what the page shows.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.html import json_script
from django.utils.safestring import mark_safe

from . import sources


@dataclass(frozen=True)
class Site:
    url: str  # no trailing slash
    name: str
    description: str = ""
    language: str = ""
    organization_name: str = ""
    logo: str = ""
    same_as: tuple = field(default_factory=tuple)

    def absolute(self, path):
        if not path or path.startswith(("http://", "https://")):
            return path
        return self.url + path

    @property
    def website_id(self):
        return f"{self.url}/#website"

    @property
    def organization_id(self):
        return f"{self.url}/#organization"


def ref(node_id):
    return {"@id": node_id}


def iso(moment):
    """ISO 8601 (with offset, to the second, for datetimes); None stays None."""
    if not moment:
        return None
    if isinstance(moment, datetime):
        moment = moment.replace(microsecond=0)
    return moment.isoformat()


def prune(value):
    """Drop empty values everywhere: an omitted property beats an empty one."""
    if isinstance(value, dict):
        cleaned = {key: prune(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in (None, "", [], {})}
    if isinstance(value, list | tuple):
        cleaned = [prune(item) for item in value]
        return [item for item in cleaned if item not in (None, "", [], {})]
    if isinstance(value, str):
        return value.strip()
    return value


def graph(*nodes):
    return {"@context": "https://schema.org", "@graph": [prune(node) for node in nodes if node]}


def organization(site):
    return {
        "@type": "Organization",
        "@id": site.organization_id,
        "name": site.organization_name or site.name,
        "url": site.url + "/",
        "logo": {"@type": "ImageObject", "url": site.absolute(site.logo)} if site.logo else None,
        "sameAs": list(site.same_as),
    }


def website(site):
    return {
        "@type": "WebSite",
        "@id": site.website_id,
        "url": site.url + "/",
        "name": site.name,
        "description": site.description,
        "inLanguage": site.language,
        "publisher": ref(site.organization_id),
    }


def webpage(site, url, name, description="", page_type="WebPage", **extra):
    return {
        "@type": page_type,
        "@id": url,
        "url": url,
        "name": name,
        "description": description,
        "inLanguage": site.language,
        "isPartOf": ref(site.website_id),
        "breadcrumb": ref(f"{url}#breadcrumb"),
        **extra,
    }


def breadcrumb_list(url, crumbs):
    """``crumbs`` is [(name, absolute_url), ...] from the home page to this page; a trail
    of one is no trail, so it gives None."""
    if len(crumbs) < 2:
        return None
    return {
        "@type": "BreadcrumbList",
        "@id": f"{url}#breadcrumb",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": item_url}
            for position, (name, item_url) in enumerate(crumbs, start=1)
        ],
    }


def person(site, author):
    url = site.absolute(author.get_absolute_url())
    return {
        "@type": "Person",
        "@id": f"{url}#person",
        "name": author.name,
        "url": url,
        "jobTitle": author.job_title,
        "description": author.bio,
        "sameAs": [author.website_link(), *author.same_as_links()],
    }


def topic(site, obj):
    """What a page is about: its topic, as a schema.org Thing with the topic's page."""
    return {
        "@type": "Thing",
        "name": obj.name,
        "description": obj.description,
        "url": site.absolute(obj.get_absolute_url()),
    }


def image_object(url, caption=""):
    return {"@type": "ImageObject", "url": url, "contentUrl": url, "caption": caption}


def article(site, obj, url, image_urls=()):
    """The Article node; ``obj`` is an articles.Article with author and topic loaded."""
    return {
        "@type": "Article",
        "@id": f"{url}#article",
        "isPartOf": ref(url),
        "mainEntityOfPage": ref(url),
        # The visible h1: the search title belongs in <title>, not in the schema.
        "headline": obj.title[:110],
        "name": obj.title,
        "description": obj.seo_description(),
        # Google asks for wide images in 16:9, 4:3 and 1:1.
        "image": list(image_urls) or None,
        "datePublished": iso(obj.published_at),
        "dateModified": iso(obj.updated_at),
        "author": person(site, obj.author) if obj.author else None,
        "publisher": ref(site.organization_id),
        "articleSection": obj.topic.name if obj.topic else None,
        "keywords": obj.focus_keyword,
        "wordCount": obj.word_count or None,
        "inLanguage": site.language,
        # The works the text cites, in citation order.
        "citation": sources.citations(getattr(obj, "sources", None)),
    }


def question(entry, url):
    return {
        "@type": "Question",
        "@id": f"{url}#{entry.slug}",
        "name": entry.question,
        "acceptedAnswer": {"@type": "Answer", "text": entry.answer_text},
    }


def faq_page(entries, url, page_id=None):
    """A FAQPage node for the questions shown at ``url``; None when there are none."""
    entries = list(entries)
    if not entries:
        return None
    return {
        "@type": "FAQPage",
        "@id": page_id or f"{url}#faq",
        "url": url,
        "isPartOf": ref(url) if page_id is None else None,
        "mainEntity": [question(entry, url) for entry in entries],
    }


def script(value):
    """The page's JSON-LD script block, escaped exactly as Django's json_script escapes JSON.

    ``<``, ``>`` and ``&`` become unicode escapes, so no content can close the tag.
    """
    if not value:
        return ""
    html = json_script(value)
    return mark_safe(html.replace('type="application/json"', 'type="application/ld+json"', 1))  # noqa: S308
