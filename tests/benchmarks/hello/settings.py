"""A bare Django project to measure the site against: one view, no database, no cache.

Served from this directory on its own (``gunicorn wsgi`` with this directory as the
working directory), so nothing of the site is importable here: it cannot lean on the
site's code, and the site's page cache cannot answer for it.
"""

SECRET_KEY = "benchmark-only-hello-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "urls"
WSGI_APPLICATION = "wsgi.application"

# What the middleware below needs installed. There is no database: the view never reads
# the user or the session, and a request without a cookie reads neither.
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
]
DATABASES = {}
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# Django's own middleware, in the order the site runs it, without the site's own (its
# page cache, redirects, sign-in checks, static files), so the difference between the
# two is what the site's pages cost beyond Django's request cycle. CSP and conditional
# GET are Django's too and run on every page of the site, so they run here.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CSP = {"default-src": ["'self'"]}
USE_TZ = True
