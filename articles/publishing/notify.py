"""Telling people what happened to their work: admin notifications, e-mailed by the worker.

Rows are written in the caller's transaction, so a refused move tells no one; the mail
goes out from the task worker (``manage.py db_worker``), so no request waits on it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from .models import Comment, Notification, Transition
from .text import one_line

# Long enough for the sentence a mail client shows in its list, not more.
SUBJECT_LIMIT = 120


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
    elif log.action == "publish":
        when = "is live" if obj.published_at <= timezone.now() else "is scheduled"
        notify([obj.owner], "published", obj, log.user, f"{who} published {title}: it {when}.")


def comment_added(obj, comment):
    """Everyone in the conversation hears of a comment: the owner, commenters, reviewers."""
    users = get_user_model().objects
    commenters = Comment.objects.for_object(obj).values("user")
    movers = Transition.objects.for_object(obj).values("user")
    people = [obj.owner, *users.filter(Q(pk__in=commenters) | Q(pk__in=movers))]
    about = f" about {comment.field.replace('_', ' ')}" if comment.field else ""
    notify(
        people, "commented", obj, comment.user,
        f"{_name(comment.user)} commented on “{obj}”{about}: {comment.text}",
    )  # fmt: skip


def subject(notification):
    """One line: a title or comment with a line break in it would make the header invalid."""
    return one_line(f"[{settings.SITE_NAME}] {notification.message}", SUBJECT_LIMIT)


@task()
def deliver(notification_ids):
    """E-mail each notification not yet sent to a recipient who has an address."""
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient")
    for notification in pending:
        address = notification.recipient.email
        if address:
            send_mail(
                subject(notification),
                f"{notification.message}\n\nOpen it: {settings.SITE_URL}{notification.url}\n",
                None,
                [address],
            )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return len(notification_ids)
