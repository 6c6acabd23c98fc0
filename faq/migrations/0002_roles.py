from django.db import migrations

from articles.publishing.roles import grant


def create_roles(apps, schema_editor):
    grant(apps, "faq", ["faqentry"])


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0001_initial"),
        ("articles", "0002_roles"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
