"""Telling people what happened to their work: admin notifications, e-mailed by the worker.

Rows are written in the caller's transaction, so a refused move tells no one; the mail
goes out from the task worker (``manage.py db_worker``), so no request waits on it, and
is sent once, retried when it fails (see delivery.py).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# ``deliver`` is named here too: tasks queued before it moved to delivery.py find it.
from .delivery import deliver
from .models import Comment, Notification, Transition


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def notify(recipients, verb, obj, actor, message):
    """One notification per recipient other than the actor, and one e-mail task for all."""
    people = {user for user in recipients if user is not None and user.is_active}
    people.discard(actor)
    if not people:
        return []
    url = change_url(obj)
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, actor=actor, verb=verb, message=message, url=url)
        for user in sorted(people, key=lambda user: user.pk)
    )
    deliver.enqueue([row.pk for row in rows])
    return rows


def holders(model, action):
    """Active users who may make ``action`` on this kind of item, through a group or directly."""
    opts = model._meta
    permission = Permission.objects.filter(
        content_type__app_label=opts.app_label, codename=f"{action}_{opts.model_name}"
    ).first()
    if permission is None:
        return []
    return list(
        get_user_model()
        .objects.filter(
            Q(groups__permissions=permission) | Q(user_permissions=permission), is_active=True
        )
        .distinct()
    )


def publishers(model):
    return holders(model, "publish")


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else "Someone"


def transition_made(obj, log):
    """Who hears of a move: editors of a submission, the owner of a decision."""
    who, title = _name(log.user), f"“{obj}”"
    if log.action == "submit":
        # Health content needs a clinician's sign-off too, so the clinicians hear of it.
        clinicians = holders(type(obj), "sign_off") if obj.needs_medical_review() else []
        notify(
            [*publishers(type(obj)), *clinicians], "submitted", obj, log.user,
            f"{who} sent {title} for review.",
        )  # fmt: skip
    elif log.action == "request_changes":
        notify(
            [obj.owner], "changes_requested", obj, log.user,
            f"{who} asked for changes to {title}: {log.note}",
        )  # fmt: skip
    elif log.action == "sign_off":
        notify(
            [obj.owner, *publishers(type(obj))], "signed_off", obj, log.user,
            f"{who} signed off the medical review of {title}"
            + (f": {log.note}" if log.note else "."),
        )  # fmt: skip
    elif log.action == "unpublish":
        notify(
            [obj.owner], "unpublished", obj, log.user,
            f"{who} took {title} down: readers no longer see it."
            + (f" {log.note}" if log.note else ""),
        )  # fmt: skip
    elif log.action == "trash":
        notify(
            [obj.owner], "trashed", obj, log.user,
            f"{who} moved {title} to the trash: an editor can restore it, with its "
            f"history, for {settings.TRASH_DAYS} days." + (f" {log.note}" if log.note else ""),
        )  # fmt: skip
    elif log.action == "expire":
        notify(
            [obj.owner, *publishers(type(obj))], "unpublished", obj, None,
            f"{title} came down at its Unpublish at: readers no longer see it.",
        )  # fmt: skip
    elif log.action == "publish":
        when = "is live" if obj.published_at <= timezone.now() else "is scheduled"
        notify([obj.owner], "published", obj, log.user, f"{who} published {title}: it {when}.")


def comment_added(obj, comment, name=None):
    """Everyone in the conversation hears of a comment: the owner, commenters, reviewers.

    ``name`` names a commenter without an account (an outside reviewer's feedback)."""
    users = get_user_model().objects
    commenters = Comment.objects.for_object(obj).values("user")
    movers = Transition.objects.for_object(obj).values("user")
    people = [obj.owner, *users.filter(Q(pk__in=commenters) | Q(pk__in=movers))]
    about = f" about {comment.field.replace('_', ' ')}" if comment.field else ""
    notify(
        people, "commented", obj, comment.user,
        f"{name or _name(comment.user)} commented on “{obj}”{about}: {comment.text}",
    )  # fmt: skip
