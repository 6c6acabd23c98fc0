"""An editor at work, for the newsroom benchmark: a Django process of its own that takes
an article's slug on each line of its input, updates the live article through the
publishing workflow (a change to its working copy, submitted and published), and answers
each line with the milliseconds it took.

    python tests/benchmarks/editor.py   # with the site's settings in the environment

Each update goes through the same service as the admin's Publish button, so whatever
publishing does to the caches (and the database) is what readers get.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
USERNAME = "bench-editor"


def editor():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, made = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"is_staff": True}
    )
    if made:
        user.groups.add(Group.objects.get(name="Editor"))
    return user


def update(user, slug, n):
    from django.utils import timezone

    from articles.models import Article
    from articles.publishing import revisions

    article = Article.objects.get(slug=slug)
    working = revisions.working_copy(article)
    stamp = timezone.localtime().strftime("%H:%M:%S")
    working.body = f"{working.body}\n\nUpdated at {stamp} (update {n})."
    revisions.save(working, user, message="Updated live")
    article = Article.objects.get(slug=slug)
    article.submit_for_review(user)
    article.publish(user, note="Updated live")


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    user = editor()
    print("ready", flush=True)
    for n, line in enumerate(sys.stdin):
        started = time.perf_counter()
        update(user, line.strip(), n)
        print(f"{(time.perf_counter() - started) * 1000:.0f}", flush=True)


if __name__ == "__main__":
    main()
