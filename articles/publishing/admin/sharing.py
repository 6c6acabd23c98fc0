"""Share links on the change form: made, listed and revoked by those who may publish."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from .. import sharing
from ..models import ShareLink

DAY_CHOICES = [(1, "1 day"), (3, "3 days"), (7, "7 days"), (14, "14 days"),
               (sharing.MAX_DAYS, f"{sharing.MAX_DAYS} days")]  # fmt: skip


class ShareLinkForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Expires after", choices=DAY_CHOICES, coerce=int, initial=sharing.DEFAULT_DAYS
    )
    label = forms.CharField(
        label="For (optional)", max_length=sharing.LABEL_MAX_LENGTH, required=False,
        widget=forms.TextInput(attrs={"placeholder": "For Dr Lee", "size": 30}),
    )  # fmt: skip


class SharingMixin:
    def may_share(self, request):
        """Links open unpublished text to anyone holding them: a publisher's call."""
        return self.has_publish_permission(request)

    def _sharing_context(self, request, obj):
        if not self.may_share(request):
            return {}
        opts = self.opts
        return {
            "share_links": list(sharing.active_for(obj)),
            "share_form": ShareLinkForm(auto_id="id_share_%s"),
            "share_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_share", args=[obj.pk]),
            "revoke_url_name": f"admin:{opts.app_label}_{opts.model_name}_revoke_share",
        }

    def _back_to_links(self, obj):
        opts = self.opts
        back = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        return HttpResponseRedirect(f"{back}#sharing")

    def share_view(self, request, object_id):
        """Make a link, and show its address once: only its digest is kept."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._object_or_404(request, object_id)
        if not self.may_share(request):
            raise PermissionDenied
        form = ShareLinkForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Choose how long the link lasts.", messages.ERROR)
            return self._back_to_links(obj)
        link, token = sharing.make(obj, request.user, **form.cleaned_data)
        url = request.build_absolute_uri(reverse("share", args=[token]))
        until = date_format(timezone.localtime(link.expires_at), "j M Y, H:i")
        self.message_user(
            request,
            f"Share link made{f' ({link.label})' if link.label else ''}, until {until}: "
            f"{url} — copy it now; it is not shown again.",
            messages.SUCCESS,
        )
        return self._back_to_links(obj)

    def revoke_share_view(self, request, object_id, link_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._object_or_404(request, object_id)
        if not self.may_share(request):
            raise PermissionDenied
        link = get_object_or_404(ShareLink.objects.for_object(obj), pk=link_id)
        sharing.revoke(link, request.user)
        self.message_user(request, f"Share link “{link}” revoked.", messages.SUCCESS)
        return self._back_to_links(obj)
