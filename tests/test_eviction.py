"""A bounded cache: Redis with a memory limit evicts page copies, never the generation or
the keys' versions, and an evicted or surviving copy never brings a withdrawn page back."""

import contextlib
import shutil
import socket
import subprocess
import time

import pytest
import redis

from articles.publishing.pagecache import GENERATION_KEY, versions
from tests.test_outage import free_port, site
from tests.test_two_servers import database_url
from tests.test_withdrawal import SECRET, public_urls, shown

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]

# As in the README's production layout, only smaller.
MAXMEMORY = 2 * 1024 * 1024
POLICY = "volatile-lru"


@contextlib.contextmanager
def bounded_redis():
    """A Redis of this test's own, limited as production's is."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is needed (Debian: apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [server, "--port", str(port), "--save", "", "--appendonly", "no",
         "--maxmemory", str(MAXMEMORY), "--maxmemory-policy", POLICY],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def test_eviction_keeps_memory_bounded_and_never_serves_a_withdrawn_page(
    settings, make_article, make_faq, publish, editor
):
    """Pages enough to fill the limit several times over: Redis stays within it by
    evicting copies, the records without an expiry all survive, and after an unpublish
    no public URL shows the article, evicted copies or not."""
    filler = "Plain words for a long page about rest and recovery. " * 600
    for number in range(60):
        publish(make_article(f"Long read {number}", body=filler + f"\n\nNumber {number}."))
    doomed = make_article(f"{SECRET} dosing advice", body=f"Take {SECRET} twice a day.")
    make_faq(f"Is {SECRET} safe?", f"{SECRET} is safe.", article=doomed)
    publish(doomed)
    with bounded_redis() as redis_url:
        prefix = f"bounded{free_port()}"
        # This process purges in the same Redis as the server, as every server does.
        settings.CACHES = {
            "default": {
                "BACKEND": "config.cache.ResilientRedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": prefix,
            }
        }
        client = redis.Redis.from_url(redis_url)
        with site(database_url(), prefix, REDIS_URL=redis_url) as base:
            urls = public_urls(base, doomed)
            pages = [f"/articles/long-read-{number}/" for number in range(60)]
            for _ in range(3):
                assert len(shown(base, urls)) >= 8
                shown(base, pages)
            stats = client.info()
            assert stats["evicted_keys"] > 0, "the pages should have filled the limit"
            assert stats["used_memory"] <= MAXMEMORY * 1.05
            doomed.unpublish(editor, note="Withdrawn")
            for _ in range(3):
                assert shown(base, urls) == []
                shown(base, pages)
            stats = client.info()
            assert stats["used_memory"] <= MAXMEMORY * 1.05
            # What carries no expiry was never evicted: the generation, the counter, and
            # the version of every key a page named.
            names = {key.decode() for key in client.scan_iter(f"{prefix}:*")}
            assert f"{prefix}:1:{GENERATION_KEY}" in names
            assert f"{prefix}:1:{versions.COUNTER}" in names
            assert f"{prefix}:1:{versions.PREFIX}article-{doomed.pk}" in names
            # Every copy has one, so the policy may evict it (-2: evicted since the scan).
            copies = [name for name in names if name.startswith(f"{prefix}:1:page:")]
            assert copies and all(client.ttl(name) != -1 for name in copies)
