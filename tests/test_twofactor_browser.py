"""In Chromium: an editor signs in with a password and an app's code; axe on the new pages."""

import base64

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.publishing.roles import EDITOR, MEDICAL_REVIEWER
from tests.test_browser import PASSWORD, browser  # noqa: F401 - shared fixture
from tests.test_desk_browser import axe_violations
from tests.twofactor import app_code, enrol

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED_GROUPS = [EDITOR, MEDICAL_REVIEWER]


def password_step(browser, live_server, user, **context):  # noqa: F811
    page = browser.new_context(**{"viewport": DESKTOP, **context}).new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    return page


@pytest.mark.usefixtures("required")
def test_an_editor_enrols_then_signs_in_with_a_code(browser, live_server, editor):  # noqa: F811
    """Sent to enrol, the editor confirms an app, signs out, and signs in with a fresh code."""
    page = password_step(browser, live_server, editor)
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    page.wait_for_url(f"{live_server.url}/admin/account/two-step/?next=%2Fadmin%2F")
    assert page.locator(".twofactor-qr img").evaluate("img => img.naturalWidth") > 0
    secret = page.locator(".twofactor-secret code").inner_text()
    device = TOTPDevice.objects.get(user=editor)
    assert secret.replace(" ", "") == base64.b32encode(device.bin_key).decode()
    page.fill("#id_code", app_code(device))
    with page.expect_navigation():  # the same address, now showing the codes
        page.click("input[type=submit].default")
    assert page.locator(".twofactor-codes li").count() == 10
    page.click("text=I have saved them: go to the desk")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.click("#logout-form button")

    page = password_step(browser, live_server, editor)
    page.wait_for_url(f"{live_server.url}/admin/login/code/?next=%2Fadmin%2F")
    device.refresh_from_db()
    # The code of the next 30-second step: the one used to confirm is spent.
    page.fill("#id_code", app_code(device, steps_ahead=1))
    page.click("#login-form input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#review-queue").is_visible()
    assert refused == []


@pytest.mark.usefixtures("required")
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_the_enrolment_and_code_pages_pass_axe(
    browser,  # noqa: F811
    live_server,
    editor,
    writer,
    scheme,
    viewport,
):
    """No axe violations on the enrolment page (with an error shown) and the code page."""
    found = {}
    page = password_step(
        browser, live_server, editor, viewport=viewport, color_scheme=scheme, bypass_csp=True
    )
    page.wait_for_url("**/admin/account/two-step/**")
    found["enrol"] = axe_violations(page)
    page.fill("#id_code", "12")
    page.click("input[type=submit].default")
    page.locator(".errornote").wait_for()
    page.wait_for_load_state()  # the refused page, whole, before axe reads it
    found["enrol, refused"] = axe_violations(page)

    enrol(writer)
    page = password_step(
        browser, live_server, writer, viewport=viewport, color_scheme=scheme, bypass_csp=True
    )
    page.wait_for_url("**/admin/login/code/**")
    found["code"] = axe_violations(page)
    page.fill("#id_code", "nonsense")
    page.click("#login-form input[type=submit]")
    page.locator(".errornote").wait_for()
    page.wait_for_load_state()  # the refused page, whole, before axe reads it
    found["code, refused"] = axe_violations(page)
    assert {name: v for name, v in found.items() if v} == {}


@pytest.fixture
def passkey_origin(settings, live_server):
    """Passkeys for the live server's origin: localhost, which browsers allow over HTTP."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


def virtual_authenticator(page):
    """A platform authenticator in Chromium that says yes, as a fingerprint would."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return session


@pytest.mark.usefixtures("passkey_origin")
def test_a_writer_adds_a_passkey_and_signs_in_with_it(browser, live_server, writer):  # noqa: F811
    """A passkey made on the account page is asked for at the next sign-in and opens the desk."""
    from django_otp_webauthn.models import WebAuthnCredential

    page = password_step(browser, live_server, writer)
    page.wait_for_url(f"{live_server.url}/admin/")
    virtual_authenticator(page)
    page.goto(f"{live_server.url}/admin/account/")
    page.click("#passkey-register-button")
    page.locator(".twofactor-passkeys li").wait_for()
    assert WebAuthnCredential.objects.filter(user=writer, confirmed=True).count() == 1
    with page.expect_navigation():  # signed out before the next address is asked for
        page.click("#logout-form button")

    # The same tab: its authenticator holds the passkey.
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", writer.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/login/code/?next=%2Fadmin%2F")
    page.click("#passkey-verification-button")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#content h1").is_visible()
