from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from articles import account, sitemaps
from articles.api.urls import urls as api_urls
from articles.publishing import editor, indexnow
from articles.publishing.admin import activity
from articles.publishing.library.media import serve_media
from articles.views import llms_txt, robots_txt, shared_page
from faq.sitemaps import FAQSitemap

SITEMAPS = {
    "pages": sitemaps.PagesSitemap,
    "articles": sitemaps.ArticleSitemap,
    "topics": sitemaps.TopicSitemap,
    "authors": sitemaps.AuthorSitemap,
    "faq": FAQSitemap,
}

admin.site.site_header = f"{settings.SITE_NAME} editorial"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Editorial desk"
# The home page is the desk; the side menu repeats it and takes a third of a laptop screen.
admin.site.enable_nav_sidebar = False

# Renders without the database: an outage gets a 503 page, not a bare 500.
handler500 = "articles.errors.server_error"
handler404 = "articles.errors.page_not_found"

urlpatterns = [
    # Any staff user's own name and address, beside the admin's own pages.
    path("admin/account/", account.view, name="account"),
    # Who did what, when: editors' report of moves, saves and comments, and its CSV.
    path("admin/activity/", activity.view, name="activity"),
    # The code page after the password, and enrolling a second factor.
    path("admin/", include("twofactor.urls")),
    # Passkeys' registration and second step, asked by the browser's script; outside
    # /admin/ so that the half-signed-in can reach them (each view checks who may).
    path("webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path("admin/", admin.site.urls),
    # Same paths markdownx's widget calls, served by the staff-only views.
    path("markdownx/markdownify/", editor.markdownify, name="markdownx_markdownify"),
    path("markdownx/upload/", editor.upload, name="markdownx_upload"),
    # An index of sections, each in pages of Sitemap.limit URLs: no file grows unbounded.
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("llms.txt", llms_txt, name="llms_txt"),
    # IndexNow's key file at the site root; 404 unless it is the configured key.
    re_path(r"^(?P<key>[A-Za-z0-9-]{8,128})\.txt$", indexnow.key_file, name="indexnow_key"),
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}img/favicon.svg")),
    # An item's working copy for an outside reviewer: see articles/publishing/sharing.py.
    path("share/<str:token>/", shared_page, name="share"),
    # The read-only content API, its OpenAPI document and docs: see articles/api/.
    path("api/v1/", api_urls()),
    path("faq/", include("faq.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:  # on in development unless the media are on a bucket
    # Hashed renditions are cached for good (see articles/publishing/library/media.py).
    urlpatterns.append(path("media/<path:path>", serve_media))
