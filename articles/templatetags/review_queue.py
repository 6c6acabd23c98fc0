from django import template
from django.urls import reverse

from articles.models import Article, Status, part_model
from articles.publishing.workflow import permission_name

FAQEntry = part_model("faqs")  # through the reverse relation: no import of faq

register = template.Library()

LIMIT = 10


@register.simple_tag(takes_context=True)
def review_queue(context):
    """What waits for this user's review, oldest first; None for users who cannot publish."""
    user = context["request"].user
    models = [m for m in (Article, FAQEntry) if user.has_perm(permission_name(m, "publish"))]
    if not models:
        return None
    queue = []
    for model in models:
        opts = model._meta
        waiting = model.objects.filter(status=Status.IN_REVIEW).order_by("updated_at")
        queue += [
            {
                "title": str(obj),
                "kind": opts.verbose_name,
                "since": obj.updated_at,
                "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
            }
            for obj in waiting[:LIMIT]
        ]
    return sorted(queue, key=lambda item: item["since"])[:LIMIT]
