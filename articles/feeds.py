from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from .publishing.seo import site
from .publishing.text import strip_controls
from .views import published_articles


class PlainSummaryAtomFeed(Atom1Feed):
    """Atom with summaries as text: Django marks them type="html", so feed readers
    would run any markup a summary holds."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def _xml_safe(value):
    # XML 1.0 cannot carry control characters; one in any stored field would be a 500.
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list | tuple):
        return [_xml_safe(part) for part in value]
    return value


class LatestArticlesFeed(Feed):
    feed_type = PlainSummaryAtomFeed

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed = {key: _xml_safe(value) for key, value in feed.feed.items()}
        feed.items = [{key: _xml_safe(value) for key, value in item.items()} for item in feed.items]
        return feed

    def title(self):
        return site().name

    def subtitle(self):
        return site().description

    def link(self):
        return site().url + "/"

    def items(self):
        return published_articles()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.seo_description()

    def item_link(self, item):
        return site().absolute(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author.name if item.author else None

    def item_author_link(self, item):
        return site().absolute(item.author.get_absolute_url()) if item.author else None

    def item_categories(self, item):
        return [item.topic.name] if item.topic else []
