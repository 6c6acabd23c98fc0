"""The change form's own fields: what it posts beside the model's, how its text is
stored, and the check that refuses a save made on top of a newer revision."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .. import revisions
from ..models import Revision

TRANSITION_FIELD = "_transition"
# Publishing past "improve" checks is a choice the editor makes on the form.
CONFIRM_FIELD = "_publish_despite_advice"
NOTE_FIELD = "_transition_note"
PUBLISH_AT_FIELD = "_publish_at"
BASE_FIELD = "_base_revision"
OVERWRITE_FIELD = "_overwrite"
MESSAGE_FIELD = "_revision_message"


class NormalizedNewlines:
    """Form fields that store text with LF endings, as browsers post CRLF: no phantom changes."""

    def to_python(self, value):
        return revisions.normalize_text(super().to_python(value))


_normalized_classes = {}


def normalize_newlines(formfield):
    if formfield is None or not isinstance(formfield, forms.CharField):
        return formfield
    cls = type(formfield)
    if cls not in _normalized_classes:
        _normalized_classes[cls] = type(f"Normalized{cls.__name__}", (NormalizedNewlines, cls), {})
    formfield.__class__ = _normalized_classes[cls]
    return formfield


def _minute(value):
    return value.replace(second=0, microsecond=0) if hasattr(value, "replace") else value


class MomentField(forms.DateTimeField):
    """A date and time in one box, as the site writes them (24/12/2026 09:30, en-GB), or
    ISO 8601: the Unpublish at field, written as the Publish at box beside Publish is."""

    widget = forms.DateTimeInput(
        format="%d/%m/%Y %H:%M",
        attrs={"size": 16, "autocomplete": "off", "placeholder": "24/12/2026 09:30"},
    )

    def has_changed(self, initial, data):
        # The box shows minutes: a stored time with seconds, posted back, is not a change.
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        return _minute(initial) != _minute(data)

    def to_python(self, value):
        if isinstance(value, str) and (parsed := parse_datetime(value.strip())):
            return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                f"“{value}” is not a date and time: write it as day/month/year and time, "
                "such as 24/12/2026 09:30.",
                code="invalid",
            ) from None


# Search fields sized so the whole text shows: a 160-character description in one box.
SEO_WIDGETS = {
    "meta_description": forms.Textarea(attrs={"rows": 3, "cols": 80}),
    "meta_title": forms.TextInput(attrs={"size": 80}),
    "focus_keyword": forms.TextInput(attrs={"size": 40}),
}


class NormalizedTextMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in SEO_WIDGETS:
            kwargs["widget"] = SEO_WIDGETS[db_field.name]
        return normalize_newlines(super().formfield_for_dbfield(db_field, request, **kwargs))


class StaleCheckForm(forms.ModelForm):
    """Refuses a save made on top of a newer revision than the one the form was opened on."""

    conflict = None
    posted = None

    def clean_expires_at(self):
        value = self.cleaned_data.get("expires_at")
        if "expires_at" not in self.changed_data:
            # The box shows minutes: a time posted back unchanged keeps its seconds.
            return self.get_initial_for_field(self.fields["expires_at"], "expires_at")
        # Only a new or moved time: an item that came down keeps the time it came down at.
        if value is not None and "expires_at" in self.changed_data and value <= timezone.now():
            raise ValidationError("Unpublish at must be in the future.", code="past")
        return value

    def clean(self):
        cleaned = super().clean()
        if self.posted is None or self.instance.pk is None:
            return cleaned
        # A post that does not say which revision it was opened on is treated as stale.
        base = self.posted.get(BASE_FIELD) or None
        latest = self.instance.latest_revision_id
        if latest is None or str(latest) == str(base or ""):
            return cleaned
        if self.posted.get(OVERWRITE_FIELD) == str(latest):
            return cleaned  # the editor has seen the newer version and replaces it
        revision = Revision.objects.select_related("user").get(pk=latest)
        self.conflict = revision
        raise ValidationError(str(revisions.StaleRevision(revision)), code="stale")


def _int(value):
    return int(value) if str(value or "").isdigit() else None


def _parse_moment(value):
    """The Publish at field's value as an aware datetime, or None when empty.

    Written as the site's locale writes dates (en-GB: 24/12/2026 09:30), as the rest of
    the admin does; ISO 8601 (2026-12-24T09:30) is accepted too.
    """
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value) or forms.DateTimeField().to_python(value)
    except (ValueError, ValidationError):
        parsed = None
    if parsed is None:
        raise ValidationError(
            f"“{value}” is not a date and time: write it as day/month/year and time, "
            "such as 24/12/2026 09:30."
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed <= timezone.now():
        return None  # a time already past means now
    return parsed
