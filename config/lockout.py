"""The page django-axes shows while a login is locked out."""

import math

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    """429 with the wait in minutes and in Retry-After, and who can lift it sooner."""
    wait = get_cool_off(request)
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": math.ceil(wait.total_seconds() / 60) if wait else None,
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    if wait:
        response["Retry-After"] = str(math.ceil(wait.total_seconds()))
    return response
