"""Who must sign in with a second factor, and whether they can yet."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, Value
from django_otp import device_classes, devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

RECOVERY_CODES = 10


def required(user):
    """Whether ``user``'s role obliges them to use a second factor (OTP_REQUIRED_GROUPS)."""
    groups = settings.OTP_REQUIRED_GROUPS
    if not groups:
        return False
    return user.groups.filter(name__in=groups).exists()


def enrolled(user):
    """Whether ``user`` has a confirmed device to sign in with."""
    return user_has_device(user, confirmed=True)


def standing(user):
    """(enrolled, required) for ``user``, in one query.

    The middleware asks on every staff request until the second step is passed: a writer
    who never enrolled asks on every page and every autosave, so it is one query, not one
    per kind of device and another for the role.
    """
    checks = {
        f"device_{number}": Exists(model.objects.filter(user=user.pk, confirmed=True))
        for number, model in enumerate(device_classes())
    }
    groups = settings.OTP_REQUIRED_GROUPS
    checks["required"] = (
        Exists(Group.objects.filter(user=user.pk, name__in=groups)) if groups else Value(False)
    )
    row = get_user_model().objects.filter(pk=user.pk).values(**checks).get()
    required = row.pop("required")
    return any(row.values()), required


def app_device(user):
    """The confirmed authenticator app, if any (one per person)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_device(user):
    """The recovery codes' device, if any."""
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def passkeys(user):
    """The confirmed passkeys, oldest first."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def sign_in_devices(user):
    """What the code page can check: the confirmed devices, each kind in turn."""
    return list(devices_for_user(user, confirmed=True))


def status(user):
    """What the account page says about two-step sign-in."""
    codes = recovery_device(user)
    return {
        "app": app_device(user),
        "passkeys": list(passkeys(user)),
        "codes_left": codes.token_set.count() if codes else 0,
        "required": required(user),
    }
