"""Settings for the test suite: the production settings with fast, isolated pieces."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-suite-key")
os.environ.setdefault("SITE_URL", "https://example.test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,example.test")
# The test client speaks plain HTTP to an https SITE_URL.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

# Each run keeps to its own keys, so two runs can share one Redis; the servers that some
# tests start inherit the prefix and so share this run's cache.
os.environ.setdefault("CACHE_KEY_PREFIX", f"test{os.getpid()}")
os.environ.setdefault("CACHE_DIR", tempfile.mkdtemp(prefix="editorial-test-cache-"))
# The suite's media are files on disk whatever the shell names; the tests of object storage
# point the storage at a bucket of their own.
os.environ.pop("AWS_STORAGE_BUCKET_NAME", None)

from config.settings import *  # noqa: E402, F403
from config.settings import STORAGES  # noqa: E402

# The second step stays on for anyone who has enrolled, but no role is made to enrol:
# the suite's fixtures sign in with a password alone. Tests of the requirement turn it on
# with the settings fixture.
OTP_REQUIRED_GROUPS = []
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="editorial-test-media-")
# The manifest needs collectstatic; tests render templates without it.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the app folders, as in development: no collectstatic needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than shared memory: the live server's thread then opens its own
    # connection. Sharing the test thread's one made browser tests fail at random with
    # sqlite3.InterfaceError when both threads used it at once.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.mkdtemp(prefix="editorial-test-db-"), "test.sqlite3")
    }

# The link checker's tests serve their pages on 127.0.0.1, never the internet.
LINK_CHECK_ALLOW_PRIVATE = True
LINK_CHECK_HOST_INTERVAL = 0
LINK_CHECK_CONNECT_TIMEOUT = 2
LINK_CHECK_READ_TIMEOUT = 2
# Webhook and IndexNow tests post to servers on 127.0.0.1.
OUTBOUND_ALLOW_PRIVATE = True
