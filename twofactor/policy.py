"""Who must sign in with a second factor, and whether they can yet."""

from django.conf import settings
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def app_device(user):
    """The confirmed authenticator app, if any (one per person)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_device(user):
    """The recovery codes' device, if any."""
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def sign_in_devices(user):
    """What the code page can check: the confirmed devices, each kind in turn."""
    return list(devices_for_user(user, confirmed=True))


def status(user):
    """What the account page says about two-step sign-in."""
    codes = recovery_device(user)
    return {
        "app": app_device(user),
        "codes_left": codes.token_set.count() if codes else 0,
        "required": required(user),
    }
