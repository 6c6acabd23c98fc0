"""What a page tells search engines and social networks in its <head>."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from . import jsonld
from .models import META_DESCRIPTION_LIMIT, META_TITLE_LIMIT
from .text import html_to_text


def site():
    """The site as JSON-LD and canonical links see it, from settings."""
    return jsonld.Site(
        url=settings.SITE_URL,
        name=settings.SITE_NAME,
        description=settings.SITE_DESCRIPTION,
        language=settings.SITE_LANGUAGE,
        organization_name=settings.ORGANIZATION_NAME,
        logo=settings.ORGANIZATION_LOGO,
        same_as=tuple(settings.ORGANIZATION_SAME_AS),
    )


@dataclass
class PageMeta:
    title: str
    description: str
    canonical: str
    og_type: str = "website"
    image: str = ""
    image_alt: str = ""
    noindex: bool = False
    published: datetime | None = None
    modified: datetime | None = None
    jsonld: dict | None = None
    # A plain Markdown version of the page, advertised as an alternate.
    markdown: str = ""


class PageMetaMixin:
    """Adds ``meta`` to a view's context; views supply ``get_page_meta()``."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meta"] = self.get_page_meta(context)
        return context

    def get_page_meta(self, context):
        raise NotImplementedError


@dataclass(frozen=True)
class Check:
    ok: bool
    message: str


def checks(obj, html=""):
    """Yoast-style advice on an item's search appearance; never blocks publishing."""
    title, description = obj.seo_title(), obj.seo_description()
    keyword = obj.focus_keyword.strip().lower()
    text = html_to_text(html).lower()
    first_paragraph = html_to_text(html.split("</p>", 1)[0]).lower() if html else ""
    headings = " ".join(re.findall(r"<h[2-6][^>]*>(.*?)</h[2-6]>", html, re.S)).lower()
    words = len(text.split())
    result = [
        Check(
            len(title) <= META_TITLE_LIMIT,
            f"Search title is {len(title)} characters (about {META_TITLE_LIMIT} show).",
        ),
        Check(
            bool(obj.meta_description) and len(description) <= META_DESCRIPTION_LIMIT,
            f"Meta description is {len(obj.meta_description)} characters "
            f"(write one of up to {META_DESCRIPTION_LIMIT}).",
        ),
    ]
    if html:
        result.append(Check(words >= 300, f"The text has {words} words (aim for 300 or more)."))
    if not keyword:
        return [*result, Check(False, "No focus keyword set.")]
    places = {
        "the search title": title.lower(),
        "the meta description": description.lower(),
        "the URL slug": obj.slug.replace("-", " "),
    }
    if html:
        places["the first paragraph"] = first_paragraph
        places["a subheading"] = headings
    for place, haystack in places.items():
        found = keyword in haystack
        verb = "is" if found else "is not"
        result.append(Check(found, f"Focus keyword “{keyword}” {verb} in {place}."))
    return result
