"""Many published articles with FAQs, fast, for measuring the site at scale.

    python manage.py generate_content 100000

Each article has a few paragraphs, sections and a list in Markdown, stored with its
rendered HTML as a save would store it, and three FAQ entries. Rows go in with
bulk_create, so no revisions are written: the content is for load, not for editing.
"""

import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Author, Topic, part_model
from articles.publishing import pagecache
from articles.publishing.markdown import render_markdown
from articles.publishing.text import outline, plain_text, word_count

FAQEntry = part_model("faqs")

WORDS = (
    "sleep rest stress calm anxiety mood routine habit breathing exercise walk light "
    "morning evening worry support doctor therapy body mind energy focus diet water "
    "caffeine alcohol screen bedtime nap dream cortisol heart muscle tension relief"
).split()
TOPICS = ("Sleep", "Stress", "Anxiety", "Depression", "Nutrition", "Exercise", "Relationships",
          "Work", "Parenting", "Ageing", "Grief", "Addiction", "Pain", "Heart health",
          "Hormones", "Menopause", "Mindfulness", "Loneliness", "Burnout", "Self-care")  # fmt: skip
BATCH = 2000


def _sentence(rng, n=14):
    words = rng.choices(WORDS, k=n)
    return " ".join(words).capitalize() + "."


def _body(rng):
    parts = []
    for heading in rng.sample(WORDS, 4):
        parts.append(f"## {heading.capitalize()} and your {rng.choice(WORDS)}")
        parts.append(" ".join(_sentence(rng) for _ in range(5)))
        parts.append("\n".join(f"- {_sentence(rng, 6)}" for _ in range(3)))
    return "\n\n".join(parts)


class Command(BaseCommand):
    help = "Bulk-create N published articles (with 3 FAQ entries each) for load testing."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--faqs", type=int, default=3, help="FAQ entries per article")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, count, faqs, seed, **options):
        rng = random.Random(seed)
        started = time.perf_counter()
        topics = [
            Topic.objects.get_or_create(
                slug=f"generated-{n}", defaults={"name": f"{name} (generated)"}
            )[0]
            for n, name in enumerate(TOPICS)
        ]
        authors = [
            Author.objects.get_or_create(
                slug=f"generated-author-{n}",
                defaults={"name": f"Writer {n}", "job_title": "Health writer"},
            )[0]
            for n in range(50)
        ]
        # A few bodies, rendered once each, as a save would store them.
        bodies = []
        for _ in range(20):
            body = _body(rng)
            html = render_markdown(body)
            bodies.append((body, html, plain_text(html), outline(html), word_count(html)))
        answer = "Usually, yes. " + _sentence(rng)
        answer_html = render_markdown(answer)
        answer_text = plain_text(answer_html)
        first = Article.objects.count()
        now = timezone.now()
        for start in range(0, count, BATCH):
            with transaction.atomic():
                made = Article.objects.bulk_create(
                    [self._article(rng, first + n, now, topics, authors, bodies)
                     for n in range(start, min(start + BATCH, count))]
                )  # fmt: skip
                FAQEntry.objects.bulk_create(
                    FAQEntry(
                        title=f"{rng.choice(WORDS).capitalize()} question {a.pk}-{k}?",
                        slug=f"{a.slug}-q{k}", answer=answer, answer_html=answer_html,
                        search_text=answer_text,
                        topic_id=a.topic_id, article=a, order=k, status="published",
                        live=True, published_at=a.published_at,
                        first_published_at=a.published_at,
                    )
                    for a in made for k in range(faqs)
                )  # fmt: skip
            self.stdout.write(f"{min(start + BATCH, count)} of {count}", ending="\r")
        pagecache.changed()
        self.stdout.write(
            f"Created {count} articles and {count * faqs} FAQ entries "
            f"in {time.perf_counter() - started:.0f} s."
        )

    @staticmethod
    def _article(rng, n, now, topics, authors, bodies):
        body, html, text, sections, words = rng.choice(bodies)
        when = now - timezone.timedelta(minutes=n + 1)
        title = f"{_sentence(rng, 6)[:-1]} {n}"
        return Article(
            title=title, slug=f"generated-{n}", summary=_sentence(rng, 24),
            meta_description=_sentence(rng, 20), body=body, body_html=html, search_text=text,
            sections=sections, word_count=words, topic=rng.choice(topics),
            author=rng.choice(authors), status="published", live=True,
            published_at=when, first_published_at=when,
        )  # fmt: skip
