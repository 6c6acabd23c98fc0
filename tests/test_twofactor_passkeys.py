"""Passkeys (django-otp-webauthn): a second step only, removed only with the password."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from tests.conftest import PASSWORD_FOR_TESTS
from tests.twofactor import sign_in

pytestmark = pytest.mark.django_db


def passkey(user, name="Work laptop"):
    return WebAuthnCredential.objects.create(
        user=user,
        name=name,
        confirmed=True,
        credential_id=b"credential-" + name.encode(),
        public_key=b"not-a-real-key",
        sign_count=0,
    )


def verified_with(client, user, key):
    """Signed in and past the second step with ``key``, as the passkey ceremony leaves it."""
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = key.persistent_id
    session.save()


def test_a_passkey_alone_makes_sign_in_ask_for_the_second_step(client, writer):
    """With a passkey, the code page comes after the password and offers the passkey button."""
    passkey(writer)
    sign_in(client, writer)
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/login/code/")
    page = client.get(response["Location"])
    assert 'id="passkey-verification-button"' in page.text
    assert "/static/django_otp_webauthn/otp_webauthn_auth.js" in page.text


def test_the_code_page_offers_no_passkey_to_whoever_has_none(client, writer):
    """Only an app enrolled: no passkey button, and none of its script."""
    from tests.twofactor import enrol

    enrol(writer)
    sign_in(client, writer)
    page = client.get("/admin/login/code/")
    assert "passkey-verification-button" not in page.text
    assert "otp_webauthn_auth.js" not in page.text


def test_a_passkey_never_signs_in_without_the_password(client, writer):
    """Passwordless sign-in is off: the ceremony refuses to start for nobody signed in."""
    passkey(writer)
    response = client.post("/webauthn/authentication/begin/", content_type="application/json")
    assert response.status_code >= 400
    assert "_auth_user_id" not in client.session


def test_a_half_signed_in_person_cannot_add_a_passkey(client, writer):
    """Enrolled but not past the second step: registering another passkey is refused."""
    passkey(writer)
    sign_in(client, writer)
    response = client.post("/webauthn/registration/begin/", content_type="application/json")
    assert response.status_code >= 400
    assert WebAuthnCredential.objects.count() == 1


def test_the_account_page_lists_passkeys_and_offers_to_add_one(client, writer):
    """The account page names each passkey, links its removal, and has the add button."""
    key = passkey(writer)
    verified_with(client, writer, key)
    page = client.get("/admin/account/")
    assert page.status_code == 200
    assert "Work laptop" in page.text
    assert f'href="/admin/account/two-step/passkeys/{key.pk}/remove/"' in page.text
    assert 'id="passkey-register-button"' in page.text


def test_removing_a_passkey_needs_the_password(client, writer):
    """Without the password, or with a wrong one, the passkey stays; with it, it goes."""
    key = passkey(writer)
    passkey(writer, "Phone")
    verified_with(client, writer, key)
    url = f"/admin/account/two-step/passkeys/{key.pk}/remove/"
    assert "Type your password to confirm it is you" in client.post(url, {}).text
    assert "That is not your password" in client.post(url, {"password": "nope"}).text
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()
    response = client.post(url, {"password": PASSWORD_FOR_TESTS})
    assert response["Location"] == "/admin/account/"
    assert list(WebAuthnCredential.objects.values_list("name", flat=True)) == ["Phone"]


def test_nobody_removes_another_persons_passkey(client, writer, editor):
    """The removal page of someone else's passkey is a 404."""
    theirs = passkey(editor)
    mine = passkey(writer, "Mine")
    verified_with(client, writer, mine)
    url = f"/admin/account/two-step/passkeys/{theirs.pk}/remove/"
    assert client.post(url, {"password": PASSWORD_FOR_TESTS}).status_code == 404
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()


def test_pages_let_the_site_itself_use_passkeys(client):
    """Permissions-Policy allows passkeys to this origin only; the camera stays off."""
    policy = client.get("/").headers["Permissions-Policy"]
    assert "publickey-credentials-get=(self)" in policy
    assert "publickey-credentials-create=(self)" in policy
    assert "camera=()" in policy
