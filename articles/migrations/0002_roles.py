from django.db import migrations

from articles.publishing.roles import grant


def create_roles(apps, schema_editor):
    grant(
        apps,
        "articles",
        ["article"],
        reference_models=["author", "topic"],
        audit_models=["transition"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
