"""The report of cited sources needing attention, for staff who may view articles; and
the link checker's findings beside each source row on the change form."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .. import analysis
from ..sourcecheck import report
from ..sourcecheck.models import for_urls


class SourceChecksMixin:
    source_report_template = "admin/articles/article/source_report.html"

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.source_report_view)
        name = f"{opts.app_label}_{opts.model_name}_source_report"
        return [path("sources/", view, name=name), *super().get_urls()]

    def source_report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        status = request.GET.get("status", "")
        status = status if status in report.FILTERS else ""
        live_only = request.GET.get("live") == "1"
        listed = report.rows(status, live_only)
        if request.GET.get("format") == "csv":
            return report.as_csv(listed)
        opts = self.model._meta
        here = reverse(f"admin:{opts.app_label}_{opts.model_name}_source_report")
        choices = [("", "Dead and moved"), ("dead", "Dead"), ("moved", "Moved")]
        context = {
            **self.admin_site.each_context(request),
            "title": "Sources needing attention",
            "opts": opts,
            "rows": listed,
            "counts": report.counts(),
            "status": status,
            "live_only": live_only,
            "filters": [
                (label, value == status, _query(value, live_only)) for value, label in choices
            ],  # fmt: skip
            "live_filters": [
                ("All items", not live_only, _query(status, False)),
                ("Live only", live_only, _query(status, True)),
            ],  # fmt: skip
            "csv_url": here + _query(status, live_only, "csv"),
        }
        return TemplateResponse(request, self.source_report_template, context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithSourceChecks(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                field = self.fields.get("sources")
                if field is not None and self.instance.pk is not None:
                    # What the checker last found at each stored source's addresses.
                    field.widget.checks = for_urls(
                        url
                        for source in self.instance.source_list
                        for _, url in analysis.source_addresses(source)
                    )

        WithSourceChecks.__name__ = form.__name__
        return WithSourceChecks


def _query(status, live_only, output=""):
    parts = [f"status={status}" if status else "", "live=1" if live_only else "",
             f"format={output}" if output else ""]  # fmt: skip
    joined = "&".join(part for part in parts if part)
    return f"?{joined}" if joined else "?"
