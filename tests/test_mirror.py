"""Each process holds the page cache's generation and key versions, kept current by
Redis (config/mirror.py): a hit then asks Redis nothing, and a change made by any other
server is seen by the very next request."""

import time

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from articles.publishing.pagecache import versions
from config import mirror

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL,
    reason="Holding keys is Redis's client-side caching: CI runs this in its PostgreSQL "
    "and Redis pass",
)


@pytest.fixture(autouse=True)
def listening_again():
    """Each test starts with a new connection, and leaves none half broken."""
    cache.mirror.close()
    yield
    cache.mirror.close()


def other_server():
    """A connection of its own to the same Redis, as another server has."""
    return redis.Redis.from_url(settings.REDIS_URL)


def calls(command):
    """How many times Redis has run ``command``, from its own statistics."""
    stats = other_server().info("commandstats")
    return stats.get(f"cmdstat_{command}", {}).get("calls", 0)


def reads():
    return calls("mget") + calls("get")


def steady(client, url):
    """Serve the page until a hit asks Redis nothing: the copy is in this process, the
    keys it reads are held, and Redis has answered a ping (a busy server's state)."""
    for _ in range(200):
        before = reads()
        response = client.get(url)
        if response["X-Cache"] == "HIT" and reads() == before:
            return
        time.sleep(0.005)
    pytest.fail("the page's keys were never held")


def test_a_hit_asks_redis_nothing_once_the_keys_are_held(client, published):
    """Twenty readers in a row: each gets the cached page, and Redis runs no read for any."""
    url = published.get_absolute_url()
    steady(client, url)
    before = reads()
    for _ in range(20):
        response = client.get(url)
        assert response["X-Cache"] == "HIT" and b"Published article" in response.content
    assert reads() == before


def test_a_purge_by_another_server_is_seen_by_the_very_next_request(client, published):
    """Another server moves the article's key on: the next request, at once, serves no
    copy made before, thirty times over."""
    url = published.get_absolute_url()
    key = cache.make_key(versions.PREFIX + f"article-{published.pk}")
    counter = cache.make_key(versions.COUNTER)
    other = other_server()
    for _ in range(30):
        steady(client, url)
        # A purge as versions.bump() makes it: the next number, given to the key.
        other.set(key, other.incr(counter))
        assert client.get(url)["X-Cache"] != "HIT"


def test_a_flush_by_another_server_is_seen_by_the_very_next_request(client, published):
    """Redis emptied by someone else (a restart, FLUSHDB): nothing held is used again."""
    url = published.get_absolute_url()
    steady(client, url)
    other_server().flushdb()
    assert client.get(url)["X-Cache"] != "HIT"
    assert client.get(url).status_code == 200


def test_what_is_held_is_not_used_once_redis_stops_answering(client, published, monkeypatch):
    """With its pings unanswered (a network cut), the process goes back to reading Redis
    within TRUST_SECONDS, as if it held nothing."""
    url = published.get_absolute_url()
    steady(client, url)
    connection = cache.mirror.connection
    sent = connection.send_command
    monkeypatch.setattr(
        connection, "send_command", lambda *args, **kw: None if args == ("PING",) else sent(*args)
    )
    time.sleep(mirror.TRUST_SECONDS * 2)
    before = calls("mget")
    assert client.get(url)["X-Cache"] == "HIT"
    assert calls("mget") > before


def test_a_connection_that_breaks_drops_everything_held(client, published):
    """Redis closing the connection (a restart, a kill): the process holds nothing, serves
    on by reading Redis, and tries again later."""
    url = published.get_absolute_url()
    steady(client, url)
    other = other_server()
    tracking = [c for c in other.client_list() if "t" in c["flags"]]
    assert tracking, "the process should keep a tracking connection"
    for entry in tracking:
        other.client_kill_filter(_id=entry["id"])
    before = calls("mget")
    assert client.get(url)["X-Cache"] == "HIT"
    assert calls("mget") > before
    assert cache.mirror.connection is None and cache.mirror.held == {}
