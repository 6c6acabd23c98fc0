"""Comments on the change form: threads, replies, resolving."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst

from .. import notify, revisions
from ..models import Comment
from .forms import _int

COMMENT_MAX_LENGTH = 5000


class CommentsMixin:
    def _comment_context(self, request, obj):
        threads = list(
            Comment.objects.for_object(obj).filter(parent=None).prefetch_related("replies__user")
        )
        opts = self.opts
        fields = [
            (field.name, capfirst(field.verbose_name)) for field in self.model.content_fields()
        ]
        # Each thread names its field as the form's label does ("Meta title").
        labels = dict(fields)
        for thread in threads:
            thread.field_label = labels.get(thread.field, thread.field)
        return {
            "comment_threads": threads,
            "open_comments": sum(1 for thread in threads if thread.resolved_at is None),
            "comment_fields": fields,
            "comment_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_comment", args=[obj.pk]
            ),
            "resolve_url_name": f"admin:{opts.app_label}_{opts.model_name}_resolve_comment",
            "may_resolve": self._may_resolve(request, obj),
        }

    def _may_resolve(self, request, obj):
        return self.has_change_permission(request, obj) or self.has_publish_permission(request)

    def _comments_answer(self, request, obj, notice, anchor):
        """The page again, at the comment; or, asked by the change form's script, only the
        comments, so the form around them (and what is typed in it) stays as it is."""
        if request.headers.get("X-Requested-With") == "fetch":
            context = {
                **self.admin_site.each_context(request),
                **self._comment_context(request, obj),
                "original": obj,
                "opts": self.opts,
                "focus": anchor,
            }
            response = TemplateResponse(request, "admin/publishing/comments.html", context)
            response["X-Notice"] = notice
            return response
        self.message_user(request, notice, messages.SUCCESS)
        back = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        return HttpResponseRedirect(f"{back}#{anchor}")

    def comment_view(self, request, object_id):
        """Add a comment, or a reply to one, and tell the people in the conversation."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._object_or_404(request, object_id)
        text = revisions.normalize_text(request.POST.get("text", ""))[:COMMENT_MAX_LENGTH]
        back = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        if not text:
            if request.headers.get("X-Requested-With") == "fetch":
                return HttpResponse("Write something to comment.", status=400)
            self.message_user(request, "Write something to comment.", messages.ERROR)
            return HttpResponseRedirect(back + "#comments")
        fields = {field.name for field in self.model.content_fields()}
        field = request.POST.get("field", "")
        parent = None
        if parent_id := _int(request.POST.get("parent")):
            parent = Comment.objects.for_object(obj).filter(pk=parent_id).first()
            # Replies form one level under the comment they answer.
            parent = parent.parent or parent if parent else None
        with transaction.atomic():
            comment = Comment.objects.create(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=obj.pk,
                parent=parent,
                user=request.user,
                field=field if field in fields else "",
                text=text,
            )
            notify.comment_added(obj, comment)
        return self._comments_answer(request, obj, "Comment added.", f"comment-{comment.pk}")

    def resolve_comment_view(self, request, object_id, comment_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._object_or_404(request, object_id)
        comment = get_object_or_404(Comment.objects.for_object(obj), pk=comment_id, parent=None)
        if not (self._may_resolve(request, obj) or comment.user == request.user):
            raise PermissionDenied
        Comment.objects.filter(pk=comment.pk, resolved_at=None).update(
            resolved_at=timezone.now(), resolved_by=request.user
        )
        return self._comments_answer(request, obj, "Comment resolved.", f"comment-{comment.pk}")
