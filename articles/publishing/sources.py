"""Cited sources: an article's ordered references, kept as one versioned content field.

A source is a dict {title, publisher, url, date, doi, pmid}; the list's order is the
citation number, so ``[^2]`` in the text cites the second. Being one field of the
article, the list goes through revisions, review, compare and restore like the body.

``normalize`` checks and tidies what people write (admin rows, imports); ``entries``
reads whatever is stored, tolerantly, for the page, the JSON-LD and the Markdown
version, which show only what passes the same checks (never a javascript: link).
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .text import inert, strip_controls

FIELDS = ("title", "publisher", "url", "date", "doi", "pmid")
LABELS = {
    "title": "title",
    "publisher": "publisher",
    "url": "URL",
    "date": "date",
    "doi": "DOI",
    "pmid": "PMID",
    "order": "number",
}
MAX_LENGTHS = {"title": 500, "publisher": 200, "url": 2000, "date": 10, "doi": 200, "pmid": 9}
# More than any article cites; also bounds the work one form post can cause.
MAX_SOURCES = 100
MAX_ROWS = MAX_SOURCES + 20

DOI_URL = "https://doi.org/"
PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/"
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/)", re.IGNORECASE)
_PMID_PREFIX = re.compile(
    r"^(?:pmid:?\s*|(?:https?://)?pubmed\.ncbi\.nlm\.nih\.gov/)", re.IGNORECASE
)
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_validate_url = URLValidator(schemes=["http", "https"])


# --- Checking what people write -------------------------------------------------------


def _line(value):
    """One line of text: no control characters, white space (newlines too) collapsed."""
    value = value if isinstance(value, str) else "" if value is None else str(value)
    return " ".join(strip_controls(value).split())


def normalize_doi(value):
    """``10.1234/abc`` from a bare DOI, ``doi:…`` or a doi.org address; ValueError if not one."""
    doi = _DOI_PREFIX.sub("", _line(value)).rstrip(".")
    if not _DOI.fullmatch(doi):
        raise ValueError(doi)
    return doi


def normalize_pmid(value):
    pmid = _PMID_PREFIX.sub("", _line(value)).strip("/ ")
    if not re.fullmatch(r"\d{1,9}", pmid):
        raise ValueError(pmid)
    return pmid


def normalize_date(value):
    """YYYY, YYYY-MM or YYYY-MM-DD, a real date; ValueError otherwise."""
    text = _line(value)
    match = _DATE.fullmatch(text)
    if not match:
        raise ValueError(text)
    year, month, day = (int(part) if part else None for part in match.groups())
    datetime.date(year, month or 1, day or 1)  # raises ValueError for 2024-02-30
    return text


def normalize_url(value):
    url = _line(value)
    _validate_url(url)  # raises ValidationError
    return url


_NORMALIZERS = {"doi": normalize_doi, "pmid": normalize_pmid, "date": normalize_date,
                "url": normalize_url}  # fmt: skip
_HINTS = {
    "url": "give a web address starting http:// or https://",
    "date": "write it as YYYY, YYYY-MM or YYYY-MM-DD, such as 2024-03-05",
    "doi": "give it as 10.1234/abc (a doi: or https://doi.org/ prefix is fine)",
    "pmid": "give the PubMed ID in digits only, such as 12345678",
}


def _shown(text, limit=60):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean_entry(raw):
    """(entry, {field: problem}) for one source; the entry keeps what was valid."""
    raw = raw if isinstance(raw, dict) else {}
    entry, problems = {}, {}
    for name in FIELDS:
        text = _line(raw.get(name))
        if text and name in _NORMALIZERS and len(text) <= MAX_LENGTHS["url"]:
            try:
                text = _NORMALIZERS[name](text)
            except (ValueError, ValidationError):
                problems[name] = f"“{_shown(text)}” is not valid: {_HINTS[name]}"
                text = ""
        if len(text) > MAX_LENGTHS[name]:
            problems[name] = f"it is {len(text)} characters; the limit is {MAX_LENGTHS[name]}"
            text = ""
        entry[name] = text
    if not entry["title"] and "title" not in problems:
        problems["title"] = "give the title of the source"
    return entry, problems


def _message(where, name, problem):
    return f"{where}, {LABELS[name]}: {problem}."


def normalize(value):
    """The stored form of a list of sources, or ValidationError naming each source and field."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise ValidationError("Sources must be a list.", code="sources")
    if len(value) > MAX_SOURCES:
        raise ValidationError(f"At most {MAX_SOURCES} sources.", code="sources")
    cleaned, messages = [], []
    for number, raw in enumerate(value, start=1):
        if not isinstance(raw, dict):
            messages.append(f"Source {number} is not a set of fields.")
            continue
        entry, problems = clean_entry(raw)
        messages += [_message(f"Source {number}", n, p) for n, p in problems.items()]
        cleaned.append(entry)
    if messages:
        raise ValidationError(messages, code="sources")
    return cleaned


def _blank(row):
    return not any(_line(row.get(name)) for name in FIELDS)


def clean_rows(rows):
    """The form's rows (in the order shown) as the stored list, in the order their
    numbers give; deleted and empty rows dropped. Errors name the row and the field."""
    if not rows:
        return []
    kept, messages = [], []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or row.get("delete") or _blank(row):
            continue
        where = f"Row {index}"
        order = _line(row.get("order", ""))
        if order and not order.isdigit():
            messages.append(_message(where, "order", "give a whole number, such as 1"))
        entry, problems = clean_entry(row)
        messages += [_message(where, name, problem) for name, problem in problems.items()]
        position = int(order) if order.isdigit() else MAX_ROWS + index
        kept.append((position, index, entry))
    if len(kept) > MAX_SOURCES:
        messages.append(f"At most {MAX_SOURCES} sources; remove {len(kept) - MAX_SOURCES}.")
    if messages:
        raise ValidationError(messages, code="sources")
    return [entry for _, _, entry in sorted(kept, key=lambda item: item[:2])]


# --- Reading what is stored -----------------------------------------------------------


def _valid(normalizer, value):
    try:
        return normalizer(value) if value else ""
    except (ValueError, ValidationError):
        return ""


@dataclass(frozen=True)
class Source:
    """One stored source, as pages show it: every value one line, every link checked."""

    number: int
    title: str = ""
    publisher: str = ""
    url: str = ""
    date: str = ""
    doi: str = ""
    pmid: str = ""

    @property
    def doi_url(self):
        # Percent-encoded: a DOI may hold <, >, ( and ) (old SICI ones do).
        return DOI_URL + quote(self.doi, safe="/:;._-") if self.doi else ""

    @property
    def pubmed_url(self):
        return f"{PUBMED_URL}{self.pmid}/" if self.pmid else ""

    @property
    def link(self):
        """Where the title leads: the URL, else the DOI's address."""
        return self.url or self.doi_url

    @property
    def anchor(self):
        return f"source-{self.number}"

    @property
    def date_text(self):
        """5 March 2024, March 2024 or 2024."""
        match = _DATE.fullmatch(self.date)
        if not match:
            return ""
        year, month, day = match.groups()
        if not month:
            return year
        moment = datetime.date(int(year), int(month), int(day or 1))
        return f"{int(day)} {moment:%B %Y}" if day else f"{moment:%B %Y}"

    @property
    def date_attribute(self):
        """For <time datetime>: a month or a date; a bare year is left as text."""
        return self.date if "-" in self.date else ""

    @property
    def has_link(self):
        return bool(self.url or self.doi)


def entries(value):
    """[Source] from a stored value, tolerantly: a malformed item keeps its number but
    shows nothing that fails the checks."""
    if not isinstance(value, list | tuple):
        return []
    found = []
    for number, raw in enumerate(value[:MAX_SOURCES], start=1):
        raw = raw if isinstance(raw, dict) else {}
        text = {name: _line(raw.get(name))[: MAX_LENGTHS[name]] for name in FIELDS}
        found.append(
            Source(
                number=number,
                title=text["title"],
                publisher=text["publisher"],
                url=_valid(normalize_url, text["url"]),
                date=_valid(normalize_date, text["date"]),
                doi=_valid(normalize_doi, text["doi"]),
                pmid=_valid(normalize_pmid, text["pmid"]),
            )
        )
    return found


def citations(value):
    """schema.org CreativeWork dicts for the JSON-LD ``citation``; no empty values."""
    works = []
    for source in entries(value):
        if not (source.title or source.link):
            continue
        work = {"@type": "CreativeWork"}
        if source.title:
            work["name"] = source.title
        if source.publisher:
            work["publisher"] = {"@type": "Organization", "name": source.publisher}
        if source.link:
            work["url"] = source.link
        if source.date:
            work["datePublished"] = source.date
        identifiers = [
            {"@type": "PropertyValue", "propertyID": kind, "value": value}
            for kind, value in (("DOI", source.doi), ("PMID", source.pmid))
            if value
        ]
        if identifiers:
            work["identifier"] = identifiers
        same_as = [u for u in (source.doi_url, source.pubmed_url) if u and u != source.link]
        if same_as:
            work["sameAs"] = same_as
        works.append(work)
    return works


def _md_url(url):
    # Percent-encode what could end or break a Markdown link destination.
    return re.sub(r"[\s<>()\[\]\\`'\"*_|]", lambda m: quote(m.group()), url)


def markdown(value):
    """The sources as a numbered Markdown list, every written value made inert."""
    lines = []
    for source in entries(value):
        title = inert(source.title) or "Untitled source"
        parts = [f"[{title}]({_md_url(source.link)})" if source.link else title]
        where = ", ".join(inert(part) for part in (source.publisher, source.date_text) if part)
        if where:
            parts.append(where)
        if source.doi:
            parts.append(f"DOI: [{inert(source.doi)}]({_md_url(source.doi_url)})")
        if source.pmid:
            parts.append(f"PMID: [{source.pmid}]({source.pubmed_url})")
        lines.append(f"{source.number}. " + ". ".join(parts) + ".")
    return lines


def as_text(value):
    """One plain line per source, for compare pages and conflict notes."""
    lines = []
    for source in entries(value):
        values = [source.title, source.publisher, source.date, source.url]
        values += [f"DOI {source.doi}" if source.doi else "", f"PMID {source.pmid}" if source.pmid
                   else ""]  # fmt: skip
        lines.append(f"{source.number}. " + " — ".join(v for v in values if v))
    return "\n".join(lines)


# --- The model field and the admin's rows ---------------------------------------------


class SourcesWidget(forms.Widget):
    """A table with a row of inputs per source and two blank rows; no script needed.

    Rows are numbered as shown; the number box orders them, the checkbox deletes one.
    Whatever was posted is shown again on an error, so nothing typed is lost.
    """

    use_fieldset = True
    extra = 2
    # {address: what the link checker last found there}, set by the admin's form for a
    # saved article; None adds no column.
    checks = None
    columns = (
        ("order", "No.", 3),
        ("title", "Title", 36),
        ("publisher", "Publisher", 18),
        ("url", "URL", 28),
        ("date", "Date", 10),
        ("doi", "DOI", 18),
        ("pmid", "PMID", 9),
    )

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-rows" not in data

    def value_from_datadict(self, data, files, name):
        try:
            count = min(int(data.get(f"{name}-rows", 0)), MAX_ROWS)
        except (TypeError, ValueError):
            count = 0
        rows = []
        for index in range(max(count, 0)):
            prefix = f"{name}-{index}-"
            row = {key: data.get(prefix + key, "") for key in (*FIELDS, "order")}
            row["delete"] = bool(data.get(prefix + "delete"))
            rows.append(row)
        return rows

    def _rows(self, value):
        """Rows to show: posted rows as they were typed, or stored sources numbered."""
        if not isinstance(value, list | tuple):
            value = []
        rows = []
        for number, item in enumerate(value, start=1):
            item = item if isinstance(item, dict) else {}
            row = {key: item.get(key) if isinstance(item.get(key), str) else "" for key in FIELDS}
            if _blank(row):
                continue
            row["order"] = str(item.get("order", number)) if "order" in item else str(number)
            row["delete"] = bool(item.get("delete"))
            rows.append(row)
        blank = {key: "" for key in (*FIELDS, "order")}
        return rows + [{**blank, "delete": False} for _ in range(self.extra)]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**self.attrs, **(attrs or {})}
        base = attrs.get("id") or f"id_{name}"
        rows = self._rows(value)
        titles = [t for _, t, _ in self.columns]
        if self.checks is not None:
            titles.append("Link check")
        head = format_html_join("", '<th scope="col">{}</th>', ((t,) for t in titles))
        body = format_html_join(
            "", "{}", ((self._row(name, base, n, row),) for n, row in enumerate(rows))
        )
        return format_html(
            # Wider than a phone: it scrolls sideways in a region the keyboard can reach,
            # instead of widening the page or being cut off.
            '<div class="sources-editor" id="{}" role="region" tabindex="0" '
            'aria-label="Sources table, scrolls sideways">'
            '<input type="hidden" name="{}-rows" value="{}">'
            '<table class="sources-table"><caption>One row per source, in citation order: '
            "[^1] in the text cites number 1. Change the numbers to reorder; empty rows are "
            'ignored.</caption><thead><tr>{}<th scope="col">Delete</th></tr></thead>'
            "<tbody>{}</tbody></table></div>",
            base,
            name,
            len(rows),
            head,
            body,
        )

    def _row(self, name, base, index, row):
        problems = {} if _blank(row) else clean_entry(row)[1]
        order = _line(row.get("order"))
        if order and not order.isdigit():
            problems["order"] = True
        cells = []
        for key, title, size in self.columns:
            field_id = f"{base}-{index}-{key}"
            kind = "url" if key == "url" else "text"
            extra = mark_safe(' aria-invalid="true"' if key in problems else "")  # noqa: S308
            if key == "order":
                extra += mark_safe(' inputmode="numeric"')  # noqa: S308
            cells.append(
                format_html(
                    '<td class="source-{}"><label class="visually-hidden" for="{}">'
                    "Row {}: {}</label>"
                    '<input type="{}" name="{}-{}-{}" id="{}" value="{}" size="{}"{}></td>',
                    key,
                    field_id,
                    index + 1,
                    title,
                    kind,
                    name,
                    index,
                    key,
                    field_id,
                    row.get(key) or "",
                    size,
                    extra,
                )  # fmt: skip
            )
        if self.checks is not None:
            cells.append(self._check_cell(row))
        delete_id = f"{base}-{index}-delete"
        checked = mark_safe(" checked" if row.get("delete") else "")  # noqa: S308
        cells.append(
            format_html(
                '<td class="source-delete"><label class="visually-hidden" for="{}">Delete row {}'
                '</label><input type="checkbox" name="{}-{}-delete" id="{}"{}></td>',
                delete_id,
                index + 1,
                name,
                index,
                delete_id,
                checked,
            )  # fmt: skip
        )
        return format_html("<tr>{}</tr>", format_html_join("", "{}", ((c,) for c in cells)))

    def _check_cell(self, row):
        """What the link checker last found at the row's addresses, as stored."""
        source = entries([row])[0] if not _blank(row) else None
        found = []
        if source is not None:
            for kind, url in (("", source.url), ("DOI: ", source.doi_url),
                              ("PubMed: ", source.pubmed_url)):  # fmt: skip
                check = self.checks.get(url) if url else None
                if check is not None:
                    found.append((kind, check.status, check.summary))
        lines = format_html_join(
            "", '<span class="source-check source-check-{}">{}{}</span>',
            ((status, kind, summary) for kind, status, summary in found),
        )  # fmt: skip
        return format_html('<td class="source-checks">{}</td>', (lines or "—") if source else "")


class SourcesFormField(forms.Field):
    widget = SourcesWidget

    def __init__(self, *, encoder=None, decoder=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if (
            value
            and isinstance(value, list | tuple)
            and not any(
                isinstance(row, dict) and ("order" in row or "delete" in row) for row in value
            )
        ):
            return normalize(list(value))  # stored sources, as given in initial data
        return clean_rows(value)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != normalize(initial or [])
        except ValidationError:
            return True


class SourcesField(models.JSONField):
    """An article's sources: a JSON list that only ever holds normalized entries once
    saved, whichever way it was saved (a form, full_clean() or the revisions service)."""

    description = "An ordered list of cited sources"

    def formfield(self, **kwargs):
        # Not JSONField's form field: rows of inputs, with no hidden copy of the initial.
        return models.Field.formfield(
            self, **{"form_class": SourcesFormField, "show_hidden_initial": False, **kwargs}
        )

    def clean(self, value, model_instance):
        return super().clean(normalize(value), model_instance)

    def tidy(self, value):
        """The stored form of a valid ``value``; an invalid one is left for validation to
        name, as a save without full_clean() does not validate."""
        try:
            return normalize(value)
        except ValidationError:
            return value

    def display_text(self, value):
        return as_text(value)
