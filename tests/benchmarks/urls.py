"""The site's URLs and /hello/: the smallest Django view, through the same middleware."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("hello/", hello), *site]
handler404 = "articles.errors.page_not_found"
handler500 = "articles.errors.server_error"
