from django.db import migrations

from articles.publishing.roles import grant_reviewers


def create_reviewers(apps, schema_editor):
    # Reviewers read the FAQ entries they sign off with each article.
    grant_reviewers(apps, "faq", ["view_faqentry"])


class Migration(migrations.Migration):
    dependencies = [
        ("faq", "0007_topic_pages"),
        ("articles", "0014_medical_review"),
    ]

    operations = [migrations.RunPython(create_reviewers, migrations.RunPython.noop)]
