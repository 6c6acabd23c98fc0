"""Signing in with a second factor: the password, then a code from the app or a recovery code."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from tests.twofactor import app_code, enrol, give_code, sign_in

pytestmark = pytest.mark.django_db


def test_an_enrolled_person_is_asked_for_a_code_after_the_password(client, writer):
    """The right password alone leads to the code page, not the desk."""
    enrol(writer)
    response = sign_in(client, writer)
    assert response.status_code == 302
    desk = client.get("/admin/")
    assert desk.status_code == 302
    assert desk["Location"] == "/admin/login/code/?next=%2Fadmin%2F"
    page = client.get(desk["Location"])
    assert page.status_code == 200
    assert "Second step" in page.text
    assert 'autocomplete="one-time-code"' in page.text


def test_the_app_code_opens_the_admin(client, writer):
    """A right code from the app completes the sign-in and the desk opens."""
    device, _ = enrol(writer)
    sign_in(client, writer)
    response = give_code(client, app_code(device))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_code_page_sends_on_to_the_page_asked_for_but_not_off_site(client, writer):
    """next is followed when it is on this site, and replaced by the desk when it is not."""
    device, _ = enrol(writer)
    sign_in(client, writer)
    response = give_code(client, app_code(device), next="/admin/account/")
    assert response["Location"] == "/admin/account/"

    other = type(client)()
    sign_in(other, writer)
    response = give_code(other, app_code(device, steps_ahead=1), next="https://evil.test/")
    assert response["Location"] == "/admin/"


def test_a_wrong_code_is_refused_and_the_desk_stays_closed(client, writer):
    """A wrong code shows a clear error on the code page, and the admin still redirects."""
    device, _ = enrol(writer)
    sign_in(client, writer)
    wrong = "000000" if app_code(device) != "000000" else "111111"
    response = give_code(client, wrong)
    assert response.status_code == 200
    assert "That code did not work" in response.text
    assert client.get("/admin/").status_code == 302


def test_badly_formed_input_is_refused_with_what_is_expected(client, writer):
    """Neither six digits nor a recovery code: the page says what it wants."""
    enrol(writer)
    sign_in(client, writer)
    response = give_code(client, "12ab")
    assert "Enter the 6 digits from your app, or a recovery code" in response.text


def test_a_code_is_refused_when_used_a_second_time(client, writer):
    """A code that signed in once cannot sign in again (a replay), even in a new session."""
    device, _ = enrol(writer)
    code = app_code(device)
    sign_in(client, writer)
    assert give_code(client, code).status_code == 302
    client.post("/admin/logout/")

    sign_in(client, writer)
    response = give_code(client, code)
    assert response.status_code == 200
    assert "That code did not work" in response.text
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_signs_in_once_only(client, writer):
    """A recovery code works in place of the app's code, and is spent by it."""
    _, codes = enrol(writer)
    sign_in(client, writer)
    assert give_code(client, codes[3].upper()).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")

    sign_in(client, writer)
    response = give_code(client, codes[3])
    assert response.status_code == 200
    assert "That code did not work" in response.text
    assert writer.staticdevice_set.get().token_set.count() == 9


def test_wrong_codes_are_throttled_by_django_otp(client, writer):
    """Straight after a wrong code even the right one is refused, with a request to wait."""
    device, _ = enrol(writer)
    sign_in(client, writer)
    right = app_code(device)
    give_code(client, "000000" if right != "000000" else "111111")
    response = give_code(client, right)
    assert "Too many wrong codes" in response.text
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_wrong_codes_lock_the_login_through_axes(client, writer):
    """Five wrong codes lock the login like five wrong passwords: a 429, and no code after."""
    device, _ = enrol(writer)
    sign_in(client, writer)
    right = app_code(device)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert give_code(client, wrong).status_code == 200
    assert give_code(client, wrong).status_code == 429
    assert AccessAttempt.objects.get(username=writer.username).failures_since_start == 5
    # What was typed is not kept with the attempt.
    assert wrong not in AccessAttempt.objects.get().post_data
    # Past django-otp's own wait too: the lock alone refuses the right code.
    device.refresh_from_db()
    device.throttle_reset()
    assert give_code(client, right).status_code == 429
    assert client.get("/admin/").status_code == 302


def test_the_code_page_needs_the_password_first(client, writer):
    """Nobody reaches the code page without the first step."""
    enrol(writer)
    response = client.get("/admin/login/code/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/"


def test_an_unverified_person_cannot_add_another_app(client, writer):
    """With a device but no code yet, the enrolment and account pages send to the code page."""
    enrol(writer)
    sign_in(client, writer)
    for url in ("/admin/account/two-step/", "/admin/account/", "/admin/account/two-step/remove/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/code/")


def test_the_editor_endpoints_wait_for_the_second_step_too(client, writer):
    """The staff-only preview outside the admin site is guarded like the admin."""
    enrol(writer)
    sign_in(client, writer)
    response = client.post("/markdownx/markdownify/", {"content": "Hello"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/code/")


def test_signing_out_is_open_at_the_second_step(client, writer):
    """Cancel and sign out works before the code is given."""
    enrol(writer)
    sign_in(client, writer)
    response = client.post("/admin/logout/")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
