"""Benchmark: a newsroom's day. Readers on many articles while an editor publishes.

    python tests/benchmarks/newsroom.py 100000

At N generated articles (PostgreSQL and Redis: DATABASE_URL and REDIS_URL), readers
(BENCH_CLIENTS processes, a new connection per request, as pages.py's load) read the
newest BENCH_READ articles (10,000) with a Zipf popularity (exponent BENCH_ZIPF, 1.0),
while an editor (editor.py, a process of its own) updates a live article through the
publishing workflow every 60 s, every 10 s, or never, picking it with the readers'
popularity, since live updates go to the stories being read. Each run is made against
the app alone (gunicorn) and with Varnish in front (the project's VCL, or BENCH_VCL).

Every run starts with empty caches and reads each of the BENCH_READ pages once (a
newsroom's caches are warm: its pages were read before the run; BENCH_PREWARM=0 skips
this), warms them for BENCH_WARM more seconds as readers read, then alternates
slices of BENCH_SLICE seconds (15) of the bare hello-world project (hello/) and of the
site, BENCH_ROUNDS times (8), with the editor's clock running only in the site's slices,
so the machine's other load falls on both sides alike. Per run it prints:

- the hit rate: the share of readers' responses that were no render (settings.py marks
  each render with a new id, which any cache then repeats), and the app's X-Cache
  header's counts when it sends one;
- throughput as a ratio to the hello-world's over the alternating slices;
- p50 and p99 latency of readers' requests;
- database load: tup_fetched per second of the site's slices (pg_stat_database);
- how long the editor's updates took.

Then the memory: the RSS of each gunicorn worker after BENCH_MEMORY_REQUESTS (100,000)
requests over the BENCH_READ pages, and Redis's memory for the cache's keys.

Timings belong here, not in the test suite.
"""

import bisect
import collections
import itertools
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks import serving  # noqa: E402
from tests.benchmarks.marks import HEADER as RENDER_HEADER  # noqa: E402

ROOT = serving.ROOT
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
READ = int(os.environ.get("BENCH_READ", "10000"))
ZIPF = float(os.environ.get("BENCH_ZIPF", "1.0"))
WARM = float(os.environ.get("BENCH_WARM", "20"))
SLICE = float(os.environ.get("BENCH_SLICE", "15"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "8"))
MEMORY_REQUESTS = int(os.environ.get("BENCH_MEMORY_REQUESTS", "100000"))
PREWARM = os.environ.get("BENCH_PREWARM", "1") != "0"
# Seconds between the editor's updates; None: no publishing. BENCH_CADENCES="10" and
# BENCH_FRONTS="app" measure one part of the whole.
CADENCES = [
    None if every == "none" else int(every)
    for every in os.environ.get("BENCH_CADENCES", "none,60,10").split(",")
]
FRONTS = os.environ.get("BENCH_FRONTS", "app,Varnish").lower().split(",")
# Readers ask for what browsers ask for.
READER = {"Accept-Encoding": "gzip, deflate, br"}


# --- Readers (in the client processes) ----------------------------------------------------

_paths, _weights = [], []


def _share(paths, weights):
    global _paths, _weights
    _paths, _weights = paths, weights


def _read(args):
    """Read until ``until``; what was seen, for the parent to add up."""
    port, until, seed = args
    rng = random.Random(seed)
    seen = {"ok": 0, "errors": 0, "times": [], "x_cache": collections.Counter(), "ids": set()}
    total = _weights[-1]
    while time.monotonic() < until:
        path = _paths[bisect.bisect(_weights, rng.random() * total)]
        started = time.perf_counter()
        status, headers, _ = serving.fetch(port, path, READER)
        seen["times"].append((time.perf_counter() - started) * 1000)
        if status != 200:
            seen["errors"] += 1
            continue
        seen["ok"] += 1
        lower = {name.lower(): value for name, value in headers.items()}
        seen["ids"].add((path, lower.get(RENDER_HEADER.lower())))
        if "x-cache" in lower:
            seen["x_cache"][lower["x-cache"].split(",")[0].strip().upper()] += 1
    return seen


def _hello(args):
    port, until = args
    done = 0
    while time.monotonic() < until:
        status, _, _ = serving.fetch(port, "/hello/", READER)
        done += status == 200
    return done


def _each_once(args):
    """``paths`` in order, each once (the memory run's requests, and the pre-warming);
    the (path, render) of each."""
    port, paths = args
    seen = set()
    for path in paths:
        _, headers, _ = serving.fetch(port, path, READER)
        lower = {name.lower(): value for name, value in headers.items()}
        seen.add((path, lower.get(RENDER_HEADER.lower())))
    return seen


# --- The run ------------------------------------------------------------------------------


class Run:
    """One workload on one front (the app, or Varnish before it) at one cadence."""

    def __init__(self, front, every):
        self.front, self.every = front, every
        self.hello_done = 0
        self.seen = {"ok": 0, "errors": 0, "times": [], "x_cache": collections.Counter()}
        self.renders = set()
        self.known = set()
        self.fetched = 0
        self.varnish = collections.Counter()
        self.updates = []
        self.site_seconds = self.hello_seconds = 0.0

    def add(self, parts):
        for part in parts:
            self.seen["ok"] += part["ok"]
            self.seen["errors"] += part["errors"]
            self.seen["times"] += part["times"]
            self.seen["x_cache"] += part["x_cache"]
            self.renders |= part["ids"]

    def _renders(self):
        """(path, id) of each render first seen in the measured slices."""
        known = {render for _, render in self.known}
        return {(path, render) for path, render in self.renders if render not in known | {None}}

    @property
    def hit_rate(self):
        renders = len(self._renders())
        return 1 - renders / self.seen["ok"] if self.seen["ok"] else float("nan")

    @property
    def warm_hit_rate(self):
        """The hit rate of requests for pages rendered before in the run: a page's first
        render is a cold miss, which a longer run makes rarer; a second one is a miss a
        change (or an eviction) caused. Comparable between runs of different lengths."""
        renders = self._renders()
        earlier = {path for path, _ in self.known}
        cold = len({path for path, _ in renders} - earlier)
        asked = self.seen["ok"] - cold
        return 1 - (len(renders) - cold) / asked if asked else float("nan")

    @property
    def throughput(self):
        return (self.seen["ok"] / self.site_seconds) / (self.hello_done / self.hello_seconds)

    def latency(self, q):
        times = sorted(self.seen["times"])
        return times[min(len(times) - 1, int(len(times) * q))] if times else float("nan")


def run(front, every, pool, ports, stats, editor, pick):
    """Alternate hello-world slices with the site's, the editor publishing in the site's."""
    result = Run(front, every)
    port = ports["varnish"] if front == "Varnish" else ports["site"]
    seeds = itertools.count(random.randrange(1 << 30) * 100)
    warmed = set()
    if PREWARM:
        shares = [(port, _paths[n::CLIENTS]) for n in range(CLIENTS)]
        warmed = set().union(*pool.map(_each_once, shares))
    warming = [(port, time.monotonic() + WARM, next(seeds)) for _ in range(CLIENTS)]
    # Renders seen while warming are not counted again when their copies are served, and
    # the pages they were of are warm.
    result.known = warmed.union(*(part["ids"] for part in pool.map(_read, warming)))
    next_update = every / 2 if every else None  # at the cadence's middle: exactly N per run
    clock = 0.0
    for _ in range(ROUNDS):
        until = time.monotonic() + SLICE
        result.hello_done += sum(pool.map(_hello, [(ports["hello"], until)] * CLIENTS))
        result.hello_seconds += SLICE
        before = stats()
        started = time.monotonic()
        until = started + SLICE
        reading = pool.map_async(_read, [(port, until, next(seeds)) for _ in range(CLIENTS)])
        while not reading.ready():
            if next_update is not None and clock + time.monotonic() - started >= next_update:
                result.updates.append(editor.publish(pick()))
                next_update += every
            reading.wait(0.05)
        clock += SLICE
        result.site_seconds += SLICE
        result.add(reading.get())
        after = stats()
        result.fetched += after["fetched"] - before["fetched"]
        for name, value in after.get("varnish", {}).items():
            result.varnish[name] += value - before["varnish"][name]
    return result


class Editor:
    """editor.py, fed one slug per update."""

    def __init__(self, env):
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, str(Path(__file__).with_name("editor.py"))],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit("the editor did not start")

    def publish(self, slug):
        self.process.stdin.write(f"{slug}\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        if not answer.isdigit():
            raise SystemExit(f"the editor failed on {slug}: {answer!r}")
        return int(answer)

    def stop(self):
        self.process.stdin.close()
        self.process.wait(30)


# --- Around the runs ----------------------------------------------------------------------


def database(count, env):
    """The bench database with ``count`` generated articles: pages.py's for that size if
    it is there (updates since change no count), else a new one."""
    import psycopg

    from tests.benchmarks.pages import prepare

    base = env["DATABASE_URL"]
    server, own = base.rsplit("/", 1)
    url = f"{server}/{own.split('?')[0] or 'editorial_bench'}_{count}"
    try:
        with psycopg.connect(url) as db:
            have = db.execute("SELECT count(*) FROM articles_article").fetchone()[0]
    except psycopg.Error:
        have = None
    if have == count:
        print(f"{count} articles: using the database built before", file=sys.stderr)
        manage = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(manage, cwd=ROOT, env={**env, "DATABASE_URL": url}, check=True)  # noqa: S603
        return url
    print(f"{count} articles: building the database…", file=sys.stderr)
    started = time.monotonic()
    url = prepare(count, env)
    print(f"{count} articles: built in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return url


def popular(url, env):
    """(slug, path) of the newest READ articles, in a fixed random order of popularity."""
    from tests.benchmarks.pages import _shell

    code = (
        "from articles.models import Article\n"
        f"for a in Article.objects.published().order_by('-published_at')[:{READ}]:\n"
        "    print('P', a.slug, a.get_absolute_url())"
    )
    rows = [line.split()[1:] for line in _shell(code, env, url).splitlines() if line[:2] == "P "]
    random.Random(1).shuffle(rows)
    return rows


def database_stats(url, varnish=None):
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]

    def read():
        with psycopg.connect(url, autocommit=True) as db:
            # The statistics are flushed by each backend at most once a second.
            fetched = db.execute(
                "SELECT tup_fetched FROM pg_stat_database WHERE datname = %s", [name]
            ).fetchone()[0]
        found = {"fetched": fetched}
        if varnish is not None and varnish.get("process") is not None:
            found["varnish"] = varnish["process"].stats(*VARNISH_FIELDS)
        return found

    return read


VARNISH_FIELDS = ("MAIN.cache_hit", "MAIN.cache_miss", "MAIN.cache_hitpass", "MAIN.s_pass")


def flush_redis():
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.flushdb()
    return client


def vcl():
    """The VCL Varnish runs: BENCH_VCL's file if set, else the project's; None if neither."""
    given = os.environ.get("BENCH_VCL")
    if given:
        return Path(given).read_text()
    return serving.VCL.read_text() if serving.VCL.exists() else None


def measure(count, env, ports):
    url = database(count, env)
    env = {**env, "DATABASE_URL": url}
    rows = popular(url, env)
    paths = [path for _, path in rows]
    slugs = [slug for slug, _ in rows]
    weights = list(itertools.accumulate(1 / rank**ZIPF for rank in range(1, len(rows) + 1)))
    _share(paths, weights)  # here too: the pre-warming splits the pages between readers
    picker = random.Random(2)

    def pick():
        return slugs[bisect.bisect(weights, picker.random() * weights[-1])]

    fronts = ["app"] if "app" in FRONTS else []
    source = vcl()
    if "varnish" in FRONTS and source is not None:
        fronts.append("Varnish")
    elif "varnish" in FRONTS:
        print("No VCL in deploy/varnish/ and no BENCH_VCL: Varnish not measured.", file=sys.stderr)
    results, memory = [], None
    hello = None
    with multiprocessing.Pool(CLIENTS, initializer=_share, initargs=(paths, weights)) as pool:
        try:
            hello = serving.hello(ports["hello"])
            for front in fronts:
                for every in CADENCES:
                    print(f"{front}, publishing every {every or '—'} s…", file=sys.stderr)
                    results.append(_one(front, every, pool, ports, env, url, pick, source))
                    print(row(results[-1]), file=sys.stderr)  # kept if a later run fails
            memory = _memory(pool, ports, env, paths) if MEMORY_REQUESTS else None
        finally:
            serving.stop(hello)
    return results, memory, url, bool(os.environ.get("BENCH_VCL"))


def _one(front, every, pool, ports, env, url, pick, source):
    flush_redis()
    site = varnish = editor = None
    holder = {}
    if front == "Varnish":
        # The site and the editor purge this Varnish when a page changes, as in production.
        env = {**env, "VARNISH_URLS": f"http://127.0.0.1:{ports['varnish']}"}
    try:
        site = serving.site(ports["site"], env)
        if front == "Varnish":
            varnish = serving.Varnish(ports["varnish"], ports["site"], source)
            serving.wait_for(ports["varnish"], "/", varnish.process)
            holder["process"] = varnish
        editor = Editor(env)
        stats = database_stats(url, holder)
        return run(front, every, pool, ports, stats, editor, pick)
    finally:
        if editor is not None:
            editor.stop()
        if varnish is not None:
            varnish.stop()
        serving.stop(site)


def _memory(pool, ports, env, paths):
    """Worker RSS after MEMORY_REQUESTS requests spread evenly over ``paths``, and the
    Redis memory of the cache's keys."""
    client = flush_redis()
    print(f"memory: {MEMORY_REQUESTS} requests over {len(paths)} pages…", file=sys.stderr)
    site = serving.site(ports["site"], env)
    try:
        started_with = serving.worker_memory(site)
        sequence = list(itertools.islice(itertools.cycle(paths), MEMORY_REQUESTS))
        started = time.monotonic()
        shares = [(ports["site"], sequence[n::CLIENTS]) for n in range(CLIENTS)]
        pool.map(_each_once, shares)
        done = len(sequence)
        seconds = time.monotonic() - started
        rss = serving.worker_memory(site)
    finally:
        serving.stop(site)
    keys = list(client.scan_iter(count=1000))
    key_bytes = sum(client.memory_usage(key) or 0 for key in keys)
    return {
        "requests": done, "pages": len(paths), "seconds": seconds, "start": started_with,
        "rss": rss, "keys": len(keys), "key_bytes": key_bytes,
        "used_memory": client.info("memory")["used_memory"],
    }  # fmt: skip


def row(r):
    """The run as a row of the table."""
    x_cache = " ".join(f"{k} {v}" for k, v in sorted(r.seen["x_cache"].items())) or "none"
    varnish = (
        f"{r.varnish['MAIN.cache_hit']}/{r.varnish['MAIN.cache_miss']}/"
        f"{r.varnish['MAIN.s_pass']}"
        if r.varnish else "—"
    )  # fmt: skip
    updates = f"{len(r.updates)} ({statistics.median(r.updates):.0f})" if r.updates else "0"
    return (
        f"| {r.front} | {'every ' + str(r.every) + ' s' if r.every else 'never'} "
        f"| {r.hit_rate:.1%} | {r.warm_hit_rate:.1%} | {x_cache} | {r.throughput:.2f}× "
        f"| {r.latency(0.5):.1f} | {r.latency(0.99):.1f} "
        f"| {r.fetched / r.site_seconds:,.0f} | {varnish} | {updates} "
        f"| {r.seen['errors']} |"
    )


def report(count, results, memory, url, stand_in):
    machine = serving.versions(url, os.environ.get("REDIS_URL"))
    print(f"\n### Newsroom: {count:,} articles, {time.strftime('%Y-%m-%d', time.gmtime())}\n")
    print(", ".join(f"{name} {value}" for name, value in machine.items()) + ".")
    print(
        f"Readers: {CLIENTS} processes, a new connection per request, over the newest "
        f"{READ:,} articles with a Zipf popularity (s = {ZIPF}); the editor updates an "
        "article so picked through the publishing workflow. The site and the hello-world "
        f"project: gunicorn, {serving.WORKERS} sync workers each, DEBUG off. Each run: "
        f"caches emptied, {'each page read once, ' if PREWARM else ''}{WARM:.0f} s of "
        f"warming, then {ROUNDS} × ({SLICE:.0f} s "
        f"hello-world, {SLICE:.0f} s site). Load average at the end: "
        + " ".join(f"{n:.1f}" for n in serving.load_average())
        + "."
    )
    if stand_in:
        print("Varnish ran the VCL in BENCH_VCL, not the project's.")
    print(
        "\n| Front | Publishing | hit rate | warm hit rate | X-Cache | throughput ÷ hello "
        "| p50 ms | p99 ms | DB rows fetched/s | Varnish hit/miss/pass | updates (median ms) "
        "| errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(row(r))
    hello_rates = [r.hello_done / r.hello_seconds for r in results]
    print(f"\nHello-world: {min(hello_rates):.0f} to {max(hello_rates):.0f} requests/s.")
    if memory:
        rss = ", ".join(f"{mb:.0f}" for mb in memory["rss"])
        start = ", ".join(f"{mb:.0f}" for mb in memory["start"])
        print(
            f"\nMemory after {memory['requests']:,} requests over {memory['pages']:,} pages "
            f"(app alone, {memory['seconds']:.0f} s): gunicorn workers' RSS {rss} MB "
            f"(at start {start} MB); Redis: {memory['keys']:,} keys in the bench database "
            f"using {memory['key_bytes'] / 2**20:.1f} MB (MEMORY USAGE), server "
            f"used_memory {memory['used_memory'] / 2**20:.1f} MB."
        )


def main(count=100_000):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        # `make bench` goes on without it on a machine with neither.
        print("newsroom: skipped, it needs DATABASE_URL=postgres://… and REDIS_URL=redis://…")
        return
    base = 8400 + os.getpid() % 300
    ports = {"site": base, "hello": base + 1, "varnish": base + 2}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.settings",
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{ports['site']}",
        "SECURE_SSL_REDIRECT": "0",
        "CACHE_DIR": tempfile.mkdtemp(prefix="editorial-bench-cache-"),
        # No cache in front but the one a run starts (see _one).
        "VARNISH_URLS": "",
    }
    results, memory, url, stand_in = measure(count, env, ports)
    report(count, results, memory, url, stand_in)


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
