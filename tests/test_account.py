"""Your account: staff set their own name and e-mail address in the admin."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.conftest import PASSWORD_FOR_TESTS

ACCOUNT = "/admin/account/"

pytestmark = pytest.mark.django_db


def csrf_client(user):
    """A browser-like client: CSRF checked, signed in through the login form."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/admin/login/").content.decode()
    response = client.post(
        "/admin/login/",
        {
            "username": user.username,
            "password": PASSWORD_FOR_TESTS,
            "csrfmiddlewaretoken": token(page),
        },
    )
    assert response.status_code == 302
    return client


def token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_writer_sets_their_own_name_and_address_through_the_form(writer):
    """From the user tools' "Your account" link, a writer with no permission on users
    saves a name and address through the real form, CSRF token included."""
    client = csrf_client(writer)
    home = client.get("/admin/").content.decode()
    assert f'<a href="{ACCOUNT}">Your account</a>' in home
    assert home.index("Your account") < home.index("Change password")
    page = client.get(ACCOUNT).content.decode()
    assert 'name="email"' in page and 'name="first_name"' in page
    response = client.post(
        ACCOUNT,
        {
            "first_name": "Wendy",
            "last_name": "Writer",
            "email": "Wendy@Example.ORG",
            "is_superuser": "on",
            "csrfmiddlewaretoken": token(page),
        },
        follow=True,
    )
    assert "Your details were saved." in response.content.decode()
    writer.refresh_from_db()
    assert (writer.first_name, writer.last_name, writer.email) == (
        "Wendy",
        "Writer",
        "Wendy@example.org",
    )
    assert not writer.is_superuser and writer.check_password(PASSWORD_FOR_TESTS)


def test_a_post_without_the_csrf_token_is_refused(writer):
    """The form is protected like the rest of the admin: no token, no change."""
    client = csrf_client(writer)
    response = client.post(ACCOUNT, {"first_name": "X", "email": "x@example.org"})
    assert response.status_code == 403
    writer.refresh_from_db()
    assert writer.email == ""


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"first_name": "Wendy", "email": "not an address"}, "Enter a valid email address."),
        ({"first_name": "", "email": "w@example.org"}, "This field is required."),
        ({"first_name": "Wendy", "email": ""}, "This field is required."),
        ({"first_name": "Wen\ndy", "email": "w@example.org"}, "on one line"),
        ({"first_name": "Wendy", "email": "EDDIE@example.org"}, "Another account uses this"),
    ],
)
def test_invalid_details_are_refused_with_the_reason(client, writer, editor, fields, error):
    """A bad or taken address, a missing name or a line break in one saves nothing."""
    editor.email = "eddie@example.org"
    editor.save()
    client.force_login(writer)
    response = client.post(ACCOUNT, {"last_name": "", **fields})
    assert response.status_code == 200
    assert error in response.content.decode()
    writer.refresh_from_db()
    assert (writer.first_name, writer.email) == ("", "")


def test_only_signed_in_staff_reach_the_page(client):
    """Anyone else is sent to the admin's login page."""
    assert client.get(ACCOUNT)["Location"].startswith("/admin/login/")
    reader = get_user_model().objects.create_user("reader", password=PASSWORD_FOR_TESTS)
    client.force_login(reader)
    assert client.get(ACCOUNT)["Location"].startswith("/admin/login/")
