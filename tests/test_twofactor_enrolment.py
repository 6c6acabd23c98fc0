"""Enrolling an authenticator app from the account page, and its recovery codes."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD_FOR_TESTS
from tests.twofactor import app_code, enrol, give_code, sign_in

ENROL = "/admin/account/two-step/"
RECOVERY = "/admin/account/two-step/recovery-codes/"
REMOVE = "/admin/account/two-step/remove/"

pytestmark = pytest.mark.django_db


def shown_codes(response):
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.text)


def test_the_account_page_offers_two_step_sign_in(client, writer):
    """Someone without an app is offered it, with a link to set it up."""
    client.force_login(writer)
    response = client.get("/admin/account/")
    assert "Two-step sign-in" in response.text
    assert f'href="{ENROL}"' in response.text


def test_the_enrolment_page_shows_a_qr_code_and_the_secret(client, writer):
    """A QR code drawn here as SVG, and the same secret as text, grouped for typing."""
    client.force_login(writer)
    response = client.get(ENROL)
    assert response.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in response.text
    device = TOTPDevice.objects.get(user=writer)
    assert not device.confirmed
    secret = re.search(r'class="twofactor-secret"><code>([A-Z2-7 ]+)</code>', response.text)
    import base64

    assert base64.b32decode(secret.group(1).replace(" ", "")) == device.bin_key
    # Reloading keeps the same secret: an app that scanned it still matches.
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=writer).count() == 1


def test_an_unconfirmed_app_does_not_count(client, writer):
    """Until its first code is typed, a new app asks nothing at the next sign-in."""
    client.force_login(writer)
    client.get(ENROL)
    other = Client()
    sign_in(other, writer)
    assert other.get("/admin/").status_code == 200


def test_a_wrong_first_code_is_refused_and_keeps_the_page(client, writer):
    """A wrong code leaves the app unconfirmed, says why, and keeps what was typed."""
    client.force_login(writer)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=writer)
    wrong = "000000" if app_code(device) != "000000" else "111111"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 200
    assert "That code did not work" in response.text
    assert f'value="{wrong}"' in response.text
    device.refresh_from_db()
    assert not device.confirmed


def test_the_first_code_confirms_the_app_and_shows_ten_recovery_codes(client, writer):
    """Confirming turns it on, verifies this session, and shows ten codes that are not cached."""
    client.force_login(writer)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=writer)
    response = client.post(ENROL, {"code": app_code(device)})
    assert response.status_code == 200
    codes = shown_codes(response)
    assert len(set(codes)) == 10
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
    # This session already passed: the desk opens without another code.
    assert client.get("/admin/").status_code == 200


def test_a_second_app_is_not_added_over_the_first(client, writer):
    """With an app set up, the enrolment page sends back to the account page."""
    enrol(writer)
    client.force_login(writer)
    client.get("/admin/")  # not verified: to the code page
    session_device = TOTPDevice.objects.get(user=writer)
    give_code(client, app_code(session_device))
    response = client.get(ENROL)
    assert response["Location"] == "/admin/account/"
    assert TOTPDevice.objects.filter(user=writer).count() == 1


def verified(client, user):
    device, codes = enrol(user)
    sign_in(client, user)
    assert give_code(client, app_code(device)).status_code == 302
    return device, codes


def test_new_recovery_codes_void_the_old_ones(client, writer):
    """Regenerating shows ten new codes once; an old code no longer signs in."""
    _, old = verified(client, writer)
    page = client.get(RECOVERY)
    assert "<strong>10</strong> unused recovery codes" in page.text
    response = client.post(RECOVERY)
    new = shown_codes(response)
    assert len(new) == 10 and not set(new) & set(old)
    assert "no-store" in response["Cache-Control"]

    other = Client()
    sign_in(other, writer)
    assert give_code(other, new[0]).status_code == 302
    third = Client()
    sign_in(third, writer)
    assert "That code did not work" in give_code(third, old[0]).text


def test_removing_the_app_needs_a_code_or_the_password(client, writer):
    """Without either, or with a wrong password, nothing is removed and the page says why."""
    verified(client, writer)
    response = client.post(REMOVE, {})
    assert "Type a code from your app, or your password" in response.text
    response = client.post(REMOVE, {"password": "not-it"})
    assert "That is not your password" in response.text
    assert TOTPDevice.objects.filter(user=writer).exists()


def test_removing_the_app_with_the_password_turns_it_off(client, writer):
    """The app and its recovery codes go; the next sign-in needs the password only."""
    verified(client, writer)
    response = client.post(REMOVE, {"password": PASSWORD_FOR_TESTS})
    assert response["Location"] == "/admin/account/"
    assert not TOTPDevice.objects.filter(user=writer).exists()
    assert not StaticToken.objects.exists()
    other = Client()
    sign_in(other, writer)
    assert other.get("/admin/").status_code == 200


def test_removing_the_app_with_a_current_code(client, writer):
    """A fresh code from the app is enough to turn it off."""
    device, _ = verified(client, writer)
    response = client.post(REMOVE, {"code": app_code(device, steps_ahead=1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=writer).exists()


def test_every_post_needs_the_csrf_token(writer):
    """Enrolment, new recovery codes and removal refuse a POST without the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)
    for url in (ENROL, RECOVERY, REMOVE, "/admin/login/code/"):
        assert client.post(url, {"code": "123456"}).status_code == 403
