"""The content API's Swagger page in a real browser: it loads its scripts from this site
and renders the endpoints under the site's Content-Security-Policy, with no violation."""

import pytest

from tests.test_browser import browser  # noqa: F401 - shared fixture

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]


def test_the_docs_render_under_the_sites_csp(browser, live_server, published):  # noqa: F811
    """Swagger UI lists the endpoints, fetched from /api/v1/openapi.json, and the browser
    reports no CSP violation and no request to another host."""
    page = browser.new_context().new_page()
    violations, elsewhere = [], []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/articles" in paths and "/api/v1/authors/{slug}" in paths
    assert violations == []
    assert elsewhere == []
    page.close()
