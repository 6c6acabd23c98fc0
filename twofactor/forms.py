"""The forms of the second step: a code to sign in, to confirm an app, to remove it."""

import re

from django import forms
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import policy

# An app's code is six digits; a recovery code is the eight letters and digits we issued.
APP_CODE = re.compile(r"\d{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")

WRONG = "That code did not work. Check it and try again; an app's code changes every 30 seconds."
WAIT = "Too many wrong codes: wait a minute, then try again with a new code."


def _normalise(code):
    # People copy codes with spaces or hyphens ("123 456", "abcd-efgh"); neither matters.
    return re.sub(r"[\s-]", "", code).lower()


def _check(device, code):
    """The device, if ``code`` is right; ValidationError if not, or while throttled."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise forms.ValidationError(WAIT, code="throttled")
    # Through django-otp's verify_token: the device row is locked while it is checked, so
    # two requests cannot both spend one code.
    verified = verify_token(device.user, device.persistent_id, code)
    if verified is None:
        raise forms.ValidationError(WRONG, code="wrong")
    return verified


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(strip=True, **kwargs)
        self.widget.attrs.update(
            {"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        )


class SignInCodeForm(forms.Form):
    """The second step: a code from the app, or one of the recovery codes."""

    code = CodeField(
        label="Code",
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        self.device = None
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = _normalise(self.cleaned_data["code"])
        if APP_CODE.fullmatch(code):
            kind = TOTPDevice
        elif RECOVERY_CODE.fullmatch(code):
            kind = StaticDevice
        else:
            raise forms.ValidationError(
                "Enter the 6 digits from your app, or a recovery code of 8 letters and digits.",
                code="format",
            )
        devices = [d for d in policy.sign_in_devices(self.user) if isinstance(d, kind)]
        if not devices:
            raise forms.ValidationError(WRONG, code="wrong")
        self.device = _check(devices[0], code)
        return code


class ConfirmAppForm(forms.Form):
    """The first code from a newly added app, which proves it was set up right."""

    code = CodeField(
        label="Code from the app",
        help_text="Add the account to your app, then type the 6-digit code it shows.",
    )

    def __init__(self, device, *args, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = _normalise(self.cleaned_data["code"])
        if not APP_CODE.fullmatch(code):
            raise forms.ValidationError("Enter the 6 digits the app shows.", code="format")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(WAIT, code="throttled")
        # An unconfirmed device, which verify_token() above would not load.
        if not self.device.verify_token(code):
            raise forms.ValidationError(WRONG, code="wrong")
        return code


class RemoveForm(forms.Form):
    """Removing a second factor needs a current code or the password, not just a session.

    ``device`` is the authenticator app, if there is one; without it, the password only.
    """

    code = CodeField(label="Code from the app", required=False)
    password = forms.CharField(
        label="Or your password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, device, *args, **kwargs):
        self.user, self.device = user, device
        super().__init__(*args, **kwargs)
        if device is None:
            del self.fields["code"]
            self.fields["password"].label = "Your password"

    def clean(self):
        code = _normalise(self.cleaned_data.get("code") or "")
        password = self.cleaned_data.get("password") or ""
        if code:
            if not APP_CODE.fullmatch(code):
                self.add_error("code", "Enter the 6 digits the app shows.")
            else:
                try:
                    _check(self.device, code)
                except forms.ValidationError as error:
                    self.add_error("code", error)
        elif password:
            if not self.user.check_password(password):
                self.add_error("password", "That is not your password.")
        else:
            raise forms.ValidationError(
                "Type a code from your app, or your password, to confirm it is you."
                if self.device
                else "Type your password to confirm it is you.",
                code="missing",
            )
        return self.cleaned_data
