from django.urls import reverse
from django.utils.functional import cached_property

from articles.sitemaps import SiteSitemap

from .models import GENERAL, FAQEntry, answered_topics


class FAQSitemap(SiteSitemap):
    """The hub, dated by its newest answer, and each topic's FAQ page."""

    def items(self):
        return self.pages

    @cached_property
    def pages(self):
        # The index asks twice, for the section's date and its page count: read once.
        live = FAQEntry.objects.published()
        latest = live.order_by("-updated_at").values_list("updated_at", flat=True).first()
        if latest is None:
            return []
        topics = answered_topics()
        pages = [(reverse("faq:index"), latest)]
        pages += [(reverse("faq:topic", args=[topic.slug]), None) for topic in topics]
        if live.filter(topic=None).exists():
            pages.append((reverse("faq:topic", args=[GENERAL]), None))
        return pages

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]
