"""Renditions for hero images uploaded before renditions existed, so no page waits for them."""

from django.db import migrations

from articles.publishing import images


def backfill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    waiting = Article.objects.exclude(hero_image="").filter(hero_renditions={})
    for article in waiting.only("pk", "hero_image").iterator(chunk_size=200):
        made = images.make(article.hero_image)
        if made:
            renditions = {"source": article.hero_image.name, **made}
            Article.objects.filter(pk=article.pk).update(hero_renditions=renditions)


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_hero_renditions")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
