from django.db import migrations, models

from articles.publishing.text import outline


def fill_sections(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("pk", "body_html").iterator():
        Article.objects.filter(pk=article.pk).update(sections=outline(article.body_html))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="sections",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(fill_sections, migrations.RunPython.noop),
    ]
