"""Benchmarks: importing many seed-format files, and public pages in the test client,
rendered and from the cache.

Run with ``make bench``: a throwaway SQLite database, or with DATABASE_URL=postgres://…
a fresh PostgreSQL database beside the one it names.
Not part of the test suite: timings belong here, not in assertions.
"""

import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seeds" / "000_2c3dcb79e5ffe5ba.txt"


def _fresh_database(workdir):
    """An empty database of its own: a new PostgreSQL database named after DATABASE_URL's
    (editorial_bench_import), or a SQLite file, so the import never lands in another."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    import psycopg

    server, own = base.rsplit("/", 1)
    name = f"{own.split('?')[0] or 'editorial_bench'}_import"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


def main(files=1000, requests=300):
    if not SEED.exists():
        sys.exit(f"Seed document missing: expected {SEED} (../shared/seeds).")
    workdir = Path(tempfile.mkdtemp(prefix="editorial-bench-"))
    os.environ["DATABASE_URL"] = _fresh_database(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article, Author
    from faq.models import FAQEntry
    from tests.conftest import make_user

    call_command("migrate", verbosity=0)
    text = SEED.read_text(encoding="utf-8")
    title = "Strategies to Get Your Sex Back After Mental Health Challenges"
    source = workdir / "files"
    source.mkdir()
    for n in range(files):
        (source / f"{n:05d}.txt").write_text(text.replace(title, f"{title} {n}"), "utf-8")

    started = time.perf_counter()
    call_command("import_content", str(source), stdout=open(os.devnull, "w"))
    elapsed = time.perf_counter() - started
    print(
        f"import: {files} files, {Article.objects.count()} articles, "
        f"{FAQEntry.objects.count()} FAQ entries in {elapsed:.1f} s "
        f"({elapsed / files * 1000:.1f} ms per file)"
    )

    writer, editor = make_user("bench-writer", "Writer"), make_user("bench-editor", "Editor")
    author = Author.objects.create(name="Bench Author", slug="bench-author")
    article = Article.objects.order_by("pk").first()
    article.author = author
    article.save()
    article.submit_for_review(writer)
    article.publish(editor)  # its FAQ entries move with it

    # Each page rendered (a session cookie: the page cache never answers such a request)
    # and then from the cache (no cookie, after one request has stored it), told apart.
    client = Client()
    for label, url in [
        ("article page", article.get_absolute_url()),
        ("home page", "/"),
        ("FAQ page", "/faq/"),
    ]:
        client.cookies["sessionid"] = "benchmark"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        rendered = _per_request(client, url, requests)
        del client.cookies["sessionid"]
        client.get(url)
        cached = _per_request(client, url, requests)
        print(
            f"{label}: rendered {rendered:.2f} ms per request ({len(queries)} queries), "
            f"from the cache {cached:.2f} ms, {len(response.content) / 1024:.1f} KiB"
        )


def _per_request(client, url, requests):
    started = time.perf_counter()
    for _ in range(requests):
        assert client.get(url).status_code == 200
    return (time.perf_counter() - started) / requests * 1000


if __name__ == "__main__":
    args = [int(value) for value in sys.argv[1:] if re.fullmatch(r"\d+", value)]
    main(*args)
