"""Full-text search over published content: PostgreSQL's text search, or SQLite's FTS5.

Each searchable model names its fields, strongest first, in ``search_fields``: plain text,
its body as readers read it (``search_text``, stored from the rendered HTML on save), never
Markdown, so snippets quote what the page says. The database keeps the index itself (a
stored, generated tsvector with a GIN index, or an FTS5 table kept by triggers), so no save
path can forget it. Both use English stemming ("antidepressant" finds "antidepressants")
and rank the title above the rest.
"""

import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Publishable

# Longer queries are cut: no search needs them, and they only cost time.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
WEIGHTS = ("A", "B", "C", "D")
# Markers no stored text contains (control characters are stripped on save).
START, STOP = "\x02", "\x03"
QUERY = "websearch_to_tsquery('english'::regconfig, %s)"


@dataclass
class Hit:
    obj: object
    kind: str
    rank: float
    snippet: str = ""


def searchable_models():
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Publishable) and getattr(model, "search_fields", None)
    ]


# --- The index, installed by each app's migration --------------------------------------


def install(apps_registry, schema_editor, app_label, model_name, fields):
    """Create the index for one table; ``fields`` as the model's ``search_fields``."""
    model = apps_registry.get_model(app_label, model_name)
    table = model._meta.db_table
    columns = [model._meta.get_field(name).column for name in fields]
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        parts = " || ".join(
            f"setweight(to_tsvector('english'::regconfig, coalesce({column}, '')), '{weight}')"
            for column, weight in zip(columns, WEIGHTS, strict=False)
        )
        run(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({parts}) STORED"
        )
        run(f"CREATE INDEX {table}_search ON {table} USING GIN (search_vector)")
    elif schema_editor.connection.vendor == "sqlite":
        for statement in _sqlite_index(table, columns):
            run(statement)


def _sqlite_index(table, columns):
    """The FTS5 table and the triggers that keep it; safe to run again."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({names}, content='{table}', "
        "content_rowid='id', tokenize='porter unicode61')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def repair(using="default", **kwargs):
    """After migrations: SQLite rebuilds a table to alter it, which drops its triggers, so
    put back any that are missing and re-index. (PostgreSQL's column survives alters.)"""
    from django.db import connections

    db = connections[using]
    if db.vendor != "sqlite":
        return
    with db.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
        for model in searchable_models():
            table = model._meta.db_table
            if f"{table}_fts_ai" in present and f"{table}_fts_au" in present:
                continue
            columns = [model._meta.get_field(name).column for name in model.search_fields]
            for statement in _sqlite_index(table, columns):
                cursor.execute(statement)


def uninstall(apps_registry, schema_editor, app_label, model_name, fields):
    table = apps_registry.get_model(app_label, model_name)._meta.db_table
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(f"ALTER TABLE {table} DROP COLUMN search_vector")
    elif schema_editor.connection.vendor == "sqlite":
        for suffix in ("ai", "ad", "au"):
            run(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
        run(f"DROP TABLE IF EXISTS {table}_fts")


# --- Queries -------------------------------------------------------------------------------


def clean(query):
    """The query as searched: words only, bounded, so no input can break the syntax."""
    words = re.findall(r"\w+", (query or "")[:MAX_QUERY_LENGTH])
    return " ".join(words[:MAX_TERMS])


# The admin counts up to this many matches; past it the list shows the first this many
# and says there are more. Counting 100,000 matches would cost more than the page.
MATCH_LIMIT = 1000
# The site ranks up to this many matches of each kind; past it, the newest this many, and
# says there are more. Ranking reads each match's whole stored text vector (6 KB for a long
# article, most of it compressed out of line): 11 to 60 µs apiece at 100,000 articles, so
# ranking 16,000 matches of one common word took up to a second.
RANK_LIMIT = 200
# Where a kind has more published rows than this, its newest this many are searched first: the
# newest matches are among them unless the word is rare, and then all its matches are few.
# A text match alone would read every match's row to find the newest, 53 ms for 16,000.
RECENT_ROWS = 5000
# Words that PostgreSQL's statistics put in more rows than this are common: the admin's
# search takes it that more than MATCH_LIMIT rows match without counting them. Counting
# meant reading MATCH_LIMIT + 1 rows' stored vectors, or the text index gathering every
# match first, 8 to 30 ms at 100,000 articles; the list's ordered index meets a page of
# such words' matches within a few dozen rows. The statistics' sample puts a word in 5 %
# of 100,000 rows within a few tenths of a percent, so five times the limit leaves room
# for statistics gone stale, and a smaller table is always counted.
COMMON = 5 * MATCH_LIMIT
# Where PostgreSQL's statistics say at least this share of a kind's rows match, the site's
# search and the editor's link suggestions read the newest rows in date order until they
# have enough matches, rather than test every row of the newest RECENT_ROWS.
DENSE = 0.2


@dataclass
class Matching:
    """A filter for the rows that match, and whether there are more than MATCH_LIMIT."""

    filter: Q
    more: bool


def matching(model, query):
    """The rows of ``model``, in any state, whose text matches ``query``, the last word as a
    prefix ("anx" finds "anxiety"); None for an empty query. The admin's search, through the
    same index as the site's, so it never reads every body.

    Up to MATCH_LIMIT matches come back as their ids, read through the text index alone.
    Past it, or where the statistics say the words are COMMON, the filter is the match
    itself, which the list's own ordered index meets a page of within a few hundred rows,
    where collecting every match first costs a read of each. ``more`` is about the whole
    table: a list narrowed by filters counts what they leave (ChangeList.get_results).
    """
    words = clean(query).split()
    if not words:
        return None
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        tsquery = " & ".join([*words[:-1], f"{words[-1]}:*"])
        match = f'"{table}"."search_vector" @@ to_tsquery(\'english\', %s)'
        found, params = f"SELECT id FROM {table} WHERE {match}", [tsquery]
        everything = Q(RawSQL(match, params, output_field=BooleanField()))
    else:
        found = f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s"
        params = [_fts_match(words, prefix=True)]
        everything = Q(pk__in=RawSQL(found, params))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and _surely_common(cursor, table, words):
            return Matching(everything, more=True)
        with _scans_only(cursor, "bitmapscan"):
            cursor.execute(f"{found} LIMIT %s", [*params, MATCH_LIMIT + 1])
            ids = [row[0] for row in cursor.fetchall()]
    if len(ids) > MATCH_LIMIT:
        return Matching(everything, more=True)
    if connection.vendor == "postgresql":
        # One array parameter: a thousand ids as placeholders cost more to build than to run.
        pk = f'"{table}"."{model._meta.pk.column}"'
        return Matching(Q(RawSQL(f"{pk} = ANY(%s)", [ids], output_field=BooleanField())), False)
    return Matching(Q(pk__in=ids), more=False)


def _surely_common(cursor, table, words):
    """Whether PostgreSQL's statistics put more than COMMON rows of ``table`` under every
    one of ``words``, reckoned low: each word taken whole (the last is searched as a
    prefix, which finds more), and the rows each word is in, less all the rows another
    word could be missing from. The planner takes words to fall independently; two common
    words that are never together would be common to it, and none match."""
    cursor.execute(
        "SELECT EXISTS (SELECT FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename "
        "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname "
        "WHERE c.oid = %s::regclass AND s.attname = 'search_vector'), "
        "ARRAY(SELECT numnode(to_tsquery('english', w)) FROM unnest(%s::text[]) AS w)",
        [table, words],
    )
    analysed, nodes = cursor.fetchone()
    if not analysed:
        return False  # not analysed yet: the planner's default guesses, not the table's
    if any(n > 1 for n in nodes):
        return False  # a word the parser splits ("type_2") is a phrase, estimated high
    # Stop words drop out of the search, as out of its match.
    words = [word for word, n in zip(words, nodes, strict=True) if n == 1]
    if not words:
        return False
    # The table's rows as the planner reckons them now, as it reckons each word's.
    rows = _plan_rows(cursor, f"SELECT 1 FROM {table}") if len(words) > 1 else 0
    least = rows
    for word in words:
        found = _estimate(cursor, table, "to_tsquery('english', %s)", word)
        if found <= COMMON:
            return False  # all the words are in no more rows than any one of them
        least += found - rows
    return least > COMMON


def _estimate(cursor, table, query, value):
    """How many rows of ``table`` PostgreSQL's statistics say match ``query`` (SQL taking
    ``value``): for the admin, every word taken whole, fewer than the last word taken as a
    prefix finds, never more."""
    # The value written into the statement: with a parameter, a prepared statement's
    # generic plan would give the planner's default guess, the same for any words.
    sql = connection.ops.compose_sql(
        f"SELECT 1 FROM {table} WHERE search_vector @@ {query}", [value]
    )
    return _plan_rows(cursor, sql)


def _plan_rows(cursor, sql):
    cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
    return cursor.fetchone()[0][0]["Plan"]["Plan Rows"]


SCANS = ("seqscan", "indexscan", "bitmapscan")


@contextmanager
def _scans_only(cursor, kind):
    """Within a transaction, leave PostgreSQL only one kind of scan.

    Bitmap scans, so a text match runs through its GIN index: the planner does not count
    the cost of unpacking each stored vector, and would otherwise read every row's. An
    index scan, so the site's search reads rows in date order (see _pg_newest).
    """
    if connection.vendor != "postgresql":
        yield
        return
    settings = [f"enable_{scan}" for scan in SCANS]
    cursor.execute(
        "SELECT "
        + ", ".join(f"current_setting('{name}')" for name in settings)
        + ", "
        + ", ".join(f"set_config('{name}', %s, true)" for name in settings),
        ["on" if scan == kind else "off" for scan in SCANS],
    )
    before = cursor.fetchone()[: len(settings)]
    try:
        yield
    finally:
        # Local settings would outlast this block inside an enclosing transaction.
        cursor.execute(
            "SELECT " + ", ".join(f"set_config('{name}', %s, true)" for name in settings),
            before,
        )


def _fts_match(words, prefix=False):
    """An FTS5 query: every word quoted, so none reads as syntax; the last as a prefix."""
    match = " ".join(f'"{word}"' for word in words)
    return f"{match}*" if prefix else match


def _findable(model):
    # Published, and not hidden from search engines: noindex pages stay out of search too.
    return model._default_manager.published().filter(noindex=False)


def _best_of(newest):
    """([(pk, rank)], more) from the newest RANK_LIMIT + 1 matches of a kind, newest first:
    those up to RANK_LIMIT, best first. One row past the limit says there are more; it is
    the oldest, and goes. The sort is stable, so equal ranks stay newest first."""
    return sorted(newest[:RANK_LIMIT], key=lambda row: -row[1]), len(newest) > RANK_LIMIT


def _findable_sql(model):
    query = _findable(model).query
    return query.where.as_sql(query.get_compiler(connection=connection), connection)


def _newest(models, terms, match):
    """{model: [(pk, rank)]} of the newest RANK_LIMIT + 1 findable matches of each kind,
    newest first: of ``terms`` (websearch syntax) on PostgreSQL, of ``match`` (an FTS5
    query) on SQLite."""
    if connection.vendor == "postgresql":
        return _pg_newest_of_each(models, terms)
    with connection.cursor() as cursor:
        return {model: _sqlite_newest(model, match, cursor) for model in models}


def _pg_newest_of_each(models, terms):
    """{model: [(pk, rank)]} of the newest RANK_LIMIT + 1 findable matches of each kind,
    newest first, in one transaction.

    The matches come from the GIN index (a bitmap), limited to the newest RECENT_ROWS
    rows where a kind has more (a bitmap of the date index, ANDed with it), so only rows
    that can be in the result are read; then the few kept are ranked, never every match.
    Only when the newest rows hold too few matches (a rare word) are all matches read,
    and then they are few.
    """
    tables = [model._meta.db_table for model in models]
    with transaction.atomic(), connection.cursor() as cursor:
        # Where each kind's newest RECENT_ROWS begin, from its date index alone: read
        # before only bitmap scans are allowed, as they rule out index-only scans too.
        # With the rows the statistics count in each, for the share of them that match.
        starts = ", ".join(
            f"(SELECT published_at FROM {table} WHERE published_at IS NOT NULL "
            f"ORDER BY published_at DESC OFFSET %s LIMIT 1), "
            f"(SELECT reltuples FROM pg_class WHERE oid = '{table}'::regclass)"
            for table in tables
        )
        cursor.execute(f"SELECT {starts}", [RECENT_ROWS] * len(tables))
        found = cursor.fetchone()
        with _scans_only(cursor, "bitmapscan"):
            return {
                model: _pg_newest(model, terms, cursor, since, rows)
                for model, since, rows in zip(models, found[::2], found[1::2], strict=True)
            }


def _pg_newest(model, terms, cursor, since, rows):
    table = model._meta.db_table
    findable, params = _findable_sql(model)
    # The first pass over the newest rows reads them in date order where the words are in
    # many rows (see _ranked); a widened pass, or one over every row, goes by the text index.
    in_order = since and rows > 0 and _estimate(cursor, table, QUERY, terms) >= DENSE * rows
    widened = False
    while True:
        if in_order and not widened:
            chosen = (
                f"SELECT id FROM {table} WHERE search_vector @@ {QUERY} "
                f"AND published_at >= %s AND {findable}"
            )
            found = _ranked(cursor, table, terms, chosen, [terms, since, *params], "indexscan")
        else:
            window, bound = ("AND published_at >= %s", [since]) if since else ("", [])
            # The match runs alone, behind OFFSET 0, which keeps the other conditions out
            # of it: given "published at or before now" too, the planner may read a date
            # index and test every row's vector.
            chosen = (
                f"SELECT id FROM (SELECT id, published_at, live, expires_at, noindex FROM "
                f"{table} WHERE search_vector @@ {QUERY} {window} OFFSET 0) AS {table} "
                f"WHERE {findable}"
            )
            found = _ranked(cursor, table, terms, chosen, [terms, *bound, *params])
        if len(found) > RANK_LIMIT or since is None:
            return found
        # Widened once at most, then every match: a word with a few hundred matches in
        # all would otherwise widen past the oldest row and on.
        since = None if widened else _widened(since, len(found))
        widened = True


def _ranked(cursor, table, terms, chosen, params, scan=None):
    """[(pk, rank)] of the newest RANK_LIMIT + 1 rows ``chosen`` (SQL selecting ids, taking
    ``params``), newest first: the kept rows are read again by id, and only they are ranked.

    With ``scan`` "indexscan", for words in many rows, the rows are read newest first from
    the date index, each tested, until enough match: where one row in five matches, a
    thousand rows or so, where the text index's bitmap would hold every match and every
    row of the window be tested (5,000 vectors, 30 ms, for an editor's words). Its
    statement text is its own: a prepared statement keeps the plan made under the scans
    allowed when it was prepared, whatever is allowed later.
    """
    sql = (
        f"SELECT id, ts_rank(search_vector, {QUERY}) FROM {table} WHERE id = ANY(ARRAY("
        f"{chosen} ORDER BY published_at DESC, id DESC LIMIT %s)) "
        "ORDER BY published_at DESC, id DESC"
    )
    if scan is None:
        cursor.execute(sql, [terms, *params, RANK_LIMIT + 1])
        return cursor.fetchall()
    with _scans_only(cursor, scan):
        cursor.execute(f"{sql} -- {scan}", [terms, *params, RANK_LIMIT + 1])
        return cursor.fetchall()


def _widened(since, found):
    """A window reaching back far enough to hold RANK_LIMIT + 1 matches at the rate the
    window since ``since`` held them, and half as far again; or, for a word too rare to
    tell (under a tenth of that), none: all its matches are few."""
    if found * 10 < RANK_LIMIT:
        return None
    now = timezone.now()
    return now - (now - since) * ((RANK_LIMIT + 1) / found * 1.5)


def _sqlite_newest(model, match, cursor):
    """[(pk, rank)] of the newest RANK_LIMIT + 1 findable matches, newest first.

    Newest by id here, the order FTS5 keeps its matches in and can read backwards: it
    stops at the RANK_LIMIT + 1st, so a common word costs what a rare one does, and only
    the rows kept are ranked and joined. (By publication date it would rank and join every
    match first.) Rows are made in the order they are written, so the two rarely differ.
    """
    table = model._meta.db_table
    findable, params = _findable_sql(model)
    weights = ", ".join(
        str(10.0 / (index + 1)) for index in range(len(model.search_fields))
    )  # the title counts most
    cursor.execute(
        f"SELECT {table}.id, -bm25({table}_fts, {weights}) FROM {table}_fts "
        f"JOIN {table} ON {table}.id = {table}_fts.rowid "
        f"WHERE {table}_fts MATCH %s AND {findable} ORDER BY {table}_fts.rowid DESC LIMIT %s",
        [match, *params, RANK_LIMIT + 1],
    )
    return cursor.fetchall()


@dataclass
class Results:
    """[(model, pk, rank)], best first; ``more`` when some kind had more than RANK_LIMIT
    matches, and only the best of its newest are here."""

    ranked: list
    more: bool = False


def search(query):
    """Results across every searchable model."""
    terms = clean(query)
    if not terms:
        return Results([])
    models = searchable_models()
    newest = _newest(models, terms, _fts_match(terms.split()))
    ranked, more = [], False
    for model in models:
        found, capped = _best_of(newest[model])
        ranked += [(model, pk, rank) for pk, rank in found]
        more = more or capped
    return Results(sorted(ranked, key=lambda hit: -hit[2]), more)


def hits(page, query):
    """The page's results as Hits, with their objects and highlighted snippets."""
    terms = clean(query)
    by_model = {}
    for model, pk, _ in page:
        by_model.setdefault(model, []).append(pk)
    loaded, snippets = {}, {}
    for model, pks in by_model.items():
        queryset = model._default_manager.filter(pk__in=pks)
        if model.__name__ == "Article":
            queryset = queryset.select_related("author", "topic")
        loaded.update({(model, obj.pk): obj for obj in queryset})
        snippets.update({(model, pk): text for pk, text in _snippets(model, pks, terms)})
    return [
        Hit(
            loaded[model, pk], model._meta.verbose_name, rank, _highlight(snippets.get((model, pk)))
        )
        for model, pk, rank in page
        if (model, pk) in loaded
    ]


def _snippets(model, pks, terms):
    table = model._meta.db_table
    source = model._meta.get_field(model.search_fields[-1]).column
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, ts_headline('english'::regconfig, {source}, "
                "websearch_to_tsquery('english'::regconfig, %s), %s) "
                f"FROM {table} WHERE id = ANY(%s)",
                [terms, f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15", pks],
            )
            return cursor.fetchall()
    match = _fts_match(terms.split())
    column = len(model.search_fields) - 1
    marks = ", ".join("%s" for _ in pks)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, snippet({table}_fts, {column}, %s, %s, '…', 30) "
            f"FROM {table}_fts WHERE {table}_fts MATCH %s AND rowid IN ({marks})",
            [START, STOP, match, *pks],
        )
        return cursor.fetchall()


def _highlight(text):
    """Escape everything, then turn the markers into <mark>: no content becomes markup."""
    if not text:
        return ""
    html = escape(" ".join(text.split()))
    return mark_safe(html.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


# --- Related pages, for the editor's link suggestions ----------------------------------

MAX_SUGGESTIONS = 5
# Words that say nothing of what a page is about; PostgreSQL's English configuration drops
# them too, and FTS5 would otherwise match nearly every row on them.
STOP_WORDS = frozenset(
    """a about after all also an and any are as at be because been before being but by can
    could did do does doing for from had has have how if in into is it its just may might
    more most much no not of on or our out over should so some such than that the their them
    then there these they this those through to too under up very was we were what when
    where which while who why will with would you your""".split()
)


def prominent_terms(title, keyphrase, text):
    """What a page is about, as search terms: its keyphrase, its title, then the words its
    text uses most; at most MAX_TERMS, no stop words. One pass over the text."""

    def words(value):
        return [w for w in re.findall(r"\w+", value.lower()) if w not in STOP_WORDS]

    counts = Counter(w for w in words(text) if len(w) > 3 and not w.isdigit())
    frequent = [word for word, _ in counts.most_common(MAX_TERMS)]
    return list(dict.fromkeys([*words(keyphrase), *words(title), *frequent]))[:MAX_TERMS]


def related(model, terms, exclude_pks=(), exclude_slugs=(), limit=MAX_SUGGESTIONS):
    """[(pk, title, slug)] of up to ``limit`` findable rows of ``model`` that match any of
    ``terms``, best first, leaving out ``exclude_pks`` and ``exclude_slugs``.

    The newest RANK_LIMIT matches are ranked, as for the site's search, so a common word
    costs no more than a rare one: ranking every match of the editor's words (ten thousand
    at 100,000 articles) took the change form a second."""
    terms = [term for term in clean(" ".join(terms)).lower().split() if term not in STOP_WORDS]
    if not terms:
        return []
    match = " OR ".join(f'"{term}"' for term in terms)
    ranked, _ = _best_of(_newest([model], " or ".join(terms), match)[model])
    rows = (
        model._default_manager.filter(pk__in=[pk for pk, _ in ranked])
        .exclude(pk__in=[pk for pk in exclude_pks if pk is not None])
        .exclude(slug__in=list(exclude_slugs))
        .values_list("pk", "title", "slug")
    )
    found = {pk: (pk, title, slug) for pk, title, slug in rows}
    return [found[pk] for pk, _ in ranked if pk in found][:limit]
