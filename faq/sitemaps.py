from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse

from articles.models import Topic
from articles.sitemaps import SiteSitemap

from .models import GENERAL, FAQEntry


class FAQSitemap(SiteSitemap):
    """The hub and each topic's FAQ page, dated by their newest answer."""

    def items(self):
        live = FAQEntry.objects.published()
        latest = live.aggregate(latest=Max("updated_at"))["latest"]
        if latest is None:
            return []
        topics = (
            Topic.objects.filter(Exists(live.filter(topic=OuterRef("pk"))))
            .annotate(lastmod=Max("faqs__updated_at", filter=Q(faqs__in=live)))
            .order_by("name")
        )
        pages = [(reverse("faq:index"), latest)]
        pages += [(reverse("faq:topic", args=[t.slug]), t.lastmod) for t in topics]
        general = live.filter(topic=None).aggregate(latest=Max("updated_at"))["latest"]
        if general:
            pages.append((reverse("faq:topic", args=[GENERAL]), general))
        return pages

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]
