"""What a page tells search engines and social networks in its <head>."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from . import jsonld


def site():
    """The site as JSON-LD and canonical links see it, from settings."""
    return jsonld.Site(
        url=settings.SITE_URL,
        name=settings.SITE_NAME,
        description=settings.SITE_DESCRIPTION,
        language=settings.SITE_LANGUAGE,
        organization_name=settings.ORGANIZATION_NAME,
        logo=settings.ORGANIZATION_LOGO,
        same_as=tuple(settings.ORGANIZATION_SAME_AS),
    )


@dataclass
class PageMeta:
    title: str
    description: str
    canonical: str
    og_type: str = "website"
    image: str = ""
    image_alt: str = ""
    noindex: bool = False
    published: datetime | None = None
    modified: datetime | None = None
    jsonld: dict | None = None


class PageMetaMixin:
    """Adds ``meta`` to a view's context; views supply ``get_page_meta()``."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meta"] = self.get_page_meta(context)
        return context

    def get_page_meta(self, context):
        raise NotImplementedError
