"""Production settings read from the environment, checked in fresh interpreters."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETUP = "import django; django.setup()"
PRINT_DB = SETUP + "; from django.conf import settings; print(settings.DATABASES['default']['{}'])"


def run(code, **env):
    """Run ``code`` with config.settings and exactly the given extra variables."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
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
