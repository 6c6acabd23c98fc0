"""Who must use a second factor: the roles in OTP_REQUIRED_GROUPS, and nobody when it is empty."""

import importlib

import pytest
from django.test import Client

from articles.publishing.roles import EDITOR, MEDICAL_REVIEWER
from tests.twofactor import app_code, enrol, give_code, sign_in

pytestmark = pytest.mark.django_db

ENROL = "/admin/account/two-step/"


@pytest.fixture
def required(settings):
    """The production default: editors and medical reviewers must enrol."""
    settings.OTP_REQUIRED_GROUPS = [EDITOR, MEDICAL_REVIEWER]


def test_production_requires_it_of_editors_and_medical_reviewers(monkeypatch):
    """With no OTP_REQUIRED_GROUPS in the environment, the two roles that publish or sign off."""
    import config.settings

    monkeypatch.delenv("OTP_REQUIRED_GROUPS", raising=False)
    assert importlib.reload(config.settings).OTP_REQUIRED_GROUPS == [EDITOR, MEDICAL_REVIEWER]


@pytest.mark.usefixtures("required")
@pytest.mark.parametrize("role", ["editor", "clinician"])
def test_a_required_role_is_sent_to_enrol_before_anything_else(request, client, role):
    """An editor or medical reviewer without an app reaches only the enrolment page."""
    user = request.getfixturevalue(role)
    sign_in(client, user)
    for url in ("/admin/", "/admin/articles/article/", "/admin/account/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{ENROL}?next=")
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "Your role publishes or signs off health advice" in page.text


@pytest.mark.usefixtures("required")
def test_after_enrolling_a_required_role_reaches_the_desk(client, editor):
    """Enrolling verifies the session, so the editor goes straight on to the desk."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    sign_in(client, editor)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=editor)
    client.post(ENROL, {"code": app_code(device)})
    assert client.get("/admin/").status_code == 200


@pytest.mark.usefixtures("required")
def test_an_enrolled_editor_still_gives_a_code_each_sign_in(client, editor):
    """Enrolled, the editor is sent to the code page (not to enrol), then reaches the desk."""
    device, _ = enrol(editor)
    sign_in(client, editor)
    assert client.get("/admin/")["Location"].startswith("/admin/login/code/")
    give_code(client, app_code(device))
    assert client.get("/admin/").status_code == 200


@pytest.mark.usefixtures("required")
def test_a_writer_is_offered_it_but_not_made_to(client, writer):
    """A writer reaches the desk with a password alone, and the desk offers the app."""
    sign_in(client, writer)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "set up two-step sign-in" in response.text


def test_with_the_setting_empty_no_role_must_enrol(settings, client, editor):
    """OTP_REQUIRED_GROUPS empty: an editor without an app signs in with a password alone."""
    settings.OTP_REQUIRED_GROUPS = []
    sign_in(client, editor)
    assert client.get("/admin/").status_code == 200


def test_with_the_setting_empty_an_enrolled_person_still_gives_a_code(settings, client, editor):
    """Turning the requirement off does not drop the second step of those who enrolled."""
    settings.OTP_REQUIRED_GROUPS = []
    enrol(editor)
    sign_in(client, editor)
    assert client.get("/admin/").status_code == 302


@pytest.mark.usefixtures("required")
def test_the_readers_pages_ask_nothing(client, editor):
    """The public site is not behind the second step, even for a half-signed-in editor."""
    sign_in(client, editor)
    assert client.get("/").status_code == 200


@pytest.mark.usefixtures("required")
def test_the_staff_pages_stay_guarded_under_a_script_prefix(client, editor):
    """Served under a path prefix (SCRIPT_NAME), the admin still asks for the second step,
    and the readers' pages still do not."""
    from django.urls import set_script_prefix

    sign_in(client, editor)
    client.get("/admin/")  # the guarded addresses as they are without the prefix
    # As Django's WSGI handler sets it from SCRIPT_NAME, which the test client does not.
    set_script_prefix("/cms/")
    try:
        response = client.get("/admin/", SCRIPT_NAME="/cms")
        reader = client.get("/", SCRIPT_NAME="/cms")
    finally:
        set_script_prefix("/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/cms{ENROL}?next=")
    assert reader.status_code == 200


def count_queries(client, url):
    """Queries for ``url``, asked twice so that only the steady cost of a page is counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def without_second_step(settings, client):
    """The same session, through a client that loads the middleware without django-otp's."""
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if "otp" not in name and "SecondFactor" not in name
    ]
    plain = Client()
    plain.cookies = client.cookies
    return plain


@pytest.mark.usefixtures("required")
@pytest.mark.parametrize("url", ["/admin/", "/admin/articles/article/"])
def test_the_second_step_costs_one_query_per_page_once_passed(settings, editor, url):
    """A verified session costs a hot admin page one query (loading its device), no more."""
    device, _ = enrol(editor)
    client = Client()
    sign_in(client, editor)
    give_code(client, app_code(device))
    with_otp = count_queries(client, url)
    plain = without_second_step(settings, client)
    assert with_otp == count_queries(plain, url) + 1


@pytest.mark.usefixtures("required")
def test_a_writer_without_an_app_pays_for_the_check_on_each_page(settings, writer):
    """Unverified with no app: one query on each page, for the devices and the role at once."""
    client = Client()
    client.force_login(writer)
    with_otp = count_queries(client, "/admin/")
    plain = without_second_step(settings, client)
    assert with_otp == count_queries(plain, "/admin/") + 1


@pytest.mark.usefixtures("required")
def test_the_demo_accounts_sign_in_as_the_readme_says(client):
    """With the production default: the demo writer and admin reach the desk with a password,
    the demo editor and reviewer are sent to enrol."""
    from io import StringIO

    from django.core.management import call_command

    from articles.management.commands.load_sample_content import ACCOUNTS, ADMIN

    call_command("load_sample_content", stdout=StringIO())
    passwords = {username: password for username, password, *_ in [*ACCOUNTS, ADMIN]}
    where = {}
    for username, password in passwords.items():
        browser = Client()
        browser.post("/admin/login/", {"username": username, "password": password})
        response = browser.get("/admin/")
        where[username] = response.get("Location", str(response.status_code)).split("?")[0]
    assert where == {"writer": "200", "admin": "200", "editor": ENROL, "reviewer": ENROL}
