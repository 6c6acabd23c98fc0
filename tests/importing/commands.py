"""Run import_content as a user would, capturing what it prints."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args):
    """call_command("import_content", ...) and its stdout."""
    out = io.StringIO()
    call_command("import_content", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_failing(*args):
    """Run an import that must fail; return (stdout, CommandError message)."""
    out = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_content", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue(), str(excinfo.value)
