"""Bring files in as drafts: one transaction per file, a report line per item.

The command and the admin page both call ``import_file``. Text files (formats A
and B) become one draft article with its FAQ entries; an export document
(see ``exchange.py``) restores everything it holds.
"""

import logging
import re
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.text import slugify

from articles.models import (
    PLACEHOLDER_SLUG_PREFIX,
    PLACEHOLDER_TITLE_PREFIX,
    Article,
    part_model,
)
from articles.publishing.models import META_DESCRIPTION_LIMIT, META_TITLE_LIMIT, Revision
from articles.publishing.revisions import working_children, working_copy
from articles.publishing.text import CONTROL_CHARACTERS

from . import exchange
from .base import (
    FileReport,
    ImportFailed,
    ItemReport,
    Options,
    check,
    may_overwrite,
    save,
)
from .formats import ImportFormatError, ParsedDocument, parse_document

FAQEntry = part_model("faqs")  # through the reverse relation: no import of faq

__all__ = ["FileReport", "Options", "import_file", "import_path"]

MAX_FILE_BYTES = 2 * 1024 * 1024
# A whole site's backup, restored from the command line: 1,000 articles with their
# history export to about 7 MB.
MAX_BACKUP_BYTES = 256 * 1024 * 1024
# More questions than any page shows; also bounds the work one file can cause.
MAX_FAQS = 100

logger = logging.getLogger(__name__)


class _DryRun(Exception):
    pass


def decode(data, limit=MAX_FILE_BYTES):
    """UTF-8 text, or ImportFormatError naming the line of the first bad byte."""
    if len(data) > limit:
        raise ImportFormatError(f"file is larger than {limit // 1024 // 1024} MB")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ImportFormatError(
            f"not UTF-8 text: byte 0x{data[error.start]:02x} at column {column}; "
            "save the file as UTF-8 and try again",
            line=line,
        ) from None


def _limit(data, options):
    """Backups restore from the command line, whatever their size; a form takes 2 MB."""
    backup = re.search(rb'"format"\s*:\s*"%s"' % exchange.FORMAT.encode(), data[:200])
    return MAX_BACKUP_BYTES if backup and options.via == "command" else MAX_FILE_BYTES


def import_file(name, data, options):
    """Import one file's bytes. Never raises for bad input: the report says what went wrong."""
    report = FileReport(name)
    try:
        with transaction.atomic():
            text = _clean(decode(data, _limit(data, options)), report)
            export = exchange.load(text)
            if export is not None:
                exchange.restore(export, options, report)
            else:
                import_document(name, parse_document(text), options, report)
            if options.dry_run:
                raise _DryRun
    except _DryRun:
        report.items = [
            ItemReport(f"would be {item.action}", item.kind, item.slug, item.faq_count)
            for item in report.items
        ]
    except (ImportFormatError, ImportFailed) as error:
        report.error, report.items = str(error), []
    except Exception as error:  # noqa: BLE001 - one file must never stop the batch
        # Nothing of it was written (the transaction rolled back); the log keeps the detail.
        logger.exception("Import of %s failed unexpectedly", name)
        report.error = (
            f"could not be imported ({type(error).__name__}); nothing of it was written. "
            "The file may be damaged: check it, or send it to the site's developers."
        )
        report.items = []
    return report


def _clean(text, report):
    """Drop NUL and other control characters, saying how many and where the first was."""
    match = CONTROL_CHARACTERS.search(text)
    if match is None:
        return text
    line = text.count("\n", 0, match.start()) + 1
    cleaned, count = CONTROL_CHARACTERS.subn("", text)
    report.warnings.append(
        f"removed {count} control character(s) such as NUL, which text cannot hold "
        f"(the first on line {line})"
    )
    return cleaned


def import_path(path, options):
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return FileReport(str(path), error=f"cannot read the file: {error.strerror or error}")
    return import_file(str(path), data, options)


def import_document(name, doc: ParsedDocument, options, report):
    report.warnings.extend(doc.warnings)
    title = doc.title or options.title
    if doc.title and options.title:
        report.warnings.append(
            f"{options.hint('title_option')} ignored: the file has its own title “{doc.title}”"
        )
    untitled = not title
    if title:
        slug = slugify(title)[:200]
    else:
        stem = Path(name).stem
        title = f"{PLACEHOLDER_TITLE_PREFIX} {stem}"
        slug = slugify(f"{PLACEHOLDER_SLUG_PREFIX}{stem}")[:200]
    if not slug:
        raise ImportFailed(f"the title “{title}” gives an empty URL slug; {options.hint('title')}")
    _length_warnings(doc, report)

    article = Article.objects.filter(slug=slug).first()
    if article is None:
        # Titled since (by an editor, or by --title now or before), it has another
        # address; its import revisions still name the file it came from.
        article = _imported_from(name)
        slug = article.slug if article is not None else slug
    if article is not None and not may_overwrite(article, options, report):
        report.items.append(ItemReport("skipped", "article", slug))
        return
    if untitled and (article is None or working_copy(article).has_placeholder_title):
        report.warnings.append(
            "the file has no title: the draft gets the placeholder title "
            f"“{title}” and cannot be published until an editor writes a real one"
        )
    action = "created" if article is None else "updated"
    if article is None:
        article = Article(slug=slug, title=title)
        parts = []
    else:
        # On top of the working copy, so draft changes made since are the base.
        article = working_copy(article)
        parts = working_children(article).get("faqs", [])
        if not untitled:
            article.title = title
        # else: keep the title an editor has written since the first import.
    article.body = doc.body
    # Empty in the file means "not given", so what an editor wrote stays. The summary is
    # the writer's to write: a cut-down first paragraph would only repeat the body.
    for field_name in ("meta_title", "meta_description", "focus_keyword"):
        if getattr(doc, field_name):
            setattr(article, field_name, getattr(doc, field_name))
    if doc.sources:
        article.sources = doc.sources
    if options.author:
        article.author = options.author
    if options.topic:
        article.topic = options.topic
    check(article, options)

    # The entries are versioned with the article: one revision holds both.
    if len(doc.faqs) > MAX_FAQS:
        raise ImportFailed(
            f"the file has {len(doc.faqs)} FAQ entries; at most {MAX_FAQS} can be imported "
            "with one article"
        )
    existing = {entry.title: entry for entry in parts}
    imported = []
    for order, parsed in enumerate(doc.faqs, start=1):
        entry = existing.pop(parsed.question, None) or FAQEntry(title=parsed.question)
        entry.answer, entry.order = parsed.answer, order
        entry.topic = entry.topic or article.topic
        check(entry, options)
        imported.append(entry)
    for question in existing:
        report.warnings.append(f"FAQ “{question}” is on the article but not in the file; kept")
    save(
        article, options,
        children={"faqs": [*imported, *existing.values()]},
        message=_import_message(name),
        kind=Revision.IMPORT,
    )  # fmt: skip
    report.items.append(ItemReport(action, "article", slug, len(imported)))


def _imported_from(name):
    """The article an earlier import of this file made, found by its import revision."""
    found = (
        Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            kind=Revision.IMPORT,
            message=_import_message(name),
        )
        .values_list("object_id", flat=True)
        .first()
    )
    return Article.objects.filter(pk=found).first() if found else None


def _import_message(name):
    return f"Imported from {Path(name).name}."


def _length_warnings(doc, report):
    if len(doc.meta_title) > META_TITLE_LIMIT:
        report.warnings.append(
            f"meta title is {len(doc.meta_title)} characters; search results show about "
            f"{META_TITLE_LIMIT}"
        )
    if len(doc.meta_description) > META_DESCRIPTION_LIMIT:
        report.warnings.append(
            f"meta description is {len(doc.meta_description)} characters; search results "
            f"show about {META_DESCRIPTION_LIMIT}"
        )
