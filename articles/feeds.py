from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from .publishing.seo import site
from .views import published_articles


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed

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
