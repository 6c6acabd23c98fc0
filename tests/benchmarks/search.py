"""Benchmark: site search at scale, p50 and p95 over many queries.

Run with ``make bench``. Uses DATABASE_URL (the target is PostgreSQL: set
DATABASE_URL=postgres://…) and builds a throwaway test database beside it.
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORDS = (
    "sleep anxiety depression antidepressants therapy breathing stress calm mood routine "
    "insomnia exercise diet serotonin cortisol mindfulness relationships libido fatigue "
    "melatonin caffeine alcohol trauma grief panic worry rest nap bedtime light morning "
    "evening walk journal habit support counselling medication dose doctor symptoms"
).split()


def main(articles=10_000, queries=200):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article
    from articles.publishing import search

    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rng = random.Random(7)
        now = timezone.now()

        # Ordinary prose: a large vocabulary, with a few of the health terms in each text,
        # so a term matches some articles, as in real content, not every one.
        filler = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 9)))
                  for _ in range(3000)]  # fmt: skip

        def text(n):
            words = rng.choices(filler, k=n) + rng.sample(WORDS, max(1, n // 80))
            rng.shuffle(words)
            return " ".join(words)

        def article(n):
            title, summary, body = text(6).capitalize(), text(25), text(400)
            # As a save stores it: the rendered body, and its text, which search reads;
            # published a minute apart, as a site's articles are, one after another.
            when = now - datetime.timedelta(minutes=articles - n)
            return Article(
                title=title, slug=f"bench-{n}", summary=summary, body=body,
                body_html=f"<p>{body}</p>", search_text=body, status="published", live=True,
                published_at=when, first_published_at=when,
            )  # fmt: skip

        Article.objects.bulk_create([article(n) for n in range(articles)], batch_size=1000)
        timings, ranking = [], []
        for _ in range(queries):
            query = " ".join(rng.sample(WORDS, rng.choice((1, 2))))
            started = time.perf_counter()
            ranked = search.search(query).ranked
            ranking.append((time.perf_counter() - started) * 1000)
            search.hits(ranked[:10], query)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"search on {connection.vendor}, {articles} articles, {queries} queries: "
            f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms "
            f"(ranking alone: p50 {statistics.median(ranking):.1f} ms)"
        )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
