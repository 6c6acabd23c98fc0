from functools import cache

from django.conf import settings
from django.urls import reverse


@cache
def links():
    # The header and footer links of every page, reversed once per process, not per page.
    names = {"home": "articles:home", "topics": "articles:topics", "authors": "articles:authors",
             "faq": "faq:index", "search": "articles:search", "feed": "articles:feed",
             "sitemap": "sitemap-index"}  # fmt: skip
    return {key: reverse(name) for key, name in names.items()}


def site(request):
    return {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, "links": links()}
