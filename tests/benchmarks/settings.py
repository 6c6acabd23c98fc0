"""The production settings, plus a hello-world view to measure pages against."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.urls"
