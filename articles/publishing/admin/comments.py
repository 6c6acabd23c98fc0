"""Comments on the change form: threads, replies, resolving."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
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
# The change form shows the latest few threads and links to the rest: an item with a
# long conversation would otherwise render every thread, with its forms, on each open.
COMMENTS_SHOWN = 5
# Threads on each page of the list of every comment.
COMMENTS_PAGE_SIZE = 50
# A posted form's way back to the list of every comment rather than to the change form.
FROM_LIST = "list"


def _threads(obj):
    return Comment.objects.for_object(obj).filter(parent=None)


class CommentsMixin:
    def _comment_context(self, request, obj, page=None):
        """The latest COMMENTS_SHOWN threads, oldest first as a conversation reads, or the
        threads of ``page`` of the list of every comment; the counts are of every thread."""
        every = _threads(obj)
        counts = every.aggregate(
            total=Count("pk"), open=Count("pk", filter=Q(resolved_at__isnull=True))
        )
        if page is None:
            latest = every.order_by("-created_at", "-pk").prefetch_related("replies__user")
            threads = list(latest[:COMMENTS_SHOWN])[::-1]
        else:
            threads = page.object_list
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
            "comment_count": counts["total"],
            "comments_hidden": counts["total"] - len(threads),
            "open_comments": counts["open"],
            "comment_list": page is not None,
            "comment_list_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_comment", args=[obj.pk]
            ),
            "comment_fields": fields,
            "comment_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_comment", args=[obj.pk]
            ),
            "resolve_url_name": f"admin:{opts.app_label}_{opts.model_name}_resolve_comment",
            "may_resolve": self._may_resolve(request, obj),
        }

    def _may_resolve(self, request, obj):
        return self.has_change_permission(request, obj) or self.has_publish_permission(request)

    def _comments_answer(self, request, obj, notice, comment):
        """The page again, at the comment; or, asked by the change form's script, only the
        comments, so the form around them (and what is typed in it) stays as it is; or,
        posted from the list of every comment, that list at the comment."""
        anchor = f"comment-{comment.pk}"
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
        if request.POST.get("next") == FROM_LIST:
            return HttpResponseRedirect(
                f"{self._comment_list_at(obj, comment.parent or comment)}#{anchor}"
            )
        back = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        return HttpResponseRedirect(f"{back}#{anchor}")

    def _comment_list_at(self, obj, thread):
        """The address of the page of the list of every comment that holds ``thread``."""
        earlier = (
            _threads(obj)
            .filter(
                Q(created_at__lt=thread.created_at)
                | Q(created_at=thread.created_at, pk__lt=thread.pk)
            )
            .count()
        )
        opts = self.opts
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_comment", args=[obj.pk])
        return f"{url}?page={earlier // COMMENTS_PAGE_SIZE + 1}"

    def comment_list_view(self, request, obj):
        """Every thread, a page at a time, with the same reply and resolve forms."""
        threads = _threads(obj).prefetch_related("replies__user")
        page = Paginator(threads, COMMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            **self._comment_context(request, obj, page),
            "title": f"Comments: {obj}",
            "subtitle": None,
            "original": obj,
            "object": obj,
            "opts": opts,
            "page_obj": page,
            "change_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]
            ),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/publishing/comment_list.html", context)

    def comment_view(self, request, object_id):
        """Add a comment, or a reply to one, and tell the people in the conversation; a GET
        lists every comment."""
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        obj = self._object_or_404(request, object_id)
        if request.method != "POST":
            return self.comment_list_view(request, obj)
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
        return self._comments_answer(request, obj, "Comment added.", comment)

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
        return self._comments_answer(request, obj, "Comment resolved.", comment)
