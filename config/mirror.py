"""Values of a few Redis keys held in this process, kept current by Redis itself.

Redis tells a connection that asks (``CLIENT TRACKING ON BCAST``, over RESP3) of every
change to a key under the prefixes it names, as it makes it: a write, an expiry, an
eviction, a flush. This process keeps one such connection. Before each lookup it reads
what has arrived on it, without waiting, and drops what changed; what it still holds is
the value in Redis, so a lookup costs no round trip. A key it does not hold is read from
Redis as before and kept, unless a change was heard while it was being read.

Redis writes a change's invalidation in the same pass as its reply to whoever made it,
so the invalidation reaches this process before that writer can go on to commit. What is
held is trusted only while Redis is known to be listening: a PING goes out on the same
connection every PING_SECONDS, Redis answers in order (after every invalidation it sent
before), and with no answer to a ping sent within TRUST_SECONDS every lookup goes back
to Redis. A connection that breaks, a fork, or a failed read of the cache empties it.
"""

import logging
import os
import threading
import time

from redis.exceptions import RedisError, ResponseError

logger = logging.getLogger(__name__)

# How often the connection is asked to prove it is listening, under load.
PING_SECONDS = 0.02
# How recently it must have proved it for what is held to be used.
TRUST_SECONDS = 0.1
# A ping unanswered this long means the connection is lost, whatever the socket says.
PATIENCE_SECONDS = 1.0
# After the connection fails, how long lookups go to Redis before it is tried again.
RETRY_SECONDS = 5.0
# At most this many values are held; past it, all are dropped and read again.
MOST_HELD = 50_000

_shared = {}
_shared_lock = threading.Lock()


def shared(location, connect, prefixes):
    """The process's one Mirror of ``prefixes`` on the Redis at ``location``: Django
    gives each thread a cache of its own, and they all share it (and its connection)."""
    key = (repr(location), tuple(prefixes))
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Mirror(connect, prefixes)
        return _shared[key]


class Mirror:
    def __init__(self, connect, prefixes):
        self.connect = connect
        self.prefixes = tuple(prefixes)
        self.lock = threading.Lock()
        self.held = {}
        # Moves on with every change heard, flush and new connection: a value read from
        # Redis is kept only if it did not move while the value was being read.
        self.epoch = 0
        self.connection = None
        self.pid = None
        self.pinged_at = None  # when the ping awaiting its answer went out
        self.heard_at = float("-inf")  # when the last ping answered went out
        self.retry_at = 0.0

    def lookup(self, names):
        """(values, None) when every name is held and Redis is listening; else (None,
        the epoch to keep what is read with, or None when it may not be kept)."""
        with self.lock:
            if not self._listening(time.monotonic()):
                return None, None
            held = self.held
            if all(name in held for name in names):
                return {name: held[name] for name in names}, None
            return None, self.epoch

    def keep(self, values, epoch):
        with self.lock:
            if epoch != self.epoch or self.connection is None:
                return
            if len(self.held) + len(values) > MOST_HELD:
                self.held.clear()
            self.held.update(values)

    def forget(self, names=None):
        """Drop ``names`` (all when None): this process just wrote them. Keys outside the
        prefixes (page copies, locks) cost nothing: they were never held."""
        if names is not None:
            names = [name for name in names if name.startswith(self.prefixes)]
            if not names:
                return
        with self.lock:
            self._drop(names)

    def close(self):
        """Drop the connection and all that is held; the next lookup opens a new one."""
        with self.lock:
            self._close(time.monotonic(), None)
            self.retry_at = 0.0

    def _drop(self, names):
        self.epoch += 1
        if names is None:
            self.held.clear()
        else:
            for name in names:
                self.held.pop(name, None)

    def _listening(self, now):
        if self.pid != os.getpid():
            # A forked worker shares no connection with its parent.
            self.pid, self.connection = os.getpid(), None
            self._drop(None)
        if self.connection is None:
            if now < self.retry_at:
                return False
            try:
                self._open(now)
            except ResponseError as error:
                # A server that refuses to track keys (older than Redis 6, or the command
                # turned off) will not change its mind: every lookup reads it, as before.
                logger.warning("Redis does not track keys (%s); each hit reads it", error)
                self._close(now, None)
                self.retry_at = float("inf")
                return False
            except (RedisError, OSError) as error:
                self._close(now, error)
                return False
        try:
            while self.connection.can_read(0):
                self._heard(self.connection.read_response(push_request=True))
            if self.pinged_at is not None and now - self.pinged_at > PATIENCE_SECONDS:
                raise RedisError("no answer to a ping")
            if self.pinged_at is None and now - self.heard_at >= PING_SECONDS:
                self.connection.send_command("PING")
                self.pinged_at = now
        except (RedisError, OSError) as error:
            self._close(now, error)
            return False
        return now - self.heard_at <= TRUST_SECONDS

    def _open(self, now):
        connection = self.connect()
        try:
            connection.connect()
            # Push messages come back from read_response() as they are.
            connection._parser.set_invalidation_push_handler(lambda message: message)
            prefixes = [part for prefix in self.prefixes for part in ("PREFIX", prefix)]
            connection.send_command("CLIENT", "TRACKING", "ON", "BCAST", *prefixes)
            if connection.read_response() not in (b"OK", "OK"):
                raise ResponseError("Redis refused to track the keys")
        except BaseException:
            connection.disconnect()
            raise
        self.connection = connection
        self._drop(None)
        self.heard_at = float("-inf")
        connection.send_command("PING")
        self.pinged_at = now

    def _heard(self, message):
        if message in (b"PONG", "PONG"):
            self.heard_at, self.pinged_at = self.pinged_at, None
        elif isinstance(message, list) and message and message[0] in (b"invalidate", "invalidate"):
            # None: the database was flushed.
            names = message[1]
            self._drop(None if names is None else [_text(name) for name in names])

    def _close(self, now, error):
        if error is not None:
            logger.warning("Not holding cache keys for %.0f s (%s)", RETRY_SECONDS, error)
        if self.connection is not None:
            try:
                self.connection.disconnect()
            except (RedisError, OSError):
                pass
        self.connection = None
        self.retry_at = now + RETRY_SECONDS
        self._drop(None)


def _text(name):
    return name.decode() if isinstance(name, bytes) else name
