"""Helpers for the two-step sign-in tests: an enrolled app, and its codes, computed here."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD_FOR_TESTS


def app_code(device, steps_ahead=0):
    """The code ``device``'s app shows now, or ``steps_ahead`` 30-second steps later."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(user):
    """A confirmed app and ten recovery codes for ``user``, as the enrolment page leaves them."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    codes = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    tokens = [f"code{chr(ord('a') + n) * 4}" for n in range(10)]
    for token in tokens:
        StaticToken.objects.create(device=codes, token=token)
    return device, tokens


def sign_in(client, user, password=PASSWORD_FOR_TESTS, next="/admin/"):
    """The first step, the password, through the admin's login form."""
    return client.post(
        "/admin/login/", {"username": user.username, "password": password, "next": next}
    )


def give_code(client, code, next="/admin/"):
    """The second step."""
    return client.post("/admin/login/code/", {"code": code, "next": next})
