from django import template
from django.utils.html import json_script
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def jsonld(value):
    """A JSON-LD script block, escaped exactly as Django's json_script escapes JSON.

    ``<``, ``>`` and ``&`` become unicode escapes, so no content can close the tag.
    """
    if not value:
        return ""
    html = json_script(value)
    return mark_safe(html.replace('type="application/json"', 'type="application/ld+json"', 1))  # noqa: S308
