"""The content API keeps to its own OpenAPI document for any input schemathesis makes up:
no server error, and every answer of the status, type and shape the document gives."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from articles.api.urls import api

# Made-up slugs reach the page cache's keys as they are: only memcached would mind.
pytestmark = pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning")

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()


@pytest.fixture
def connection_kept():
    """The test's database connection stays open across requests, as the test client
    keeps it: the handler would close it at the start and end of each one."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("connection_kept")
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_endpoint_keeps_to_the_document(case, published, make_faq):
    """Made-up slugs, cursors, dates and words get an answer the document describes."""
    # Plain bodies: this transport does not undo the site's gzip. A cursor is any string
    # to the document, but only one this API made is accepted: the 400 is the point.
    case.call_and_validate(
        base_url="http://testserver",
        headers={"Accept-Encoding": "identity"},
        excluded_checks=[positive_data_acceptance],
    )
