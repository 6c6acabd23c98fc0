from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Article, Author, Topic


class SiteSitemap(Sitemap):
    """Locations on SITE_URL, whatever host the request came in on."""

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(SiteSitemap):
    def items(self):
        # noindex pages stay out of the sitemap, as Yoast does.
        return Article.objects.published().filter(noindex=False, canonical_url="")

    def lastmod(self, item):
        return item.updated_at


class TopicSitemap(SiteSitemap):
    def items(self):
        return (
            Topic.objects.filter(articles__in=Article.objects.published().filter(noindex=False))
            .annotate(lastmod=Max("articles__updated_at"))
            .order_by("name")
        )

    def lastmod(self, item):
        return item.lastmod


class AuthorSitemap(TopicSitemap):
    def items(self):
        return (
            Author.objects.filter(articles__in=Article.objects.published().filter(noindex=False))
            .annotate(lastmod=Max("articles__updated_at"))
            .order_by("name")
        )


class PagesSitemap(SiteSitemap):
    def items(self):
        return ["articles:home", "articles:topics", "articles:authors"]

    def location(self, item):
        return reverse(item)
