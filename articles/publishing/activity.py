"""Who did what, when: the workflow's moves, the saves and the comments as one record.

Each kind keeps its own table (Transition, Revision, Comment); this reads them as one
list, newest first, through UNION ALL, filtered by person, item, kind and dates. A page is
found from the last row of the one before (a cursor), never by counting rows past it, so
page 2 and page 2,000 cost the same; each table answers from its own date index.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, IntegerField, Q, Value
from django.utils import timezone

from .models import Comment, Revision, Transition
from .workflow import TRANSITIONS

# The kinds, each with its rank (the order of rows made in the same microsecond).
KINDS = {"comment": 0, "edit": 1, "move": 2}
LABELS = {"move": "Workflow move", "edit": "Saved a revision", "comment": "Comment"}
COLUMNS = (
    "created_at", "rank", "pk", "user_id", "content_type_id", "object_id", "what", "detail",
    "title", "words",
)  # fmt: skip


@dataclass(frozen=True)
class Filters:
    user: int | None = None
    kind: str = ""
    content_type: int | None = None
    object_id: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None


@dataclass
class Entry:
    when: datetime.datetime
    rank: int
    pk: int
    user_id: int | None
    content_type_id: int
    object_id: int
    what: str
    detail: str
    title: str
    text: str
    who: str = ""

    @property
    def cursor(self):
        return f"{self.when.isoformat()}~{self.rank}~{self.pk}"

    @property
    def summary(self):
        """What was done, as editors read it."""
        if self.what == "move":
            move = TRANSITIONS.get(self.detail)
            return move.done if move else self.detail
        if self.what == "edit":
            return "Saved a revision" if self.detail == "save" else f"Revision ({self.detail})"
        return f"Commented on {self.detail}" if self.detail else "Commented"


def _parts():
    text = CharField()
    return {
        "move": Transition.objects.annotate(
            rank=Value(KINDS["move"], IntegerField()), what=Value("move", text),
            detail=F("action"), title=F("object_repr"), words=F("note"),
        ),
        "edit": Revision.objects.annotate(
            rank=Value(KINDS["edit"], IntegerField()), what=Value("edit", text),
            detail=F("kind"), title=F("object_repr"), words=F("message"),
        ),
        "comment": Comment.objects.annotate(
            rank=Value(KINDS["comment"], IntegerField()), what=Value("comment", text),
            detail=F("field"), title=Value("", text), words=F("text"),
        ),
    }  # fmt: skip


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _after(kind, cursor):
    """Rows of ``kind`` that come after ``cursor`` (when, rank, pk) in newest-first order."""
    when, rank, pk = cursor
    own = KINDS[kind]
    if own < rank:
        return Q(created_at__lte=when)
    if own > rank:
        return Q(created_at__lt=when)
    return Q(created_at__lt=when) | Q(created_at=when, pk__lt=pk)


def query(filters, cursor=None):
    """The filtered record, newest first, as one UNION ALL of value rows."""
    selected = []
    for kind, rows in _parts().items():
        if filters.kind and kind != filters.kind:
            continue
        if filters.user:
            rows = rows.filter(user_id=filters.user)
        if filters.content_type:
            rows = rows.filter(content_type_id=filters.content_type)
            if filters.object_id:
                rows = rows.filter(object_id=filters.object_id)
        if filters.since:
            rows = rows.filter(created_at__gte=_day_start(filters.since))
        if filters.until:
            rows = rows.filter(created_at__lt=_day_start(filters.until + datetime.timedelta(1)))
        if cursor is not None:
            rows = rows.filter(_after(kind, cursor))
        selected.append(rows.order_by().values_list(*COLUMNS))
    if not selected:
        return None
    first, *others = selected
    return first.union(*others, all=True).order_by("-created_at", "-rank", "-pk")


def parse_cursor(value):
    """(when, rank, pk) from a page link's ``before``, or None when it is not one."""
    try:
        when, rank, pk = (value or "").split("~")
        moment = datetime.datetime.fromisoformat(when)
        if timezone.is_naive(moment):
            return None
        return moment, int(rank), int(pk)
    except ValueError:
        return None


def page(filters, cursor=None, size=50):
    """Up to ``size`` entries after ``cursor``, and whether there are more."""
    found = query(filters, cursor)
    rows = list(found[: size + 1]) if found is not None else []
    entries = [Entry(*row) for row in rows[:size]]
    _name_people(entries)
    _name_items(entries)
    return entries, len(rows) > size


def _name_people(entries):
    ids = {entry.user_id for entry in entries} - {None}
    users = get_user_model().objects.filter(pk__in=ids)
    names = {user.pk: user.get_full_name() or user.get_username() for user in users}
    for entry in entries:
        entry.who = names.get(entry.user_id, "—" if entry.user_id is None else "(deleted)")


def _name_items(entries):
    """Comments record no title: read the items' titles, one query per kind of item."""
    missing = {}
    for entry in entries:
        if not entry.title:
            missing.setdefault(entry.content_type_id, set()).add(entry.object_id)
    titles = {}
    for type_id, ids in missing.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for pk, title in model._base_manager.filter(pk__in=ids).values_list("pk", "title"):
            titles[type_id, pk] = title
    for entry in entries:
        if not entry.title:
            entry.title = titles.get((entry.content_type_id, entry.object_id), "(deleted)")


def rows_for_csv(filters):
    """Every entry the filters keep, oldest last, as CSV rows (a header first); read in
    chunks, so an export of any size holds one chunk in memory at a time."""
    yield ["when", "who", "what", "item type", "item id", "item", "detail", "note"]
    found = query(filters)
    if found is None:
        return
    chunk = []
    for row in found.iterator(chunk_size=2000):
        chunk.append(Entry(*row))
        if len(chunk) == 2000:
            yield from _csv(chunk)
            chunk = []
    yield from _csv(chunk)


def _csv(entries):
    _name_people(entries)
    _name_items(entries)
    for entry in entries:
        model = ContentType.objects.get_for_id(entry.content_type_id)
        yield [
            timezone.localtime(entry.when).isoformat(timespec="seconds"),
            *map(_cell, (entry.who, entry.summary, model.name)),
            entry.object_id,
            *map(_cell, (entry.title, entry.detail, entry.text)),
        ]


def _cell(text):
    """Text a spreadsheet will not run: a leading =, +, - or @ would make it a formula."""
    text = str(text)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
