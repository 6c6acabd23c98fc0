"""Enrolling an authenticator app, recovery codes, and the code page at sign-in."""

import base64
import io

import django_otp
import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.lockout import locked_out

from . import policy
from .forms import ConfirmAppForm, RemoveForm, SignInCodeForm

APP_NAME = "Authenticator app"


def _next(request):
    """Where to go after the second step: the page asked for, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _posted(request):
    # An empty POST is still a submission: it must be refused, not shown as a new form.
    return request.POST if request.method == "POST" else None


def _context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, **extra}


@sensitive_post_parameters("code")
@never_cache
def verify(request):
    """After the password: a code from the app, or a recovery code, before the admin."""
    user = request.user
    if not user.is_authenticated:
        return redirect("admin:login")
    if user.is_verified() or not policy.enrolled(user):
        return redirect(_next(request))
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
    if request.method == "POST" and AxesProxyHandler.is_locked(request, credentials):
        return locked_out(request, credentials=credentials)
    form = SignInCodeForm(user, _posted(request))
    if request.method == "POST":
        if form.is_valid():
            django_otp.login(request, form.device)
            # More is allowed now than before: a new session key, as at login.
            request.session.cycle_key()
            return redirect(_next(request))
        if form.has_error("code", "wrong") or form.has_error("code", "throttled"):
            # django-axes counts this like a wrong password: five in a row lock the login.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    context = {
        **_context(request, "Second step"),
        # No header links: nothing else is open until this step is done.
        "has_permission": False,
        "form": form,
        "next": _next(request),
        "username": user.get_username(),
        "passkeys": policy.passkeys(user).exists(),
    }
    return TemplateResponse(request, "twofactor/verify.html", context)


def _qr_data_uri(text):
    # An <img> of SVG, drawn here: no outside service sees the secret, and the admin's
    # policy allows data: images but not the inline styles a drawn <svg> would carry.
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _grouped(secret):
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_recovery_codes(user):
    """Ten fresh recovery codes; any earlier ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(policy.RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _show_codes(request, codes, first):
    context = _context(request, "Your recovery codes", codes=codes, first=first)
    # Shown this once: admin_view's never_cache keeps it out of the browser's cache too.
    return TemplateResponse(request, "twofactor/codes.html", context)


@sensitive_post_parameters("code")
def enrol_view(request):
    """Add an authenticator app: QR code and secret, confirmed by its first code."""
    user = request.user
    if policy.app_device(user):
        messages.info(request, "Your authenticator app is already set up.")
        return redirect("account")
    # One pending app per person, kept until confirmed: reloading shows the same secret,
    # so a code from an app that already scanned it still works.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    form = ConfirmAppForm(device, _posted(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(user)
        django_otp.login(request, device)
        request.session.cycle_key()
        return _show_codes(request, codes, first=True)
    secret = base64.b32encode(device.bin_key).decode()
    context = _context(
        request,
        "Set up two-step sign-in",
        form=form,
        qr=_qr_data_uri(device.config_url),
        secret=_grouped(secret),
        required=policy.required(user),
        passkey_done=_next(request),
    )
    return TemplateResponse(request, "twofactor/enrol.html", context)


def recovery_view(request):
    """How many recovery codes are left; new ones replace them all."""
    user = request.user
    if not policy.app_device(user):
        messages.info(request, "Set up an authenticator app first; recovery codes come with it.")
        return redirect("twofactor:enrol")
    if request.method == "POST":
        with transaction.atomic():
            codes = _new_recovery_codes(user)
        return _show_codes(request, codes, first=False)
    device = policy.recovery_device(user)
    left = device.token_set.count() if device else 0
    return TemplateResponse(
        request, "twofactor/recovery.html", _context(request, "Recovery codes", left=left)
    )


@sensitive_post_parameters("code", "password")
def remove_view(request):
    """Remove the authenticator app: its recovery codes go with it."""
    user = request.user
    device = policy.app_device(user)
    if device is None:
        return redirect("account")
    form = RemoveForm(user, device, _posted(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
        return _removed(request, "Your authenticator app and its recovery codes were removed.")
    context = _context(request, "Remove the authenticator app", form=form, app=True)
    return TemplateResponse(request, "twofactor/remove.html", context)


@sensitive_post_parameters("code", "password")
def remove_passkey_view(request, pk):
    """Remove one passkey, confirmed by a code from the app or the password."""
    user = request.user
    passkey = get_object_or_404(policy.passkeys(user), pk=pk)
    form = RemoveForm(user, policy.app_device(user), _posted(request))
    if request.method == "POST" and form.is_valid():
        passkey.delete()
        return _removed(request, f"The passkey “{passkey.name}” was removed.")
    context = _context(request, "Remove a passkey", form=form, passkey=passkey)
    return TemplateResponse(request, "twofactor/remove.html", context)


def _removed(request, done):
    if policy.enrolled(request.user):
        messages.success(request, done)
        return redirect("account")
    if policy.required(request.user):
        messages.warning(request, f"{done} Your role needs a second step: set one up again.")
        return redirect("twofactor:enrol")
    messages.success(request, f"{done} Two-step sign-in is off.")
    return redirect("account")


enrol = admin.site.admin_view(enrol_view)
recovery = admin.site.admin_view(recovery_view)
remove = admin.site.admin_view(remove_view)
remove_passkey = admin.site.admin_view(remove_passkey_view)
