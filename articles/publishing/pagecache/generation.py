"""The generation: which state of the published site a cached page belongs to.

One small record in the shared cache names the current state. A change to what any page
may show (an author, a topic, the site) starts a new one, and a page cached under an
older one is never served as current. A change to one item only purges the surrogate
keys of the pages showing it (purged()), and the record keeps its token, taking the new
counts and schedule.

The shared cache is not the only record. Each change is also counted in the database
(``SiteState``), in the transaction that makes it, and every process compares the
database's count with the shared record's at least every ``CHECK_SECONDS``: a change
made on a server that could not reach the shared cache still reaches every server
within that time. The record also carries the count of *withdrawals*, which no copy
made before them may outlive, even while the database is down (see middleware.py).

A record only ever carries counts that are committed: while a transaction that made a
change is open, its own thread reads the database's uncommitted counts, so it keeps the
counts it had and only takes a new token; the counts follow once it commits.

Between that commit and the record taking the counts, the database is ahead of the
record. So that no server takes that moment for a change the shared cache missed (and
drops every page), a change whose purges reached the shared cache before it committed
says so in the record: ``claimed`` names it by its count and its time in the database.
The database ahead by exactly that change is no reason for a new generation.
"""

import contextvars
import datetime
import logging
import math
import threading
import time
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from . import frontends, keys, versions

logger = logging.getLogger(__name__)

GENERATION_KEY = "pages:generation"
# The longest a change takes to reach every server that can reach the database when
# the shared cache did not carry it: each process reads the database's count this often.
CHECK_SECONDS = 2.0
# With nothing scheduled, a generation still ends after a day (a new token, no render).
MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class Generation:
    token: str
    # When it started (the pages' Last-Modified), and when the next scheduled item goes live.
    last_modified: int
    valid_until: float
    # The database's counts it reflects (SiteState).
    changes: int = 0
    withdrawals: int = 0
    # When the next live item comes down at its Unpublish at: a withdrawal nobody
    # counts, so no copy made in this generation may be served after it, even in an outage.
    ends_by: float = math.inf
    # (changes, changed_at) of the newest change whose purges reached the shared cache
    # before it committed, and every one before it did too (see the module's docstring).
    claimed: tuple = ()

    @classmethod
    def load(cls, record):
        """From the shared cache's tuple; None for none, or one of an older layout."""
        try:
            return cls(*record) if record is not None else None
        except TypeError:
            return None

    def dump(self):
        return (
            self.token, self.last_modified, self.valid_until, self.changes, self.withdrawals,
            self.ends_by, self.claimed,
        )  # fmt: skip


class _Known:
    """What this process last learnt of the counts, and when it last read the database."""

    def __init__(self):
        self.forget()

    def forget(self):
        self.changes = self.withdrawals = 0
        self.changed_at = None
        self.read_at = self.tried_at = float("-inf")

    def learn(self, changes, withdrawals, changed_at=None):
        self.changes, self.withdrawals = changes, max(self.withdrawals, withdrawals)
        self.changed_at = changed_at


known = _Known()
# Set by changed() to the transaction it counted in, until that commits.
_pending = threading.local()


def _counts():
    """(changes, withdrawals, changed_at), committed, from the database: one read by
    primary key."""
    from ..models import SiteState

    fields = ("changes", "withdrawals", "changed_at")
    row = SiteState.objects.filter(pk=1).values_list(*fields).first()
    return row or (0, 0, None)


def _in_changed_transaction():
    """Whether this thread is inside a transaction that counted a change not committed
    yet: the database would show it counts nobody else can see."""
    block = getattr(_pending, "block", None)
    return block is not None and connection.in_atomic_block and connection.atomic_blocks[0] is block


def _next_scheduled(now):
    """(When the next live item goes up or comes down, when the next comes down): the
    generation ends at the first, and no copy made in it outlives the second."""
    from ..models import earliest

    up = earliest("published_at", live=True, published_at__gt=_aware(now))
    down = earliest("expires_at", live=True, expires_at__gt=_aware(now))
    ups = [up.timestamp()] if up else []
    ends_by = down.timestamp() if down else math.inf
    if settings.REVIEW_LAPSED_NOTE:
        # A review lapses as a day begins: the pages that say so are made again then.
        ups.append(_next_midnight(now))
    return min(*ups, ends_by, now + MAX_AGE), ends_by


def _next_midnight(now):
    today = timezone.localtime(_aware(now)).date()
    tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(tomorrow).timestamp()


def next_withdrawal():
    """When the next live item comes down, read now (0 when the database cannot say):
    for copies made while the shared cache, which holds it, is down."""
    try:
        return _next_scheduled(time.time())[1]
    except DatabaseError:
        return 0.0


def _aware(timestamp):
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)


def _new(previous=None):
    """A new generation, with the committed counts (raises DatabaseError when the
    database is down)."""
    now = time.time()
    if _in_changed_transaction():
        counts = (previous.changes, previous.withdrawals) if previous else (0, 0)
    else:
        *counts, changed_at = _counts()
        known.learn(*counts, changed_at)
        known.read_at = known.tried_at = time.monotonic()
    valid_until, ends_by = _next_scheduled(now)
    return Generation(f"{time.time_ns():x}", int(now), valid_until, *counts, ends_by)


# The generation as read for the request being served: the middleware and each memo()
# of one page share one read of the shared cache.
_request = contextvars.ContextVar("pages_generation")


def current(also=()):
    """The live generation, starting a new one when a scheduled item has gone live or the
    database counts a change the shared record does not.

    None when it cannot be known (the shared cache is down): pages are then rendered.
    ``also`` names keys' versions to read in the same round trip (see versions.py).
    """
    held = _request.get(None)
    if held:
        return held[0]
    record = _read(also)
    if held is not None:
        held.append(record)
    return record


def _read(also=()):
    # With the version of the key every change purges, which each memo() reads.
    names = {GENERATION_KEY, versions.PREFIX + keys.ANY, *(versions.PREFIX + key for key in also)}
    found = versions.get_many(list(names))
    versions.remember(found)
    record = Generation.load(found.get(GENERATION_KEY))
    if record is not None:
        known.learn(known.changes, record.withdrawals, known.changed_at)
        if time.time() < record.valid_until and not _behind(record):
            return record
    try:
        fresh = _new(record)
    except DatabaseError:
        # The database is down: keep the old generation rather than cache nothing, until
        # a page comes down at its Unpublish at; past that no copy of it may be served.
        return record if record is None or time.time() < record.ends_by else None
    if record is None:
        # Another server may start it first; then everyone uses that one.
        if not cache.add(GENERATION_KEY, fresh.dump(), None):
            return Generation.load(cache.get(GENERATION_KEY))
    else:
        cache.set(GENERATION_KEY, fresh.dump(), None)
    return Generation.load(cache.get(GENERATION_KEY))


def _behind(record):
    """Whether the database counts changes ``record`` does not; read at most every
    CHECK_SECONDS per process, and not while the database is down.

    A record that counts more than this process last read is newer than that read (a
    change was made and carried since) and is no reason to start a new generation: the
    count is read again at once to tell that from a database that went back (a restore),
    which does start one."""
    now = time.monotonic()
    due = now - known.tried_at >= CHECK_SECONDS
    overtaken = knows_lately() and known.changes < record.changes
    if (due or overtaken) and not _in_changed_transaction():
        known.tried_at = now  # a database that is down is asked again only after as long
        try:
            known.learn(*_counts())
            known.read_at = now
        except DatabaseError:
            logger.warning("The database cannot be read to check the page cache's generation")
    # Only what was read lately counts: a database that is down says nothing.
    if not knows_lately() or known.changes == record.changes:
        return False
    # Ahead by a change the shared cache was told of before it committed: it is being
    # carried into the record now.
    return record.claimed != (known.changes, known.changed_at)


def latest_withdrawals(record):
    """The most withdrawals this process knows of, from the shared record or the database."""
    return max(record.withdrawals if record is not None else 0, known.withdrawals)


def knows_lately():
    """Whether this process read the database within the last CHECK_SECONDS."""
    return time.monotonic() - known.read_at < CHECK_SECONDS


# Whether the latest change made in this thread reached the shared cache.
_shared = threading.local()


def changed(withdrawal=False):
    """What readers see has changed: every page renders afresh on its next request.

    Counted in the database in the caller's transaction, so it cannot be lost; a new
    token goes to the shared cache now and, with the new counts, once the transaction
    commits, so that no server caches the old content as new in between.
    """
    _count(withdrawal)
    _shared.ok = restart()
    transaction.on_commit(_committed)


def _count(withdrawal):
    """Count the change (and the withdrawal) in the database, in the caller's transaction;
    (changes, changed_at) as they will be once it commits. The row stays locked until
    then, so no other change is counted in between."""
    from ..models import SiteState

    values = {"changes": F("changes") + 1, "changed_at": timezone.now()}
    if withdrawal:
        values["withdrawals"] = F("withdrawals") + 1
    if not SiteState.objects.filter(pk=1).update(**values):
        # The migration made the row; a database emptied since (a test's flush) has none.
        SiteState.objects.bulk_create([SiteState(pk=1)], ignore_conflicts=True)
        SiteState.objects.filter(pk=1).update(**values)
    if connection.in_atomic_block:
        _pending.block = connection.atomic_blocks[0]
    return SiteState.objects.filter(pk=1).values_list("changes", "changed_at").first()


def _committed():
    _pending.block = None
    _shared.ok = restart()
    frontends.purge([keys.ALL], hard=True)


def purged(names, withdrawal=False):
    """Only the pages carrying the surrogate keys ``names`` changed: an item went up,
    came down or was edited live. Those pages render afresh on their next request, on
    every server and in every cache in front; the rest stay cached.

    Counted in the database in the caller's transaction, as changed() is: a server that
    misses the shared cache's new versions (it was down) finds the count ahead within
    CHECK_SECONDS and starts a new generation, dropping every page instead.
    """
    names = set(names)
    counted = _count(withdrawal)
    # Now, so that no page rendered from here on is stored as current; and again once
    # committed, for pages rendered from what was there before.
    bumped = versions.bump(names)
    _shared.ok = _carry(claim=counted if bumped else None) and bumped
    transaction.on_commit(lambda: _purge_committed(names, withdrawal))


def _purge_committed(names, withdrawal):
    _pending.block = None
    # The withdrawal count first: from then on no stale copy stands in for these pages.
    carried = _carry()
    _shared.ok = versions.bump(names) and carried
    if not _shared.ok:
        # The shared cache missed it: every server drops every page (see _behind), and
        # so does every cache in front.
        names = {keys.ALL}
    frontends.purge(names, hard=withdrawal or keys.ALL in names)


def _carry(claim=None):
    """Bring the shared record up to the database, keeping its token, so that the pages
    a change did not touch stay current: its counts (once committed) and its schedule (the
    change may have scheduled a publication or an Unpublish at). True when the record
    holds them.

    ``claim`` is a change not committed yet whose purges reached the shared cache: it
    is claimed if every change before it was carried or claimed, the row lock in
    _count() keeping any other from being counted in between."""
    record = Generation.load(cache.get(GENERATION_KEY))
    if record is None:
        return restart()
    try:
        fresh = _new(record)
    except DatabaseError:
        return False
    claimed = record.claimed
    if claim is not None and claim[0] - 1 in (record.changes, (claimed or (None,))[0]):
        claimed = tuple(claim)
    carried = replace(
        record, changes=max(fresh.changes, record.changes),
        withdrawals=max(fresh.withdrawals, record.withdrawals),
        valid_until=fresh.valid_until, ends_by=fresh.ends_by, claimed=claimed,
    )  # fmt: skip
    cache.set(GENERATION_KEY, carried.dump(), None)
    if held := _request.get(None):
        held.clear()
    stored = Generation.load(cache.get(GENERATION_KEY))
    return stored is not None and stored.changes >= carried.changes


def reached_every_server():
    """Whether the changes this thread made since it last asked were written to the
    shared cache, which the other servers read on their next request. If not, they find
    them in the database within CHECK_SECONDS."""
    reached = getattr(_shared, "ok", True)
    _shared.ok = True
    return reached


def restart():
    """Start a new generation now; True when the shared cache holds it."""
    if held := _request.get(None):
        held.clear()
    previous = Generation.load(cache.get(GENERATION_KEY))
    try:
        fresh = _new(previous)
    except DatabaseError:
        cache.delete(GENERATION_KEY)
        return False
    cache.set(GENERATION_KEY, fresh.dump(), None)
    stored = Generation.load(cache.get(GENERATION_KEY))
    return stored is not None and stored.token == fresh.token
