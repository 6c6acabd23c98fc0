from django.db import migrations, models

from articles.publishing import search
from articles.publishing.text import plain_text

# Search read the Markdown source of answers; it reads the stored text readers read instead.
BEFORE = ("title", "answer")
AFTER = ("title", "search_text")
BATCH = 1000


def backfill(apps, schema_editor):
    FAQEntry = apps.get_model("faq", "FAQEntry")
    batch = []
    for entry in FAQEntry.objects.only("pk", "answer_html").iterator(chunk_size=BATCH):
        entry.search_text = plain_text(entry.answer_html)
        batch.append(entry)
        if len(batch) == BATCH:
            FAQEntry.objects.bulk_update(batch, ["search_text"])
            batch = []
    FAQEntry.objects.bulk_update(batch, ["search_text"])


def forward(apps, schema_editor):
    # As articles/migrations/0017_search_text: the old index out, the column filled, the new
    # index built once.
    search.uninstall(apps, schema_editor, "faq", "faqentry", BEFORE)
    backfill(apps, schema_editor)
    search.install(apps, schema_editor, "faq", "faqentry", AFTER)


def backward(apps, schema_editor):
    search.uninstall(apps, schema_editor, "faq", "faqentry", AFTER)
    search.install(apps, schema_editor, "faq", "faqentry", BEFORE)


class Migration(migrations.Migration):
    dependencies = [("faq", "0008_reviewers"), ("articles", "0017_search_text")]

    operations = [
        migrations.AddField(
            model_name="faqentry",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(forward, backward),
    ]
