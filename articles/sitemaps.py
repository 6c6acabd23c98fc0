from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.db.models.functions import TruncDate
from django.urls import reverse

from .models import Article, Author, Topic
from .publishing import pagecache
from .publishing.paging import Paginator
from .publishing.paths import slug_path


def sync_site(using="default", **kwargs):
    """After migrations: the Site record names SITE_URL's host, which the sitemap index
    and the redirects read."""
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": urlsplit(settings.SITE_URL).netloc, "name": settings.SITE_NAME},
    )


class SiteSitemap(Sitemap):
    """Locations on SITE_URL, whatever host the request came in on."""

    # A section's pages hold this many URLs each, as Yoast's do (the protocol allows
    # 50,000; smaller pages render in a fraction of the time and memory).
    limit = 1000
    # Neither is set: search engines ignore both. Declared, so that asking for them per
    # URL is a plain lookup.
    changefreq = priority = None
    # The section's order, for checkpoints (see Paginator); empty for none.
    keyset, ascending = (), False

    @property
    def paginator(self):
        # Dates and lists of everything: made again on any change to a published item.
        pagecache.keys.tag(pagecache.keys.ANY)
        # Counted once per content change; deep pages read ids from an index first.
        return Paginator(
            self._items(), self.limit, key=f"sitemap:{type(self).__name__}",
            keyset=self.keyset, ascending=self.ascending,
        )  # fmt: skip

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(SiteSitemap):
    # In id order, deep sections start from checkpoints as the lists do.
    keyset, ascending = ("pk",), True

    def items(self):
        # noindex pages stay out of the sitemap, as Yoast does.
        # In id order, so a page of the section holds the same articles from one day to
        # the next. Rows rather than models, with the day in the site's time zone from
        # the database: a section's 1,000 articles cost no model and no time-zone
        # conversion each.
        return (
            self.listed()
            .order_by("pk")
            .annotate(day=TruncDate("updated_at"))
            .values_list("pk", "slug", "day", named=True)
        )

    def location(self, item):
        return slug_path("articles:detail", item.slug)

    def lastmod(self, item):
        return item.day

    def get_latest_lastmod(self):
        # For the index: the newest date from the index on it, not from every article.
        return self.listed().order_by("-updated_at").values_list("updated_at", flat=True).first()

    @staticmethod
    def listed():
        return Article.objects.published().filter(noindex=False, canonical_url="")


class TopicSitemap(SiteSitemap):
    """Topics and authors with an indexable live article (an indexed lookup each). They
    carry no date: the newest article of each would mean reading them all."""

    model, field = Topic, "topic"

    def items(self):
        live = Article.objects.published().filter(noindex=False, **{self.field: OuterRef("pk")})
        return self.model.objects.filter(Exists(live)).order_by("name")


class AuthorSitemap(TopicSitemap):
    model, field = Author, "author"


class PagesSitemap(SiteSitemap):
    def items(self):
        return ["articles:home", "articles:topics", "articles:authors"]

    def location(self, item):
        return reverse(item)
