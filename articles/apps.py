from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Editorial"

    def ready(self):
        from .publishing import search

        # SQLite drops a table's triggers when a migration rebuilds it; put them back.
        post_migrate.connect(search.repair, sender=self, dispatch_uid="search-repair")
