"""Whether the addresses that articles cite still answer.

The task worker checks each distinct address once a day (run.py), politely and within
bounds (fetch.py), and records what it found in a SourceCheck row per address
(models.py). Pages, the writing checks, the desk and the report only read those rows:
no request of a reader or an editor ever waits on another site.
"""
