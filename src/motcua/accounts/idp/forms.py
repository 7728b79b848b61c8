"""The demo identity provider's sign-in form."""

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from ..constants import PERSONAL_ID_LENGTH, UserKind
from ..models import personal_id_validator


class IdentitySignInForm(forms.Form):
    personal_id = forms.CharField(
        label=_("Personal identification number"),
        help_text=_("The 12 digits on your chip-based citizen identity card."),
        max_length=PERSONAL_ID_LENGTH,
        validators=[personal_id_validator],
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric", "class": "idp-input--id"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("The personal identification number or the password is incorrect."),
    }

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        personal_id, password = cleaned.get("personal_id"), cleaned.get("password")
        if personal_id and password:
            # Only sandbox identities: a staff or citizen account never signs in here.
            self.user = authenticate(self.request, username=personal_id, password=password, kind=UserKind.SANDBOX_IDENTITY)
            if self.user is None or not self.user.is_active:
                raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return cleaned
