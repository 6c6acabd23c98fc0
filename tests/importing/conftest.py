"""Fixtures the import and restore tests share."""

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def restorer(db):
    """The administrator who restores the backup: may publish, add accounts and redirects."""
    return get_user_model().objects.create_superuser("root-restorer", "root@example.test", "x")
