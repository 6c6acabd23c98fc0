"""Your account: any staff user's own name and e-mail address, set in the admin.

No permission on users is needed: everyone may change these three fields of their own
account, and only those. The address is where notifications are e-mailed.
"""

import unicodedata

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import BaseUserManager
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from twofactor import policy as two_step

FIELDS = ["first_name", "last_name", "email"]


def _one_line(value):
    # A name is shown in messages and e-mail subjects: a line break or control there
    # would be nothing but trouble.
    if any(unicodedata.category(char).startswith("C") for char in value):
        raise forms.ValidationError("Use letters and spaces only, on one line.")
    return value


class AccountForm(forms.ModelForm):
    required_css_class = "required"

    class Meta:
        model = get_user_model()
        fields = FIELDS
        help_texts = {"email": "Notifications are e-mailed here."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "email"):
            self.fields[name].required = True

    def clean_first_name(self):
        return _one_line(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return _one_line(self.cleaned_data["last_name"])

    def clean_email(self):
        email = BaseUserManager.normalize_email(self.cleaned_data["email"])
        others = get_user_model().objects.exclude(pk=self.instance.pk)
        if others.filter(email__iexact=email).exists():
            raise forms.ValidationError("Another account uses this address.")
        return email


def account_view(request):
    """Show and change the signed-in user's name and e-mail address."""
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        # These fields only: a password changed meanwhile in another tab stays changed.
        user.save(update_fields=FIELDS)
        messages.success(request, "Your details were saved.")
        return redirect("account")
    context = {
        **admin.site.each_context(request),
        "title": "Your account",
        "form": form,
        "two_step": two_step.status(request.user),
    }
    return TemplateResponse(request, "admin/account.html", context)


view = admin.site.admin_view(account_view)
