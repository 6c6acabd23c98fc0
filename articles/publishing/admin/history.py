"""History of a page (revisions, moves and comments on one timeline), comparing two
revisions, and restoring an old one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from .. import diff, revisions
from ..models import Comment, Transition
from ..workflow import TRANSITIONS
from .forms import _int

HISTORY_PAGE_SIZE = 50


class HistoryMixin:
    def history_view(self, request, object_id, extra_context=None):
        """One timeline of revisions and transitions, newest first, a page at a time."""
        obj = self._object_or_404(request, object_id)
        queryset = obj.revisions().select_related("user").defer("content")
        page = Paginator(queryset, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
        revisions_shown = list(page.object_list)
        moves = Transition.objects.for_object(obj)
        remarks = Comment.objects.for_object(obj)
        # Each page shows the moves and comments from its oldest revision up to the
        # previous page's oldest, so every one lands on exactly one page.
        if page.has_next() and revisions_shown:
            moves = moves.filter(created_at__gte=revisions_shown[-1].created_at)
            remarks = remarks.filter(created_at__gte=revisions_shown[-1].created_at)
        if page.has_previous():
            newer = queryset[page.start_index() - 2]  # the previous page's oldest
            moves = moves.filter(created_at__lt=newer.created_at)
            remarks = remarks.filter(created_at__lt=newer.created_at)
        timeline = [("revision", r.created_at, r) for r in revisions_shown]
        timeline += [("transition", t.created_at, t) for t in moves.select_related("revision")]
        timeline += [("comment", c.created_at, c) for c in remarks]
        timeline.sort(key=lambda entry: (entry[1], entry[0] == "transition"), reverse=True)
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": opts,
            "timeline": timeline,
            "page_obj": page,
            "may_restore": self.has_change_permission(request, obj),
            "compare_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_compare", args=[obj.pk]
            ),
            "restore_url_name": f"admin:{opts.app_label}_{opts.model_name}_restore",
            "moves": {action: move.done for action, move in TRANSITIONS.items()},
            "stateless": [action for action, move in TRANSITIONS.items() if not move.shows_states],
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id):
        """Two revisions field by field; by default, the live version against the latest."""
        obj = self._object_or_404(request, object_id)
        new_id = request.GET.get("to") or obj.latest_revision_id
        # By default, what a reviewer needs: the changes since the live version,
        # or, for an item never published, since the revision before.
        old_id = (
            request.GET.get("from")
            or obj.live_revision_id
            or (obj.revisions().exclude(pk=_int(new_id)).values_list("pk", flat=True).first())
        )
        chosen = {
            r.pk: r
            for r in obj.revisions().select_related("user").filter(pk__in=[
                i for i in (old_id, new_id) if str(i or "").isdigit()
            ])
        }  # fmt: skip
        old, new = chosen.get(_int(old_id)), chosen.get(_int(new_id))
        fields, parts = ([], [])
        if old is not None and new is not None:
            fields, parts = diff.compare(self.model, old.content, new.content)
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare versions: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": opts,
            "old": old,
            "new": new,
            "fields": fields,
            "parts": parts,
            "is_live_comparison": old is not None
            and old.pk == obj.live_revision_id
            and new is not None
            and new.pk == obj.latest_revision_id,
            "history_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]
            ),
            "may_restore": self.has_change_permission(request, obj),
            "restore_url_name": f"admin:{opts.app_label}_{opts.model_name}_restore",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/publishing/compare.html", context)

    def restore_view(self, request, object_id, revision_id):
        """Make an old revision the working copy again; publishing it is a separate step."""
        if request.method != "POST":
            return JsonResponse({"error": "POST required."}, status=405)
        obj = self._object_or_404(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        revision = get_object_or_404(obj.revisions(), pk=revision_id)
        with transaction.atomic():
            new = revisions.restore(obj, revision, request.user)
        obj.refresh_from_db()
        if new is None:
            self.message_user(request, "That version is already the working copy.", messages.INFO)
        elif obj.live:
            self.message_user(
                request,
                f"Revision {revision.pk} restored as draft changes. The live page is "
                "unchanged until they are reviewed and published.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, f"Revision {revision.pk} restored as the working copy.", messages.SUCCESS
            )
        opts = self.opts
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )
