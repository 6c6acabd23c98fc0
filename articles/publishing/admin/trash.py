"""Delete is the trash, on the admin: a confirmation that says what happens (410, or a
301 the editor names) and that it can be undone; the trashed item's page, read-only,
with Restore and, for editors, Delete for good; the list's "In the trash" filter; and
the bulk action. See publishing/trash.py for the rest."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .. import trash
from ..models import Status
from ..workflow import InvalidTransition

NOTE_FIELD = "note"
REDIRECT_FIELD = "redirect_to"


def _local_path(value):
    """A path on this site from what the editor wrote (a path or one of our URLs), or
    None when it points elsewhere or is no path."""
    value = (value or "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    site = urlsplit(settings.SITE_URL)
    if parts.scheme or parts.netloc:
        if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@admin.action(
    description="Move selected %(verbose_name_plural)s to the trash", permissions=["delete"]
)
def bulk_trash(modeladmin, request, queryset):
    done = 0
    for obj in queryset.exclude(status=Status.TRASHED):
        try:
            trash.trash(obj, request.user)
            done += 1
        except (PermissionDenied, InvalidTransition) as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
    if done:
        modeladmin.message_user(
            request,
            f"Moved {done} item(s) to the trash; they can be restored for "
            f"{settings.TRASH_DAYS} days.",
            messages.SUCCESS,
        )


class TrashMixin:
    def trash_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/untrash/", wrap(self.untrash_view), name=f"{name}_untrash"),
            path("<path:object_id>/purge/", wrap(self.purge_view), name=f"{name}_purge"),
        ]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        # Django's own deletes for good; ours (bulk_trash) goes to the trash.
        actions.pop("delete_selected", None)
        return actions

    def has_change_permission(self, request, obj=None):
        # What is in the trash is read, restored or deleted for good; never edited.
        if obj is not None and obj.status == Status.TRASHED:
            return False
        return super().has_change_permission(request, obj)

    def _trash_context(self, request, obj):
        if obj is None or obj.status != Status.TRASHED:
            return None
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        return {
            "since": obj.trashed_at,
            "emptied_on": trash.emptied_on(obj),
            "may_restore": self.has_delete_permission(request, obj),
            "untrash_url": reverse(f"{name}_untrash", args=[obj.pk]),
            "purge_url": reverse(f"{name}_purge", args=[obj.pk]),
        }

    def delete_view(self, request, object_id, extra_context=None):
        """Not Django's delete: the confirmation moves the item to the trash."""
        obj = self._object_or_404(request, object_id)
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        change = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        if obj.status == Status.TRASHED:
            return HttpResponseRedirect(change)
        if obj.revision_parent() is not None:
            parent = obj.revision_parent()
            self.message_user(
                request,
                f"“{obj}” is part of “{parent}”: remove it on that article's form, so the "
                "change is reviewed with it.",
                messages.WARNING,
            )
            return HttpResponseRedirect(change)
        error = ""
        if request.method == "POST":
            target = _local_path(request.POST.get(REDIRECT_FIELD))
            if target is None:
                error = "Give a path on this site, such as /articles/sleep/, or leave it empty."
            else:
                try:
                    trash.trash(obj, request.user, request.POST.get(NOTE_FIELD, ""), target)
                except (PermissionDenied, InvalidTransition) as refused:
                    error = str(refused)
                else:
                    self._tell_trashed(request, obj)
                    return HttpResponseRedirect(
                        reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": f"Move “{obj}” to the trash?",
            "address": trash.address(obj),
            "live": obj.live,
            "days": settings.TRASH_DAYS,
            "error": error,
            "posted": request.POST if request.method == "POST" else {},
            "note_field": NOTE_FIELD,
            "redirect_field": REDIRECT_FIELD,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/publishing/trash_confirm.html", context)

    def _tell_trashed(self, request, obj):
        obj.refresh_from_db()
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        self.message_user(
            request,
            format_html(
                "Moved “{}” to the trash. It can be restored, with its history, until {}. "
                '<a href="{}">Open it to restore</a>.',
                obj,
                trash.emptied_on(obj).strftime("%d/%m/%Y"),
                reverse(f"{name}_change", args=[obj.pk]),
            ),
            messages.SUCCESS,
        )
        self._tell_if_unshared(request)

    def untrash_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._object_or_404(request, object_id)
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        change = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        try:
            trash.restore(obj, request.user)
        except InvalidTransition as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                f"Restored “{obj}” from the trash as a draft, with its history. Publishing "
                "it again goes through review.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(change)

    def purge_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._object_or_404(request, object_id)
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        if obj.status != Status.TRASHED:
            self.message_user(request, "Only what is in the trash can be deleted for good.")
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
            )
        title = str(obj)
        trash.purge(obj)
        self.message_user(request, f"Deleted “{title}” for good, with its history.")
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )
