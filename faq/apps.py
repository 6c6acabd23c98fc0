from django.apps import AppConfig


class FaqConfig(AppConfig):
    name = "faq"
    verbose_name = "FAQ"

    def ready(self):
        from articles.publishing import pagecache, sharing

        from .models import FAQEntry

        pagecache.watch(FAQEntry)
        sharing.watch(FAQEntry)
