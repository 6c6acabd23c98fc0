"""Webhook endpoints and the log of every delivery attempt to them."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..events import EVENTS

# What the log keeps of an endpoint's answer: enough to see why it failed.
EXCERPT_LIMIT = 500


def new_secret():
    return "whsec_" + secrets.token_hex(32)


class Webhook(models.Model):
    name = models.CharField(max_length=100)
    url = models.URLField("endpoint URL", max_length=2000)
    events = models.JSONField(default=list, help_text="The events this endpoint is sent.")
    # Made on creation; the receiver checks each delivery's signature with it.
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        editable=False, related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def event_labels(self):
        labels = dict(EVENTS)
        return ", ".join(labels.get(event, event) for event in self.events)


class WebhookDelivery(models.Model):
    """One attempt to deliver one event to one endpoint."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    # The same for every attempt at one event, sent as the Webhook-Id header.
    delivery_id = models.CharField(max_length=32, db_index=True)
    event = models.CharField(max_length=20)
    payload = models.JSONField()
    attempt = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=EXCERPT_LIMIT, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # When the next attempt is due; empty once delivered or given up.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.event} to {self.webhook}, attempt {self.attempt}"

    @property
    def delivered(self):
        return self.status_code is not None and 200 <= self.status_code < 300
