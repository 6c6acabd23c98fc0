from django.db.models import Max
from django.urls import reverse

from articles.sitemaps import SiteSitemap

from .models import FAQEntry


class FAQSitemap(SiteSitemap):
    def items(self):
        latest = FAQEntry.objects.published().aggregate(latest=Max("updated_at"))["latest"]
        return [latest] if latest else []

    def location(self, item):
        return reverse("faq:index")

    def lastmod(self, item):
        return item
