"""Medical review: a clinician's sign-off on one version, when it goes stale, when it is due.

A sign-off is a workflow move (``transition(obj, "sign_off", reviewer)``): the log row
names the reviewer, the time, the note and the revision signed. Publishing an item that
needs review looks for a sign-off on the very revision it publishes, and only then writes
the reviewer and the date onto the row, so nobody sets them by hand.
"""

import calendar
import datetime
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, F, OuterRef

from .models import Revision, Status, Transition

SIGN_OFF = "sign_off"
# Reminders go out this long before a review falls due, and once more when it is overdue.
NOTICE_DAYS = 30


def add_months(day, months):
    """The same day ``months`` later, or the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def due_date(last_reviewed, months):
    """When a review made on ``last_reviewed`` falls due again; None without either."""
    if last_reviewed is None or not months:
        return None
    return add_months(last_reviewed, months)


def digest(model, content):
    """A fingerprint of the medical content in a revision's content: the text a reviewer
    reads (``model.medical_fields``, and its parts'), not its search or image settings."""
    names = getattr(model, "medical_fields", ())
    if not names or not content:
        return ""
    fields = content.get("fields", {})
    removed = {name: set(pks) for name, pks in (content.get("removed") or {}).items()}
    parts = {}
    for name, entries in sorted((content.get("children") or {}).items()):
        part_fields = getattr(model._meta.get_field(name).related_model, "medical_fields", ())
        parts[name] = [
            [entry["fields"].get(field) for field in part_fields]
            for entry in entries
            if entry["pk"] not in removed.get(name, ())
        ]
    data = {"fields": [fields.get(name) for name in names], "parts": parts}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def revision_digest(model, revision_id):
    if revision_id is None:
        return ""
    content = Revision.objects.filter(pk=revision_id).values_list("content", flat=True).first()
    return digest(model, content)


def sign_offs(obj):
    return Transition.objects.for_object(obj).filter(action=SIGN_OFF)


def sign_off_for(obj, revision_id):
    """The latest sign-off on exactly this revision, or None."""
    if revision_id is None:
        return None
    return sign_offs(obj).filter(revision_id=revision_id).first()


@dataclass(frozen=True)
class Standing:
    """Where an item's medical review stands, as staff see it."""

    required: bool
    # The latest sign-off of any version, and whether it is on the working copy.
    last: Transition | None
    current: bool
    # The working copy's medical text differs from what was signed off.
    changed_since: bool
    # The live page's medical text differs from the review it shows.
    live_changed_since: bool

    @property
    def awaiting(self):
        return self.required and not self.current


def standing(obj):
    """The review standing of ``obj``, a working copy (three queries at most)."""
    last = sign_offs(obj).select_related("user").first()
    current = last is not None and last.revision_id == obj.latest_revision_id
    changed_since = False
    if last is not None and not current:
        model = type(obj)
        changed_since = revision_digest(model, last.revision_id) != revision_digest(
            model, obj.latest_revision_id
        )
    return Standing(
        required=obj.needs_medical_review(),
        last=last,
        current=current,
        changed_since=changed_since,
        live_changed_since=live_changed_since(obj),
    )


def live_changed_since(obj):
    reviewed = getattr(obj, "reviewed_digest", "")
    return bool(obj.live and reviewed and reviewed != obj.live_digest)


def notice_by(today):
    """The last due date a run on ``today`` gives notice of."""
    return today + datetime.timedelta(days=NOTICE_DAYS)


# --- Lists: the dashboard, the changelist filter and the reminders share these ----------


def awaiting_sign_off(queryset):
    """Items in review that need a sign-off and have none on their working copy."""
    from django.contrib.contenttypes.models import ContentType

    model = queryset.model
    signed = Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
        action=SIGN_OFF,
        revision_id=OuterRef("latest_revision_id"),
    )
    return queryset.filter(model.medical_review_q(), status=Status.IN_REVIEW).exclude(
        Exists(signed)
    )


def grace_ends(today):
    """Reviews due before this day are past the site's grace period (REVIEW_GRACE_DAYS)."""
    return today - datetime.timedelta(days=settings.REVIEW_GRACE_DAYS)


def lapsed(queryset, today):
    """Live items whose review is overdue past the grace period, the most overdue first."""
    return falling_due(queryset, grace_ends(today) - datetime.timedelta(days=1))


def falling_due(queryset, by):
    """Live items whose review is due on or before ``by``, the most overdue first."""
    return queryset.filter(live=True, review_due__lte=by).order_by("review_due", "pk")


def changed_since_review(queryset):
    """Live items whose medical text readers see is not the text that was signed off."""
    return (
        queryset.filter(live=True)
        .exclude(reviewed_digest="")
        .exclude(reviewed_digest=F("live_digest"))
    )
