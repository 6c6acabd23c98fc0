"""Share links: a secret address at which someone without an account (a clinician, a
lawyer) reads an item's working copy as readers will see it, and leaves feedback.

The token is 256 random bits, shown once to the person who makes the link; only its
SHA-256 digest is stored, so the table alone opens nothing. A link dies at its expiry,
when it is revoked, and with its item. Each app says how its items are shown through
``page_for``, so this module never imports the apps that use it.
"""

import datetime
import hashlib
import logging
import secrets

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_delete
from django.utils import timezone

from . import notify
from .models import Comment, ShareLink, Status

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32
DEFAULT_DAYS = 7
MAX_DAYS = 30
LABEL_MAX_LENGTH = 100
# Feedback through one link: enough for a thorough reviewer, not for a flood.
MAX_FEEDBACK = 50
FEEDBACK_MAX_LENGTH = 4000
NAME_MAX_LENGTH = 100

_pages = {}


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def make(obj, user, days=DEFAULT_DAYS, label=""):
    """A new link to ``obj``, and its token: the only time the token is known."""
    days = max(1, min(int(days), MAX_DAYS))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        token_digest=digest(token),
        label=label.strip()[:LABEL_MAX_LENGTH],
        created_by=user,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    logger.info("Share link %s made for %s %s by %s", link.pk, link.content_type_id,
                obj.pk, user.pk if user else None)  # fmt: skip
    return link, token


def find(token):
    """The active link with this token, or None: unknown, expired and revoked alike."""
    if not token or len(token) > 100:
        return None
    return (
        ShareLink.objects.active().select_related("content_type")
        .filter(token_digest=digest(token)).first()
    )  # fmt: skip


def item(link):
    """The linked item, or None once it is deleted or in the trash (or its kind is shared
    no more)."""
    model = link.content_type.model_class()
    if model not in _pages:
        return None
    _render, queryset = _pages[model]
    return queryset().filter(pk=link.object_id).exclude(status=Status.TRASHED).first()


def active_for(obj):
    return ShareLink.objects.for_object(obj).active().select_related("created_by")


def revoke(link, user):
    """Withdraw the link now; revoking it twice changes nothing."""
    done = ShareLink.objects.filter(pk=link.pk, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_by=user
    )
    if done:
        logger.info("Share link %s revoked by %s", link.pk, user.pk if user else None)
    return bool(done)


def opened(link):
    """Count an opening, and log it: when, and which link; nothing about who."""
    now = timezone.now()
    ShareLink.objects.filter(pk=link.pk).update(
        opened_count=F("opened_count") + 1, last_opened_at=now
    )
    logger.info("Share link %s opened", link.pk)


def leave_feedback(link, obj, name, text, email=""):
    """Feedback from the link's visitor, as a comment on the item that tells its owner.

    The comment has no user: the visitor's name (and address, if given) opens its text.
    Returns the comment, or None once the link has taken its share of feedback.
    """
    with transaction.atomic():
        counted = ShareLink.objects.filter(pk=link.pk, feedback_count__lt=MAX_FEEDBACK).update(
            feedback_count=F("feedback_count") + 1
        )
        if not counted:
            return None
        who = f"{name} <{email}>" if email else name
        via = f" “{link.label}”" if link.label else ""
        comment = Comment.objects.create(
            content_type=link.content_type,
            object_id=obj.pk,
            text=f"{who}, through the share link{via}:\n\n{text}",
        )
        notify.comment_added(obj, comment, name=f"{name} (outside reviewer)")
    logger.info("Feedback through share link %s: comment %s", link.pk, comment.pk)
    return comment


def page_for(model, queryset=None):
    """Register how ``model``'s items are shown: ``render(request, item, context)`` returns
    the page readers will see, made from the item's working copy, with ``context`` (the
    link, the feedback form) added. ``queryset()`` fetches the item, with what it shows."""

    def register(render):
        _pages[model] = (render, queryset or model._default_manager.all)
        return render

    return register


def _forget(sender, instance, **kwargs):
    """A deleted item's links go with it (they already open nothing: see ``item``)."""
    ShareLink.objects.for_object(instance).delete()


def watch(*models):
    """Delete the links of these models' items with them; called from the apps' ready()."""
    for model in models:
        post_delete.connect(_forget, sender=model, dispatch_uid=f"share-links-{model.__name__}")


def render(request, obj, context):
    render_page, _queryset = _pages[type(obj)]
    return render_page(request, obj, context)
