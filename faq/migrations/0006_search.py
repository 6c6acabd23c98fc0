from django.db import migrations

from articles.publishing import search

FIELDS = ("title", "answer")


def forward(apps, schema_editor):
    search.install(apps, schema_editor, "faq", "faqentry", FIELDS)


def backward(apps, schema_editor):
    search.uninstall(apps, schema_editor, "faq", "faqentry", FIELDS)


class Migration(migrations.Migration):
    dependencies = [("faq", "0005_faqentry_owner"), ("articles", "0008_search")]

    operations = [migrations.RunPython(forward, backward)]
