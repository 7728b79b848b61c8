"""Staff sign-in forms: e-mail and password, TOTP code, password reset."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import loader
from django.utils.translation import gettext_lazy as _

from motcua.core.forms import AccessibleFormMixin

from . import lockout, tasks
from .constants import UserKind

EMAIL_MAX_LENGTH = 254
# Long enough for any passphrase, short enough that nobody makes the server hash megabytes.
PASSWORD_MAX_LENGTH = 1024
TOTP_CODE_RE = re.compile(r"[0-9]{6}")


class _EmailField(forms.EmailField):
    def run_validators(self, value):
        if value and self.max_length is not None and len(value) > self.max_length:
            # One message, not "too long" plus "wrong format".
            raise ValidationError(self.error_messages["max_length"], code="max_length")
        super().run_validators(value)


def _email_field(autocomplete: str) -> forms.EmailField:
    return _EmailField(
        label=_("E-mail address"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": autocomplete, "spellcheck": "false", "autocapitalize": "none"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address in the right format, like name@example.gov.vn."),
            "max_length": _("An e-mail address has at most 254 characters."),
        },
    )


class StaffLoginForm(AccessibleFormMixin, forms.Form):
    """Step one of staff sign-in. Never says whether an account exists: every refusal reads
    "wrong e-mail address or password". Wrong passwords are counted by django-axes."""

    email = _email_field("username")
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={
            "required": _("Enter your password."),
            "max_length": _("This password is too long."),
        },
    )

    error_messages = {"invalid_login": _("Wrong e-mail address or password.")}

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        return lockout.normalise_username(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            user = authenticate(self.request, username=email, password=password, kind=UserKind.STAFF)
            if user is None or not user.is_staff_member:
                raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")
            self.user = user
        return cleaned


class TotpCodeForm(AccessibleFormMixin, forms.Form):
    """A 6-digit code from an authenticator app; spaces and dashes are ignored."""

    code = forms.CharField(
        label=_("6-digit code"),
        max_length=32,
        help_text=_("Open the authenticator app on your phone and type the code it shows now for this account."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "input--code", "spellcheck": "false"}
        ),
        error_messages={
            "required": _("Enter the 6-digit code from your authenticator app."),
            "max_length": _("Enter the 6 digits shown by your authenticator app, like 123456."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._describe_fields()

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not TOTP_CODE_RE.fullmatch(code):
            raise ValidationError(_("Enter the 6 digits shown by your authenticator app, like 123456."), code="format")
        return code


class StaffPasswordResetForm(AccessibleFormMixin, PasswordResetForm):
    """Password reset for staff accounts only (citizens have no password on motcua). The page
    answers the same whether or not a staff account has this address."""

    email = _email_field("email")

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.kind == UserKind.STAFF and user.is_staff)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None):
        """Render now (in the user's language), send from the task queue after commit."""
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html_body = loader.render_to_string(html_email_template_name, context) if html_email_template_name else None
        transaction.on_commit(
            lambda: tasks.send_account_email.enqueue(subject=subject, body=body, to=to_email, html_body=html_body)
        )


class StaffSetPasswordForm(AccessibleFormMixin, SetPasswordForm):
    """The new password, from the link in the reset e-mail. Setting it also lifts a lockout:
    the link proves the staff member holds the mailbox."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = _(
            "At least 10 characters, not only digits, not a common password and not close to your name or e-mail address."
        )
        self._describe_fields()

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            lockout.clear_password_failures(username=user.get_username())
        return user
