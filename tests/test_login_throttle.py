"""Admin logins lock after repeated wrong passwords, say so with a 429, and can be unlocked."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.conftest import make_user

LOGIN = "/admin/login/"
RIGHT = "pass-for-tests"


def attempt(client, password, username="eddie", address="10.0.0.1"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def fail_until_locked(client, username="eddie", address="10.0.0.1"):
    for number in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, f"wrong-{number}", username, address)
        assert response.status_code == 200, "the form answers normally before the limit"
        assert "Please enter the correct username and password" in response.text
    return attempt(client, "wrong-last", username, address)


def test_the_limit_locks_the_login_even_for_the_right_password(client, editor):
    """After the failure limit, the next login, right password included, gets the 429 page."""
    locked = fail_until_locked(client)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    assert "“eddie” has been locked after 5 wrong passwords" in locked.text
    assert "Try again in 15 minutes" in locked.text
    assert locked["Retry-After"] == "900"

    again = attempt(client, RIGHT)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_holds_one_address_only(client, editor):
    """A stranger failing from one address cannot lock the editor out from another."""
    fail_until_locked(client, address="10.0.0.1")
    response = attempt(client, RIGHT, address="10.0.0.2")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_a_successful_login_clears_earlier_failures(client, editor):
    """Failures below the limit are forgotten once the right password is given."""
    for number in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, f"wrong-{number}")
    assert attempt(client, RIGHT).status_code == 302
    client.logout()
    assert fail_until_locked(client).status_code == 429


def test_an_administrator_unlocks_from_the_admin(client, editor):
    """A superuser sees the lockout in the admin and deleting it lets the editor in at once."""
    fail_until_locked(client)
    admin = make_user("root", is_superuser=True)
    client.force_login(admin)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "eddie" in listing.text
    locked = AccessAttempt.objects.get(username="eddie")
    response = client.post(
        f"/admin/axes/accessattempt/{locked.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    client.logout()
    assert attempt(client, RIGHT).status_code == 302


def test_editors_cannot_see_or_lift_lockouts(client, editor):
    """Lockouts are for administrators: an editor gets 403 on the list."""
    client.force_login(editor)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_the_command_line_unlocks_a_username(client, editor):
    """`manage.py axes_reset_username eddie` lifts the lockout."""
    fail_until_locked(client)
    call_command("axes_reset_username", "eddie")
    assert attempt(client, RIGHT).status_code == 302
    assert get_user_model().objects.get(username="eddie").last_login is not None
