"""Benchmark: every public page against a bare Django hello-world, at N articles.

    python tests/benchmarks/pages.py 100 100000

For each N it builds a fresh database (PostgreSQL when DATABASE_URL names one, else a
SQLite file) with ``generate_content N``, serves it with gunicorn as in production
(2 sync workers, DEBUG off, the cache from REDIS_URL or files) beside the hello-world
project in hello/ (its own settings, no database, no page cache, Django's middleware as
the site runs it, the same gunicorn flags), and measures:

- throughput of each page as a multiple of the hello-world's, the two measured in turn
  (hello, page, hello, page…, each page against the mean of the hello-world runs either
  side of it): the page served from the cache (a warmed page, no cookie), and rendered
  (with a session cookie, which the page cache never answers), the median of
  BENCH_REPEATS such turns (3), as one turn moves with the machine's busier moments;
- a conditional GET answered 304 (If-None-Match), the same way;
- p50 (the lowest median of 3 rounds of 100) and p99 latency of the rendered page, one
  request at a time;
- queries per rendered page, and the admin changelist, admin search and sitemap times;
- with two sizes, each page's rendered p50 at both again, side by side: a server up for
  each size and their rounds alternating, so the ratio is not two moments of a busy
  machine compared.

BENCH_PAGES="article;home, deep page" measures only those rows (labels as printed).
PostgreSQL databases are named after the one in DATABASE_URL (editorial_100 for
editorial), so runs against different databases on one server keep apart.

Timings belong here, not in the test suite.
"""

import http.client
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks import serving  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
# Turns of the rendered page against the hello-world, of which the median is reported.
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
CLIENTS = 4
LATENCY_REQUESTS = 100


def _load(args):
    """Requests answered with ``expect`` until ``until``: a 200 where a 304 was asked for
    is not counted as one."""
    port, path, headers, until, expect = args
    done = 0
    while time.monotonic() < until:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status == expect:
            done += 1
    return done


# A session cookie: the page cache never answers such a request, so it is a render.
RENDER = {"Cookie": "sessionid=benchmark"}
# The header the benchmark's settings put on each render (see settings.py).
MARK = "X-Bench-Render"


def throughput(port, path, headers=None, expect=200):
    until = time.monotonic() + SECONDS
    with multiprocessing.Pool(CLIENTS) as pool:
        counts = pool.map(_load, [(port, path, headers or {}, until, expect)] * CLIENTS)
    return sum(counts) / SECONDS


def latencies(port, path, n=LATENCY_REQUESTS, rounds=3, headers=None):
    """p50 and p99 in ms: the lowest of ``rounds`` medians, so a busy moment on a shared
    machine does not pass for the page's cost, and the p99 over every request."""
    results = [_latency_round(port, path, n, headers) for _ in range(rounds)]
    everything = sorted(t for times in results for t in times)
    p99 = everything[min(len(everything) - 1, int(len(everything) * 0.99))]
    return min(statistics.median(times) for times in results), p99


def _latency_round(port, path, n, headers=None):
    times = []
    for _ in range(n):
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 200, (path, response.status)
        times.append((time.perf_counter() - started) * 1000)
    return times


def fetch(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def prepare(count, env):
    """A fresh database with ``count`` generated articles; returns its DATABASE_URL."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        import psycopg

        server, own = base.rsplit("/", 1)
        name = f"{own.split('?')[0] or 'editorial_bench'}_{count}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
        url = f"{server}/{name}"
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='editorial-bench-')}/bench.sqlite3"
    run = {**env, "DATABASE_URL": url}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=run, check=True)  # noqa: S603
    # Before anything renders a page: the manifest storage needs the collected files.
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=run, check=True)  # noqa: S603
    subprocess.run([*manage, "generate_content", str(count)], cwd=ROOT, env=run, check=True,  # noqa: S603
                   stdout=subprocess.DEVNULL)  # fmt: skip
    if url.startswith("postgres"):
        with psycopg.connect(url, autocommit=True) as db:
            db.execute("VACUUM ANALYZE")  # as autovacuum would, in time
    return url


def in_process(url, env, count):
    """Queries per page and admin timings, measured inside Django with its test client."""
    code = f"""
import time, statistics
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.contrib.auth import get_user_model
from articles.models import Article, Topic
from tests.benchmarks.pages import ADMIN_PAGES, pages
client = Client(HTTP_HOST="127.0.0.1")
for label, path in pages(Article.objects.published().order_by("-published_at").first(),
                         Topic.objects.filter(slug="generated-0").first(), {count}):
    client.cookies["sessionid"] = "benchmark"  # never answered by the cache: a render
    with CaptureQueriesContext(connection) as q:
        status = client.get(path).status_code
    del client.cookies["sessionid"]
    print(f"Q\\t{{label}}\\t{{len(q)}}\\t{{status}}")
user = get_user_model().objects.filter(username="bench").first() or \\
    get_user_model().objects.create_superuser("bench", "b@example.test", "bench-pass-0")
client.force_login(user)
from tests.benchmarks.pages import long_past
for label, path in ADMIN_PAGES + long_past(user):
    client.get(path)  # first-request costs
    with CaptureQueriesContext(connection) as q:
        client.get(path)
    queries = len(q)  # now: the next request starts the log again
    times = []
    for _ in range(5):
        started = time.perf_counter(); status = client.get(path).status_code
        times.append((time.perf_counter() - started) * 1000)
    print(f"A\\t{{label}}\\t{{statistics.median(times):.0f}}\\t{{status}}\\t{{queries}}\\t"
          f"{{len(client.get(path).content)}}")
"""
    out = _shell(code, env, url)
    return [line.split("\t") for line in out.splitlines() if line[:2] in ("Q\t", "A\t")]


def _shell(code, env, url):
    """What ``manage.py shell -c code`` prints, run against the database at ``url``."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env={**env, "DATABASE_URL": url}, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


ADMIN_PAGES = [
    ("admin desk", "/admin/"),
    ("admin activity", "/admin/activity/"),
    ("admin articles", "/admin/articles/article/"),
    ("admin articles, live", "/admin/articles/article/?state=live"),
    ("admin articles, one topic", "/admin/articles/article/?topic__id__exact=1"),
    ("admin articles, search", "/admin/articles/article/?q=anxiety"),
    ("admin FAQ", "/admin/faq/faqentry/"),
    ("admin FAQ, search", "/admin/faq/faqentry/?q=sleep"),
]
LONG_PAST = {"comments": 200, "revisions": 500}


def long_past(user):
    """(label, path) of the change form, history and comments of the newest article, after
    giving it LONG_PAST's comments (150 threads, 50 replies) and revisions, each revision
    logged as a move, a minute apart. Made once per database."""
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from articles.models import Article, Comment, Revision, Transition
    from articles.publishing import revisions

    article = Article.objects.order_by("-published_at", "-pk").first()
    content_type = ContentType.objects.get_for_model(article)
    if not Revision.objects.filter(content_type=content_type, object_id=article.pk).exists():
        revisions.ensure_revision(article)  # generated rows have none yet
        content = revisions.latest_content(article)
        start = timezone.now() - datetime.timedelta(days=30)
        made = Revision.objects.bulk_create(
            Revision(content_type=content_type, object_id=article.pk, object_repr=str(article),
                     content=content, changed=["summary"], user=user, message=f"Save {n}",
                     created_at=start + datetime.timedelta(minutes=n))
            for n in range(LONG_PAST["revisions"])
        )  # fmt: skip
        Transition.objects.bulk_create(
            Transition(content_type=content_type, object_id=article.pk, action="edit",
                       object_repr=str(article), from_status="published", to_status="published",
                       user=user, revision=revision, created_at=revision.created_at)
            for revision in made
        )  # fmt: skip
        threads = Comment.objects.bulk_create(
            Comment(content_type=content_type, object_id=article.pk, user=user,
                    text=f"Comment {n}: the second claim needs a source.",
                    created_at=start + datetime.timedelta(minutes=3 * n))
            for n in range(LONG_PAST["comments"] * 3 // 4)
        )  # fmt: skip
        Comment.objects.bulk_create(
            Comment(content_type=content_type, object_id=article.pk, user=user,
                    parent=threads[-1 - n], text=f"Reply {n}: done.",
                    created_at=start + datetime.timedelta(minutes=3 * n + 1))
            for n in range(LONG_PAST["comments"] // 4)
        )  # fmt: skip
    base = f"/admin/articles/article/{article.pk}"
    return [
        ("admin change form, 200 comments, 500 revisions", f"{base}/change/"),
        ("admin history, 500 revisions", f"{base}/history/"),
        ("admin comments, 200", f"{base}/comments/"),
    ]


def pages(article, topic, count):
    """(label, path) of each page measured, or of those named in BENCH_PAGES."""
    wanted = set(filter(None, os.environ.get("BENCH_PAGES", "").split(";")))
    return [row for row in _pages(article, topic, count) if not wanted or row[0] in wanted]


def _pages(article, topic, count):
    return [
        ("article", article.get_absolute_url()),
        ("home", "/"),
        ("home, deep page", f"/?page={max(1, count // 10)}"),
        ("topic", topic.get_absolute_url()),
        ("topic, deep page", topic.get_absolute_url() + f"?page={max(1, count // 200)}"),
        ("author", article.author.get_absolute_url()),
        ("FAQ hub", "/faq/"),
        ("FAQ topic page", f"/faq/{topic.slug}/"),
        ("sitemap index", "/sitemap.xml"),
        ("sitemap section", "/sitemap-articles.xml?p=1"),
        ("feed", "/feed/"),
        ("search", "/search/?q=anxiety"),
        ("search, two words", "/search/?q=sleep+stress"),
        ("topics", "/topics/"),
        ("authors", "/authors/"),
    ]


def serve(url, env, port):
    return serving.site(port, {**env, "DATABASE_URL": url})


def measure(count, env, port):
    print(f"{count} articles: building the database…", file=sys.stderr)
    url = prepare(count, env)
    print(f"{count} articles: measuring…", file=sys.stderr)
    rows, extra = [], {}
    lines = in_process(url, env, count)
    refused = [line for line in lines if line[3] != "200"]
    assert not refused, f"pages that did not answer 200: {refused}"
    queries = {label: int(n) for kind, label, n, *_ in lines if kind == "Q"}
    admin = [(label, ms, *rest) for kind, label, ms, _, *rest in lines if kind == "A"]
    server = serve(url, env, port)
    hello_port = port + 150
    hello = serving.hello(hello_port)
    throughput(hello_port, "/hello/")  # both servers' workers up and warm before timing
    throughput(port, "/")
    hellos = [throughput(hello_port, "/hello/")]

    def against_hello(run):
        """The measurement, then the hello-world again: the ratio is to the mean of the
        hello-world's throughput just before and just after it."""
        result = run()
        hellos.append(throughput(hello_port, "/hello/"))
        return result / ((hellos[-2] + hellos[-1]) / 2)

    try:
        targets = _targets(url, env, count)
        for label, path in targets:
            # Warm the cache; a page whose second answer is a new render is never served
            # from the cache, and its "cached" figure says so.
            first, again = (fetch(port, path)[1].get(MARK) for _ in range(2))
            cached = against_hello(lambda path=path: throughput(port, path))
            cached = cached if first == again else None
            rendered = statistics.median(
                against_hello(lambda path=path: throughput(port, path, RENDER))
                for _ in range(REPEATS)
            )
            p50, p99 = latencies(port, path, headers=RENDER)
            rows.append((label, cached, rendered, p50, p99, queries.get(label)))
        article = targets[0][1]
        etag = fetch(port, article)[1]["ETag"]
        conditional = {"If-None-Match": etag}
        assert fetch(port, article, conditional)[0] == 304, "no 304 for the article's ETag"
        extra["304"] = against_hello(lambda: throughput(port, article, conditional, 304))
    finally:
        serving.stop(server)
        serving.stop(hello)
    return hellos, rows, extra, admin, url


def side_by_side(urls, env, port, rounds=5):
    """Rendered p50 of each page at every size, with a server up for each and their rounds
    alternating, so that each ratio compares two sizes measured at the same moments."""
    # Each server keeps to its own cache: one size's counts and lists are not the other's.
    caches = {count: _own_cache(env, count) for count in urls}
    servers = {
        count: serve(url, {**env, **caches[count]}, port + i)
        for i, (count, url) in enumerate(urls.items())
    }
    try:
        ports = {count: port + i for i, count in enumerate(urls)}
        # (label, path, headers, requests a round): public pages rendered, and the admin's
        # as a superuser signed in to that server sees them.
        targets = {}
        for count, url in urls.items():
            cookie = {"Cookie": _admin_session({**env, **caches[count]}, url)}
            admin_pages = ADMIN_PAGES + _long_past_pages(env, url)
            targets[count] = [
                *((label, path, RENDER, 50) for label, path in _targets(url, env, count)),
                *((label, path, cookie, 10) for label, path in admin_pages),
            ]  # fmt: skip
        best = {}
        for row, (label, *_) in enumerate(targets[next(iter(urls))]):
            medians = {count: [] for count in urls}
            for _ in range(rounds):
                for count in urls:
                    _, path, headers, n = targets[count][row]
                    times = _latency_round(ports[count], path, n, headers)
                    medians[count].append(statistics.median(times))
            best[label] = {count: min(values) for count, values in medians.items()}
        return best
    finally:
        for server in servers.values():
            serving.stop(server)


def _admin_session(env, url):
    """A Cookie header for a signed-in superuser, in the session store the server reads."""
    code = (
        "from django.conf import settings\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.test import Client\n"
        "user = get_user_model().objects.get(username='bench')\n"
        "client = Client()\n"
        "client.force_login(user)\n"
        "name = settings.SESSION_COOKIE_NAME\n"
        "print(f'{name}={client.cookies[name].value}')"
    )
    return _shell(code, env, url).split()[-1]


def _long_past_pages(env, url):
    """long_past's (label, path) rows for the database at ``url``, made by in_process."""
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from tests.benchmarks.pages import long_past\n"
        "for label, path in long_past(get_user_model().objects.get(username='bench')):\n"
        "    print(f'P\\t{label}\\t{path}')"
    )
    out = _shell(code, env, url)
    return [tuple(line.split("\t")[1:]) for line in out.splitlines() if line.startswith("P\t")]


def _own_cache(env, count):
    return {
        "CACHE_KEY_PREFIX": f"{env['CACHE_KEY_PREFIX']}-{count}",
        "CACHE_DIR": tempfile.mkdtemp(prefix=f"editorial-bench-cache-{count}-"),
    }


def _targets(url, env, count):
    code = (
        "from articles.models import Article, Topic\n"
        "a = Article.objects.published().order_by('-published_at').first()\n"
        "t = Topic.objects.get(slug='generated-0')\n"
        "print(a.get_absolute_url(), t.get_absolute_url(), a.author.get_absolute_url())"
    )
    article, topic, author = _shell(code, env, url).split()[-3:]

    class Obj:
        pass

    a, t = Obj(), Obj()
    a.get_absolute_url = lambda: article
    a.author = Obj()
    a.author.get_absolute_url = lambda: author
    t.get_absolute_url = lambda: topic
    t.slug = topic.strip("/").rsplit("/", 1)[-1]
    return pages(a, t, count)


def main(*counts):
    counts = counts or (100,)
    port = 8700 + os.getpid() % 200
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.settings",
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "CACHE_KEY_PREFIX": f"bench{os.getpid()}",
        "CACHE_DIR": tempfile.mkdtemp(prefix="editorial-bench-cache-"),
        "SECURE_SSL_REDIRECT": "0",
    }
    results = {count: measure(count, env, port) for count in counts}
    database = (
        "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    cache = "Redis" if os.environ.get("REDIS_URL") else "file cache"
    machine = serving.versions(results[max(results)][4], os.environ.get("REDIS_URL"))
    print(f"\n### Pages, {time.strftime('%Y-%m-%d', time.gmtime())}\n")
    print(", ".join(f"{name} {value}" for name, value in machine.items()) + ".")
    load = " ".join(f"{n:.1f}" for n in serving.load_average())
    print(
        f"Pages on gunicorn ({serving.WORKERS} sync workers, DEBUG off), {database}, {cache}. "
        "Throughput as a multiple of the bare hello-world project's, measured in turn with "
        f"each page by {CLIENTS} client processes, a new connection per request: cached is "
        "a warmed page with no cookie, rendered carries a session cookie, which the cache "
        f"never answers (the median of {REPEATS} turns). Latency of the rendered page, one "
        "request at a time. Load average "
        f"at the end: {load}.\n"
    )
    for count, (hellos, rows, extra, admin, _url) in results.items():
        print(f"{count} articles: hello-world {min(hellos):.0f} to {max(hellos):.0f} "
              f"requests/s; a 304 (If-None-Match): {extra['304']:.2f}×\n")  # fmt: skip
        print("| Page | cached | rendered | p50 ms | p99 ms | queries |")
        print("|---|---|---|---|---|---|")
        for label, cached, rendered, p50, p99, queries in rows:
            cached = "not cached" if cached is None else f"{cached:.2f}×"
            print(f"| {label} | {cached} | {rendered:.2f}× | {p50:.1f} | {p99:.1f} | "
                  f"{queries} |")  # fmt: skip
        print("\n| Admin (median of 5) | ms | queries | bytes |\n|---|---|---|---|")
        for label, ms, queries, size in admin:
            print(f"| {label} | {ms} | {queries} | {size} |")
        print()
    if len(results) > 1:
        small, large = min(results), max(results)
        print(f"Rendered latency at {large} against {small} articles (p50):")
        before = {row[0]: row[3] for row in results[small][1]}
        for label, *_, p50, _p99, _q in results[large][1]:
            print(f"  {label}: {p50 / before[label]:.2f}×")
        urls = {count: results[count][4] for count in (small, large)}
        print("\nThe same, side by side: a server for each size, 5 alternating rounds of 50 "
              "requests (10 for the admin's), the lowest median of each (ms):")  # fmt: skip
        print(f"| Page | {small} | {large} | ratio |\n|---|---|---|---|")
        for label, p50s in side_by_side(urls, env, port).items():
            print(f"| {label} | {p50s[small]:.1f} | {p50s[large]:.1f} | "
                  f"{p50s[large] / p50s[small]:.2f}× |")  # fmt: skip


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
