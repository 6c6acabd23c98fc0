"""Reports and the draft-overwrite rule shared by both kinds of import."""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model

from articles.models import Status
from articles.publishing.text import truncate
from articles.publishing.workflow import InvalidTransition


class ImportFailed(Exception):
    """A file that cannot be imported; nothing of it was written."""


@dataclass
class Options:
    user: Model | None = None
    author: Model | None = None
    topic: Model | None = None
    title: str = ""
    force: bool = False
    dry_run: bool = False
    # Where the import runs decides how a message names an option.
    via: str = "command"

    HINTS = {
        "command": {
            "force": "use --force",
            "editor": "run it with --user set to an editor",
            "title": "pass --title",
            "title_option": "--title",
        },
        "admin": {
            "force": "tick “Overwrite items in review or published”",
            "editor": "ask an editor to import it",
            "title": "fill in Title",
            "title_option": "The Title you gave",
        },
    }

    def hint(self, key):
        return self.HINTS[self.via][key]


@dataclass
class ItemReport:
    action: str  # created, updated or skipped
    kind: str
    slug: str
    faq_count: int | None = None

    def __str__(self):
        faqs = f" ({self.faq_count} FAQ)" if self.faq_count is not None else ""
        return f"{self.action} {self.kind} {self.slug}{faqs}"


@dataclass
class FileReport:
    name: str
    items: list[ItemReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self):
        return not self.error

    def summary(self):
        if self.error:
            return f"FAILED: {self.error}"
        if len(self.items) <= 3:
            return "; ".join(str(item) for item in self.items) or "nothing to import"
        counts = {}
        for item in self.items:
            key = f"{item.action} {item.kind}"
            counts[key] = counts.get(key, 0) + 1
        return "; ".join(f"{key}: {count}" for key, count in counts.items())

    def lines(self):
        return [f"{self.name}: {self.summary()}", *(f"  warning: {w}" for w in self.warnings)]


def save(obj, options, **revision):
    """Validate and save, as the user would through the admin: their permissions apply.

    ``revision`` (children, message, kind) goes to the revisions service for content.
    """
    check(obj, options)
    if hasattr(obj, "revision_relations"):
        obj.save(user=options.user, **revision)
    else:
        obj.save()


def check(obj, options):
    """What save() checks before writing: the user's permission, then the fields."""
    user = options.user
    if user is not None:
        opts = obj._meta
        action = "change" if obj.pk else "add"
        if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            raise ImportFailed(
                f"you may not {action} {opts.verbose_name_plural} (“{getattr(obj, 'slug', obj)}”)"
            )
    try:
        obj.full_clean(validate_unique=False)
    except ValidationError as error:
        label = f"{obj._meta.verbose_name} “{truncate(str(obj), 60)}”"
        raise ImportFailed(f"{label}: {validation_message(error, obj)}") from None


def may_overwrite(obj, options, report):
    """Drafts are overwritten. With ``force``, a live item gets the file as draft changes
    (its page stays as it is until an editor publishes them), and an item in review is
    sent back to draft first, which needs an editor."""
    if obj.status == Status.DRAFT:
        return True
    label = f"{obj._meta.verbose_name} “{obj.slug}” is {obj.state_label().lower()}"
    if not options.force:
        report.warnings.append(
            f"{label}: not overwritten ({options.hint('force')} to import it as a draft)"
        )
        return False
    if obj.status == Status.PUBLISHED:
        report.warnings.append(
            f"{label}: imported as draft changes; the live page is unchanged "
            "until an editor publishes them"
        )
        return True
    note = f"Sent back to draft to re-import {Path(report.name).name}."
    try:
        obj.request_changes(options.user, note=note)
    except (PermissionDenied, InvalidTransition) as error:
        raise ImportFailed(
            f"{label}; sending it back to draft needs an editor ({options.hint('editor')}): {error}"
        ) from None
    obj.refresh_from_db()
    report.warnings.append(f"{label}: moved back to draft to be overwritten")
    return True


def validation_message(error, obj):
    """Field errors under the names the admin shows ("question", not "title")."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)

    def label(name):
        try:
            return obj._meta.get_field(name).verbose_name
        except FieldDoesNotExist:
            return name

    return "; ".join(
        f"{label(name)}: {' '.join(messages)}" for name, messages in error.message_dict.items()
    )
