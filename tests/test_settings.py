"""Production settings read from the environment, checked in fresh interpreters."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETUP = "import django; django.setup()"
PRINT_DB = SETUP + "; from django.conf import settings; print(settings.DATABASES['default']['{}'])"


# Set by the test settings or the shell; each test says what it wants instead.
OWN_VARIABLES = {
    "SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SITE_URL",
    "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "BEHIND_PROXY", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "DJANGO_ALLOW_ASYNC_UNSAFE",
}  # fmt: skip


def run(code, *args, **env):
    """Run ``code`` (or manage.py with ``args``) with config.settings and exactly ``env``."""
    base = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    command = ["manage.py", *args] if code is None else ["-c", code]
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, *command],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_secret_key_refuses_to_start():
    """With DEBUG off and no SECRET_KEY, setup fails and says SECRET_KEY is missing."""
    result = run(SETUP, DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_with_secret_key_and_database_url_starts(tmp_path):
    """With DEBUG off, a SECRET_KEY and a sqlite DATABASE_URL, setup succeeds."""
    result = run(
        SETUP, DEBUG="0", SECRET_KEY="x" * 50, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"
    )
    assert result.returncode == 0, result.stderr


def test_debug_without_secret_key_uses_a_development_key():
    """With DEBUG on, a missing SECRET_KEY falls back to a development key instead of failing."""
    result = run(
        SETUP + "; from django.conf import settings; print(bool(settings.SECRET_KEY))", DEBUG="1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(
    ("url", "key", "expected"),
    [
        (
            "postgres://user:pw@db.internal:5432/editorial",
            "ENGINE",
            "django.db.backends.postgresql",
        ),
        ("postgres://user:pw@db.internal:5432/editorial", "NAME", "editorial"),
        ("postgres://user:pw@db.internal:5432/editorial", "HOST", "db.internal"),
        ("sqlite:///elsewhere.sqlite3", "ENGINE", "django.db.backends.sqlite3"),
        ("sqlite:///elsewhere.sqlite3", "NAME", "elsewhere.sqlite3"),
    ],
)
def test_database_url_is_parsed_into_databases(url, key, expected):
    """DATABASE_URL becomes DATABASES["default"] (engine, name, host)."""
    result = run(PRINT_DB.format(key), DEBUG="0", SECRET_KEY="x" * 50, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "k" * 20 + "-production-grade-secret-key-value-0123"}
FORWARDED_HTTPS = (
    SETUP + "; from django.test import RequestFactory; "
    "print(RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https').is_secure())"
)


@pytest.mark.parametrize(("behind_proxy", "secure"), [(None, "False"), ("1", "True")])
def test_x_forwarded_proto_is_trusted_only_behind_a_declared_proxy(behind_proxy, secure):
    """Without BEHIND_PROXY=1 a client cannot claim HTTPS with X-Forwarded-Proto."""
    extra = {"BEHIND_PROXY": behind_proxy} if behind_proxy else {}
    result = run(FORWARDED_HTTPS, **PRODUCTION, **extra)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == secure


def test_deploy_check_is_clean_over_https_with_hsts(tmp_path):
    """`check --deploy --fail-level WARNING` passes with an https SITE_URL and HSTS set."""
    result = run(
        None,
        *("check", "--deploy", "--fail-level", "WARNING"),
        **PRODUCTION,
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        SITE_URL="https://news.example.org",
        ALLOWED_HOSTS="news.example.org",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("value", "expected"), [(None, "False"), ("1", "True")])
def test_hsts_preload_is_configurable(value, expected):
    """SECURE_HSTS_PRELOAD follows its environment variable and is off by default."""
    extra = {"SECURE_HSTS_PRELOAD": value} if value else {}
    code = SETUP + "; from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    result = run(code, **PRODUCTION, **extra)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


MEDIA_SETTINGS = (
    SETUP
    + "; from django.conf import settings; from django.urls import resolve, Resolver404"
    + "; from django.core.files.storage import default_storage as d"
    + "; print(settings.STORAGES['default']['BACKEND'], settings.MEDIA_URL, settings.SERVE_MEDIA,"
    + " d.url('renditions/library/a-960w.0123456789ab.webp'))"
    + "\ntry: print(resolve('/media/library/a.jpg').func.__name__)"
    + "\nexcept Resolver404: print('unrouted')"
)


def test_media_stay_on_the_local_disk_without_a_bucket():
    """With no bucket named, uploads are files in MEDIA_ROOT served by Django at /media/."""
    result = run(MEDIA_SETTINGS, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.files.storage.FileSystemStorage", "/media/", "True",
        "/media/renditions/library/a-960w.0123456789ab.webp", "serve_media",
    ]  # fmt: skip


def test_a_bucket_and_a_cdn_domain_move_the_media_there():
    """AWS_STORAGE_BUCKET_NAME puts uploads on the bucket and AWS_S3_CUSTOM_DOMAIN in their
    URLs (unsigned, under AWS_LOCATION); Django no longer serves /media/, even in debug."""
    result = run(
        MEDIA_SETTINGS, DEBUG="1", AWS_STORAGE_BUCKET_NAME="editorial-media",
        AWS_S3_CUSTOM_DOMAIN="media.example.org", AWS_LOCATION="site",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "articles.publishing.library.objectstorage.MediaStorage",
        "https://media.example.org/site/", "False",
        "https://media.example.org/site/renditions/library/a-960w.0123456789ab.webp",
        "unrouted",
    ]  # fmt: skip


def test_a_bucket_on_a_local_s3_server_is_addressed_by_path_and_allowed_in_the_csp():
    """With AWS_S3_ENDPOINT_URL on plain HTTP and no CDN, URLs are the server's, by path,
    and the Content-Security-Policy lets pages show images from it."""
    code = SETUP + (
        "; from django.conf import settings; from django.core.files.storage import default_storage"
        "; print(default_storage.url('uploads/a.png'), settings.MEDIA_URL,"
        " settings.SECURE_CSP['img-src'][-1])"
    )
    result = run(
        code, DEBUG="1", AWS_STORAGE_BUCKET_NAME="media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000", AWS_ACCESS_KEY_ID="local",
        AWS_SECRET_ACCESS_KEY="local",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "http://127.0.0.1:9000/media/uploads/a.png", "http://127.0.0.1:9000/media/",
        "http://127.0.0.1:9000",
    ]  # fmt: skip
