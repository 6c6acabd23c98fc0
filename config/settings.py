"""Settings for the editorial site, read from the environment."""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config import media, styles

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

# Absolute base for canonical links, JSON-LD ids, sitemaps and feeds; never taken
# from the Host header so a spoofed request cannot change them.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Wellbeing Journal")
SITE_DESCRIPTION = os.environ.get(
    "SITE_DESCRIPTION",
    "Evidence-led articles and answers on mental health, sleep and everyday wellbeing.",
)
SITE_LANGUAGE = "en-GB"
ORGANIZATION_NAME = os.environ.get("ORGANIZATION_NAME", SITE_NAME)
# Google wants a raster publisher logo of at least 112px; a path here is made absolute.
ORGANIZATION_LOGO = os.environ.get("ORGANIZATION_LOGO", "/static/img/logo.png")
ORGANIZATION_SAME_AS = env_list("ORGANIZATION_SAME_AS")
# Shown on social cards and in the schema for an article without a hero image.
DEFAULT_SHARE_IMAGE = os.environ.get("DEFAULT_SHARE_IMAGE", "/static/img/share.png")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Moved pages answer 301 from their old address; see articles/publishing/redirects.py.
    "django.contrib.sites",
    "django.contrib.redirects",
    "markdownx",
    "axes",
    # A second factor at sign-in: authenticator apps and single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "twofactor",
    "django_tasks_db",
    # The content API's docs page, with its scripts and styles served from here: no CDN,
    # so the site's script-src 'self' holds for it too.
    "ninja",
    "articles",
    "faq",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, so static files carry the same policy and frame headers as pages.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Readers' pages from the cache, already compressed: see articles/publishing/pagecache.py.
    "articles.publishing.pagecache.PageCacheMiddleware",
    # Pages are gzipped (with Django's BREACH padding); static files arrive precompressed
    # from WhiteNoise above, so images never pass through here.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag and 304 Not Modified for unchanged pages, so repeat visits cost no body.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second step.
    "django_otp.middleware.OTPMiddleware",
    # Sends whoever has not passed it to the code page (or to enrol) before the admin.
    "twofactor.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Only a 404 pays for the lookup of a moved page's new address.
    "articles.publishing.redirects.RedirectsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses a login once the username has failed too often from one address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# Username with address: a stranger cannot lock an editor out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.locked_out"
# A wrong code at the second step counts as a failed login too (see twofactor/views.py);
# what was typed is never stored with the attempt.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "password"]

# Members of these groups must sign in with a second factor, and are sent to enrol first.
# Everyone else may enrol; once they have, the second step applies to them too.
OTP_REQUIRED_GROUPS = env_list("OTP_REQUIRED_GROUPS", "Editor,Medical reviewer")
# The name an authenticator app shows beside the code.
OTP_TOTP_ISSUER = SITE_NAME
# Passkeys belong to the site's domain, SITE_URL's host, and work over HTTPS only, or on
# http://localhost. Browsers refuse them on an IP address, so the development address
# 127.0.0.1 stands for localhost here: open http://localhost:8000/admin/ to try them.
PASSKEY_SITE_URL = SITE_URL.replace("://127.0.0.1", "://localhost", 1)
OTP_WEBAUTHN_RP_ID = os.environ.get("OTP_WEBAUTHN_RP_ID", urlsplit(PASSKEY_SITE_URL).hostname)
OTP_WEBAUTHN_RP_NAME = SITE_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("OTP_WEBAUTHN_ALLOWED_ORIGINS", PASSKEY_SITE_URL)
# A passkey is a second factor after the password, never a way in on its own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    # Readers' pages (templates/jinja2/); see config/jinja2.py.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            "context_processors": ["articles.context_processors.site"],
        },
    },
    # The admin, and the apps' own templates.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run`'s database is shared by the web server and the task worker. Write-ahead
    # logging lets readers read while one writes, and a transaction that will write takes
    # its lock when it starts, waiting its turn, rather than failing with "database is
    # locked" halfway through a save.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, so a query a connection runs again and again (an
    # article page's two) is prepared once and not parsed and planned on every request.
    # Behind PgBouncer in transaction mode this needs its max_prepared_statements.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": 5,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis in production, shared by every server; with no REDIS_URL, files in the project,
# which every process on this machine shares, so nothing needs installing.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # A Redis that does not answer is skipped quickly; see config/cache.py.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            # The page cache's generation and key versions, read by every page served:
            # held in each process and kept current by Redis (config/mirror.py).
            "TRACKED": ["pages:"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / ".cache")),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# Caches in front of the site, purged by surrogate key whenever a page changes (see
# articles/publishing/pagecache/frontends/). VARNISH_URLS: each Varnish, comma-separated.
FRONTEND_CACHE = {}
if VARNISH_URLS := env_list("VARNISH_URLS"):
    FRONTEND_CACHE["varnish"] = {
        "BACKEND": "articles.publishing.pagecache.frontends.varnish.VarnishBackend",
        "LOCATION": VARNISH_URLS,
    }
if os.environ.get("FASTLY_SERVICE_ID"):
    FRONTEND_CACHE["fastly"] = {
        "BACKEND": "articles.publishing.pagecache.frontends.fastly.FastlyBackend",
        "SERVICE_ID": os.environ["FASTLY_SERVICE_ID"],
        "API_TOKEN": os.environ.get("FASTLY_API_TOKEN", ""),
    }
if os.environ.get("CLOUDFLARE_ZONE_ID"):
    FRONTEND_CACHE["cloudflare"] = {
        "BACKEND": "articles.publishing.pagecache.frontends.cloudflare.CloudflareBackend",
        "ZONE_ID": os.environ["CLOUDFLARE_ZONE_ID"],
        "API_TOKEN": os.environ.get("CLOUDFLARE_API_TOKEN", ""),
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads on a bucket every server shares when AWS_STORAGE_BUCKET_NAME is set (see
# config/media.py and the README); otherwise in MEDIA_ROOT, as `make run` has them.
MEDIA_STORAGE = media.object_storage(os.environ) or {
    "BACKEND": "django.core.files.storage.FileSystemStorage"
}
ON_OBJECT_STORAGE = MEDIA_STORAGE["BACKEND"] == media.BACKEND
# On disk, the prefix of every file's URL; with a bucket, what the storage's own URLs
# start with (django-storages builds them from its options, not from this).
MEDIA_URL = media.public_base(MEDIA_STORAGE) if ON_OBJECT_STORAGE else "/media/"
# Uploaded images on the local disk are served by Django unless a web server or CDN takes
# them over; those on a bucket never are, as Django's view reads MEDIA_ROOT alone.
SERVE_MEDIA = not ON_OBJECT_STORAGE and (DEBUG or env_bool("SERVE_MEDIA", default=True))

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"
# Where a passkey's second step lands when the page asked for none.
LOGIN_REDIRECT_URL = "admin:index"

_media = urlsplit(MEDIA_URL)
MEDIA_HTTP_ORIGIN = [f"http://{_media.netloc}"] if _media.scheme == "http" else []

# The public pages run no JavaScript at all; the admin only loads its own files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, styles.csp_source()],
    # A bucket served over plain HTTP (a local S3-compatible server) is named as well.
    "img-src": [CSP.SELF, "https:", "data:", *MEDIA_HTTP_ORIGIN],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Nothing here uses a device or sensor but passkeys; say so, so no embedded content can ask.
PERMISSIONS_POLICY = {
    **{
        feature: []
        for feature in (
            "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
            "fullscreen", "geolocation", "gyroscope", "magnetometer", "microphone", "midi",
            "payment", "picture-in-picture", "screen-wake-lock", "serial", "usb",
            "xr-spatial-tracking",
        )
    },
    # Staff sign in with passkeys on the site's own pages (see twofactor/).
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}  # fmt: skip
# Only a proxy we run may say the request was HTTPS, and only when told it is there:
# otherwise any client reaching the app server could claim it with one header.
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
if not DEBUG:
    HTTPS = SITE_URL.startswith("https://")
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=HTTPS)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS)
    # Opt-in: HSTS is hard to undo, so the operator chooses the duration.
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)

# Slow work (e-mail) runs in the worker, `manage.py db_worker`, never in a request.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <editorial@localhost>")
# Development prints mail to the console; production sends it through EMAIL_HOST.
MAILERS = {
    "default": (
        {"BACKEND": "config.mail.ReadableConsoleBackend"}
        if DEBUG and not os.environ.get("EMAIL_HOST")
        else {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER") or None,
                "password": os.environ.get("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", default=False),
                "timeout": 20,
            },
        }
    )
}

# Editor: the preview renders through the same sanitizer as the public page.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.publishing.markdown.render_markdown"
# The editor keeps a fixed height beside its preview instead of growing with the text.
MARKDOWNX_EDITOR_RESIZABLE = False
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"]
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
MARKDOWNX_IMAGE_MAX_SIZE = {"size": (1600, 1600), "quality": 85}
MARKDOWNX_SKIP_RESIZE = ["image/gif"]
MARKDOWNX_MEDIA_PATH = "uploads/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"task_outcomes": {"()": "config.logs.TaskOutcomes"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["task_outcomes"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's messages (the task worker's among them) reach the console above and
        # nowhere else: its own console handler printed each a second time in development.
        "django": {"handlers": []},
    },
}

# Deleted items stay in the trash this long, restorable, before the worker empties it.
TRASH_DAYS = int(os.environ.get("TRASH_DAYS", "30"))
# The webhook delivery log keeps this many days of attempts, as Stripe shows 30 days of
# events: enough to answer a partner's question, and a bound on a table that grows with
# every publish (about 26,000 rows a day for three endpoints and a publish every 10 s).
WEBHOOK_LOG_DAYS = int(os.environ.get("WEBHOOK_LOG_DAYS", "30"))
# Finished tasks' results are kept this long (django-tasks-db's own default), then the
# daily housekeeping deletes them (articles/publishing/housekeeping.py).
TASK_RESULT_DAYS = int(os.environ.get("TASK_RESULT_DAYS", "14"))
# A medical review overdue by more than this many days is flagged on the desk as lapsed;
# with REVIEW_LAPSED_NOTE on, readers of such a page are told it is being reviewed.
REVIEW_GRACE_DAYS = int(os.environ.get("REVIEW_GRACE_DAYS", "30"))
REVIEW_LAPSED_NOTE = env_bool("REVIEW_LAPSED_NOTE", default=False)

# The list indexes carry Unpublish at as a covering column on PostgreSQL, production's
# database; SQLite, for `make run`, ignores it and warns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Checking cited sources (articles/publishing/sourcecheck): the task worker checks each
# source's URL, DOI and PubMed address once a day, before the working day.
LINK_CHECK_CONNECT_TIMEOUT = float(os.environ.get("LINK_CHECK_CONNECT_TIMEOUT", "10"))
LINK_CHECK_READ_TIMEOUT = float(os.environ.get("LINK_CHECK_READ_TIMEOUT", "10"))
# At most one request to a host every this many seconds, and this many addresses a run
# (the least recently checked first, so the next run goes on where this one stopped).
LINK_CHECK_HOST_INTERVAL = float(os.environ.get("LINK_CHECK_HOST_INTERVAL", "2"))
LINK_CHECK_MAX_PER_RUN = int(os.environ.get("LINK_CHECK_MAX_PER_RUN", "500"))
# An address is dead after this many failed checks in a row (404, 410, 5xx, no answer).
LINK_CHECK_DEAD_AFTER = int(os.environ.get("LINK_CHECK_DEAD_AFTER", "2"))
# An answer slower than this, in seconds, is recorded as slow.
LINK_CHECK_SLOW_SECONDS = float(os.environ.get("LINK_CHECK_SLOW_SECONDS", "5"))
# Addresses on private, loopback or link-local networks are never fetched in production.
LINK_CHECK_ALLOW_PRIVATE = env_bool("LINK_CHECK_ALLOW_PRIVATE", default=False)
# Webhooks and IndexNow never post to private, loopback or link-local addresses in
# production; tests and development turn this on to reach a server on 127.0.0.1.
OUTBOUND_ALLOW_PRIVATE = env_bool("OUTBOUND_ALLOW_PRIVATE", default=False)
# IndexNow (Bing, Yandex and others): off while the key is empty. The key is 8 to 128
# letters, digits or dashes, served at /<key>.txt.
INDEXNOW_KEY = os.environ.get("INDEXNOW_KEY", "")
INDEXNOW_ENDPOINT = os.environ.get("INDEXNOW_ENDPOINT", "https://api.indexnow.org/indexnow")
# Who the checker says it is: sites that block it can write to this address.
LINK_CHECK_CONTACT = os.environ.get("LINK_CHECK_CONTACT", DEFAULT_FROM_EMAIL)
# Health content citing evidence older than this many years is asked to look for newer.
SOURCE_MAX_AGE_YEARS = int(os.environ.get("SOURCE_MAX_AGE_YEARS", "5"))
