from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Editorial"

    def ready(self):
        from django.contrib.redirects.models import Redirect
        from django.contrib.sites.models import Site

        from . import sitemaps
        from .models import Article, Author, Topic
        from .publishing import pagecache, search, sharing

        # SQLite drops a table's triggers when a migration rebuilds it; put them back.
        post_migrate.connect(search.repair, sender=self, dispatch_uid="search-repair")
        post_migrate.connect(sitemaps.sync_site, sender=self, dispatch_uid="sync-site")
        # Cached pages start afresh when what readers see changes.
        pagecache.watch(Article, Author, Topic, Redirect, Site)
        # An item's share links go with it.
        sharing.watch(Article)
