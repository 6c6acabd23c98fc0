"""Who else has the change form open, for the heartbeat the form sends."""

from django.http import JsonResponse
from django.utils.timezone import localtime

from .. import presence
from ..models import Revision


class PresenceMixin:
    def presence_view(self, request, object_id):
        """Heartbeat from an open change form: who else is here, and the latest revision."""
        obj = self._object_or_404(request, object_id)
        if request.method == "POST" and request.POST.get("leave"):
            presence.leave(obj, request.user)
            return JsonResponse({"ok": True})
        others = presence.touch(obj, request.user)
        latest = None
        if obj.latest_revision_id:
            latest = (
                Revision.objects.select_related("user")
                .defer("content")
                .get(pk=obj.latest_revision_id)
            )
        return JsonResponse({
            "editors": [
                {"name": e["name"], "since": localtime(e["since"]).strftime("%H:%M")}
                for e in others
            ],
            "latest_revision": latest.pk if latest else None,
            "latest_by": latest.author_name if latest else None,
            "latest_by_me": bool(latest and latest.user_id == request.user.pk),
            "latest_at": localtime(latest.created_at).strftime("%H:%M") if latest else None,
        })  # fmt: skip
