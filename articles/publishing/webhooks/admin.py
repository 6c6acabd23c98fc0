"""Webhook endpoints and their delivery log in the admin: editors' only (see roles.py)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from ..events import EVENTS
from ..sourcecheck.fetch import refusal
from .models import Webhook, WebhookDelivery


class WebhookForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=EVENTS, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Webhook
        fields = ["name", "url", "events", "active"]

    def clean_url(self):
        """Refused here, as the worker would refuse it at each delivery."""
        url = self.cleaned_data["url"]
        if reason := refusal(url, allow_private=settings.OUTBOUND_ALLOW_PRIVATE):
            raise forms.ValidationError(f"This address can't be sent to: {reason}.")
        return url


class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["name", "url", "event_labels", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]

    def get_readonly_fields(self, request, obj=None):
        # Revealed on the endpoint's page to whoever may change it: the receiver needs it.
        return ["secret", "created_at", "created_by"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """To the new endpoint's page, where its secret is shown for the receiver."""
        self.message_user(
            request,
            f"Endpoint “{obj}” added: copy its signing secret below into the receiver.",
            messages.SUCCESS,
        )
        opts = self.opts
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )


class WebhookDeliveryAdmin(admin.ModelAdmin):
    """Every attempt, as the worker made it: written only by the worker."""

    list_display = [
        "created_at", "webhook", "event", "attempt", "status_code", "duration_ms", "error",
        "next_attempt_at",
    ]  # fmt: skip
    list_filter = ["event", "webhook"]
    list_select_related = ["webhook"]
    search_fields = ["delivery_id", "error", "response_excerpt"]
    readonly_fields = [
        "webhook", "delivery_id", "event", "payload", "attempt", "status_code",
        "response_excerpt", "duration_ms", "error", "next_attempt_at", "created_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Webhook, WebhookAdmin)
admin.site.register(WebhookDelivery, WebhookDeliveryAdmin)
