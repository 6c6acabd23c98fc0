"""Autosave: each person's unsaved form, one slot per item, offered back when the form
is opened again. Typing never makes a revision; only Save does."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.utils import timezone

from ..models import Autosave
from .forms import (
    BASE_FIELD,
    CONFIRM_FIELD,
    NOTE_FIELD,
    OVERWRITE_FIELD,
    PUBLISH_AT_FIELD,
    TRANSITION_FIELD,
)

# Posted with the form when a slot exists, so a save with none costs no query.
KEPT_FIELD = "_autosaved"
# What a form posts but is not the writer's text: the token, the moves and their notes,
# which buttons were pressed, and the preview's chosen width.
NOT_KEPT = {
    "csrfmiddlewaretoken", TRANSITION_FIELD, NOTE_FIELD, CONFIRM_FIELD, PUBLISH_AT_FIELD,
    OVERWRITE_FIELD, "_continue", "_save", "_addanother", "_preview_width", KEPT_FIELD,
}  # fmt: skip
# Far above any article (whose body is capped well below this), so only abuse is refused.
MAX_FIELDS = 2000
DISCARD = "_discard"


class AutosaveMixin:
    def _autosave_slot(self, request, obj):
        return {
            "user": request.user,
            "content_type": ContentType.objects.get_for_model(self.model),
            "object_id": obj.pk if obj is not None else 0,
        }

    def _autosave_context(self, request, obj):
        opts = self.opts
        name = f"admin:{opts.app_label}_{opts.model_name}"
        url = (
            reverse(f"{name}_autosave", args=[obj.pk])
            if obj is not None
            else reverse(f"{name}_autosave_new")
        )
        kept = Autosave.objects.filter(**self._autosave_slot(request, obj)).first()
        # Typed over an older version: restoring it and saving meets the usual conflict
        # check, which shows both versions before anything is replaced.
        stale = (
            kept is not None
            and obj is not None
            and kept.data.get(BASE_FIELD, [""])[:1] != [str(obj.latest_revision_id or "")]
        )
        return {"autosave_url": url, "autosave": kept, "autosave_stale": stale}

    def _forget_autosave(self, request, obj, added=False):
        """A save keeps the writer's text, so the slot has done its work: one query."""
        slot = self._autosave_slot(request, obj)
        # A new item's slot was filled before it had an id.
        ids = [obj.pk, 0] if added else [obj.pk]
        Autosave.objects.filter(
            user=slot["user"], content_type=slot["content_type"], object_id__in=ids
        ).delete()

    def autosave_view(self, request, object_id=None):
        """Keep (or, with _discard, forget) this person's unsaved form for the item."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if object_id is None:
            obj = None
            if not self.has_add_permission(request):
                raise PermissionDenied
        else:
            obj = self._object_or_404(request, object_id)
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        slot = self._autosave_slot(request, obj)
        if request.POST.get(DISCARD):
            Autosave.objects.filter(**slot).delete()
            return HttpResponse(status=204)
        data = {key: request.POST.getlist(key) for key in request.POST if key not in NOT_KEPT}
        data.pop(DISCARD, None)
        if len(data) > MAX_FIELDS:
            return JsonResponse({"error": "Too many fields to keep."}, status=400)
        now = timezone.now()
        Autosave.objects.update_or_create(**slot, defaults={"data": data, "saved_at": now})
        return JsonResponse({"saved_at": timezone.localtime(now).strftime("%H:%M")})
