from django.db import migrations, models

from articles.publishing import search
from articles.publishing.text import plain_text

# Search read the Markdown source, so its snippets quoted [^1], ** and ## to readers. It
# reads the stored text readers read instead.
BEFORE = ("title", "summary", "body")
AFTER = ("title", "summary", "search_text")
BATCH = 1000


def backfill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    batch = []
    for article in Article.objects.only("pk", "body_html").iterator(chunk_size=BATCH):
        article.search_text = plain_text(article.body_html)
        batch.append(article)
        if len(batch) == BATCH:
            Article.objects.bulk_update(batch, ["search_text"])
            batch = []
    Article.objects.bulk_update(batch, ["search_text"])


def forward(apps, schema_editor):
    # The old index goes first, so filling the column updates no index row by row; the new
    # one is then built once, from the filled column.
    search.uninstall(apps, schema_editor, "articles", "article", BEFORE)
    backfill(apps, schema_editor)
    search.install(apps, schema_editor, "articles", "article", AFTER)


def backward(apps, schema_editor):
    search.uninstall(apps, schema_editor, "articles", "article", AFTER)
    search.install(apps, schema_editor, "articles", "article", BEFORE)


class Migration(migrations.Migration):
    dependencies = [("articles", "0016_undelivered_mail")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(forward, backward),
    ]
