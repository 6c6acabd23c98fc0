from django.conf import settings
from django.db import migrations, models

from articles.links import article_slugs
from articles.publishing.analysis import Page, site_paths
from articles.publishing.paths import slug_path

BATCH = 1000


def linked(article):
    path = slug_path("articles:detail", article.slug) if article.slug else ""
    page = Page(title="", html=article.body_html, site_url=settings.SITE_URL, path=path)
    return [slug for slug in article_slugs(site_paths(page)) if slug != article.slug]


def backfill(apps, schema_editor):
    """Each article's links to other articles, read from its stored HTML."""
    Article = apps.get_model("articles", "Article")
    batch = []
    for article in Article.objects.only("pk", "slug", "body_html").iterator(chunk_size=BATCH):
        article.linked_articles = linked(article)
        if article.linked_articles:
            batch.append(article)
        if len(batch) == BATCH:
            Article.objects.bulk_update(batch, ["linked_articles"])
            batch = []
    Article.objects.bulk_update(batch, ["linked_articles"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_site_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="cornerstone",
            field=models.BooleanField(
                default=False,
                help_text="One of the site's most important articles, which others should "
                "link to. Its checks ask for a longer text.",
                verbose_name="cornerstone content",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="linked_articles",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("live", True)),
                fields=["published_at", "id", "slug"],
                name="article_live_slugs",
            ),
        ),
    ]
