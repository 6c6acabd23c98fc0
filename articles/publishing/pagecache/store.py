"""This process's copies of pages: the latest copy of each page it served, bounded."""

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

# What a process keeps in memory.
LOCAL_ENTRIES = 2000
LOCAL_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Copy:
    """A response as stored: the generation it was made under, the withdrawals counted
    then (an outage copy must not predate a withdrawal), what goes back out, and the
    moment it must stop being served."""

    token: str
    withdrawals: int
    status: int
    headers: tuple
    content: bytes
    # Not to be served after this (the next Unpublish at when it was made), outage or not.
    ends_by: float = math.inf
    # ((surrogate key, its version when the page was made), …): current while each is.
    versions: tuple = ()
    # When it was made (its Last-Modified).
    made_at: int = 0

    @classmethod
    def load(cls, value):
        try:
            return cls(*value) if value is not None else None
        except TypeError:
            return None  # stored by an older release

    def dump(self):
        return (
            self.token, self.withdrawals, self.status, self.headers, self.content, self.ends_by,
            self.versions, self.made_at,
        )  # fmt: skip


class Store:
    """Least recently used copies, bounded in count and in bytes; shared by threads."""

    def __init__(self):
        self.entries = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old.content)
            self.entries[key] = entry
            self.size += len(entry.content)
            while len(self.entries) > LOCAL_ENTRIES or self.size > LOCAL_BYTES:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped.content)

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.size = 0


local = Store()
