"""The API's instance and URLs, mounted at /api/v1/ by config/urls.py."""

from django.conf import settings
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from .routes import LIST_PARAMETERS, router

LISTS = {"articles", "faqs", "topics", "authors"}


class EscapedJSONRenderer(JSONRenderer):
    """JSON with <, > and & escaped, as Django's json_script does: a body's HTML can never
    read as markup, even to a client that sniffs the type."""

    def render(self, request, data, *, response_status):
        text = super().render(request, data, response_status=response_status)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


api = NinjaAPI(
    title=f"{settings.SITE_NAME} content API",
    version="1.0.0",
    description="Published articles, questions and answers, topics and authors, read-only.",
    urls_namespace="api-v1",
    renderer=EscapedJSONRenderer(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", router)


def urls():
    """The URL patterns, each list's view naming the query parameters that are part of
    its address in the page cache (see pagecache/middleware.py address())."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if getattr(pattern, "name", None) in LISTS:
            pattern.callback.address_parameters = LIST_PARAMETERS
    return patterns, app_name, namespace
