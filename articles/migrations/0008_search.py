from django.db import migrations

from articles.publishing import search

FIELDS = ("title", "summary", "body")


def forward(apps, schema_editor):
    search.install(apps, schema_editor, "articles", "article", FIELDS)


def backward(apps, schema_editor):
    search.uninstall(apps, schema_editor, "articles", "article", FIELDS)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_article_owner_comment_notification")]

    operations = [migrations.RunPython(forward, backward)]
