from django import template

from articles.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    """How many notifications this staff user has not read; None for anyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (user.is_authenticated and user.is_staff):
        return None
    return Notification.objects.filter(recipient=user, read_at=None).count()
