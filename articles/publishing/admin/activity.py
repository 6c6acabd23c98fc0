"""The activity report: who did what, when, filtered by person, item, kind and dates, a
page at a time, or all of it as CSV. For those who may read the workflow log (editors)."""

import csv

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import QueryDict, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .. import activity

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
PAGE_SIZE = 50


class ActivityFilters(forms.Form):
    user = forms.ModelChoiceField(
        get_user_model().objects.filter(is_staff=True).order_by("username"),
        required=False, label="Person", empty_label="Everyone",
    )  # fmt: skip
    kind = forms.ChoiceField(
        choices=[("", "Everything"), ("move", "Workflow moves"), ("edit", "Saves"),
                 ("comment", "Comments")],
        required=False, label="What",
    )  # fmt: skip
    since = forms.DateField(
        required=False, label="From", input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "01/12/2026", "size": 10}),
    )  # fmt: skip
    until = forms.DateField(
        required=False, label="To", input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "31/12/2026", "size": 10}),
    )  # fmt: skip
    # One item's activity: "articles.article:42", from its history page.
    item = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100)

    def clean_item(self):
        value = self.cleaned_data["item"]
        if not value:
            return None
        try:
            label, pk = value.split(":")
            app_label, model = label.split(".")
            return ContentType.objects.get_by_natural_key(app_label, model), int(pk)
        except (ValueError, ContentType.DoesNotExist):
            raise forms.ValidationError("That is not an item of this site.") from None

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("“From” is after “To”.")
        return cleaned

    def filters(self):
        data = self.cleaned_data
        content_type, object_id = data.get("item") or (None, None)
        return activity.Filters(
            user=data["user"].pk if data.get("user") else None,
            kind=data.get("kind") or "",
            content_type=content_type.pk if content_type else None,
            object_id=object_id,
            since=data.get("since"),
            until=data.get("until"),
        )


class _Echo:
    """A file whose write returns the line, for streaming csv.writer's output."""

    def write(self, value):
        return value


def _link(entry):
    model = ContentType.objects.get_for_id(entry.content_type_id)
    try:
        return reverse(f"admin:{model.app_label}_{model.model}_change", args=[entry.object_id])
    except NoReverseMatch:
        return ""


def _title(content_type, pk):
    model = content_type.model_class()
    found = model._base_manager.filter(pk=pk).values_list("title", flat=True).first()
    return found or f"{content_type.name} {pk} (deleted)"


def activity_view(request):
    if not request.user.has_perm("articles.view_transition"):
        raise PermissionDenied
    form = ActivityFilters(request.GET or None)
    valid = form.is_valid() if request.GET else True
    filters = form.filters() if request.GET and valid else activity.Filters()
    if valid and request.GET.get("format") == "csv":
        writer = csv.writer(_Echo())
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in activity.rows_for_csv(filters)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="activity-{stamp}.csv"'
        return response
    entries, more = [], False
    cursor = activity.parse_cursor(request.GET.get("before"))
    if valid:
        entries, more = activity.page(filters, cursor, PAGE_SIZE)
    for entry in entries:
        entry.link = _link(entry)
    params = request.GET.copy()
    params.pop("before", None)
    older = QueryDict(mutable=True)
    if more:
        older = params.copy()
        older["before"] = entries[-1].cursor
    csv_params = params.copy()
    csv_params["format"] = "csv"
    item = form.cleaned_data.get("item") if valid and request.GET else None
    context = {
        **admin.site.each_context(request),
        "title": "Activity",
        "form": form,
        "entries": entries,
        "older_url": f"?{older.urlencode()}" if more else "",
        "newest_url": f"?{params.urlencode()}" if cursor else "",
        "csv_url": f"?{csv_params.urlencode()}",
        "item": _title(*item) if item else None,
        "labels": activity.LABELS,
    }
    return TemplateResponse(request, "admin/activity.html", context)


view = admin.site.admin_view(activity_view)
