"""Demo identity provider: claims, scopes and their descriptions."""

from django.utils.translation import gettext_lazy as _

# Which scope releases each claim (VNeID-like; OpenID Connect Core §5.4 for the standard ones).
CLAIM_SCOPES = {
    "sub": "openid",
    "name": "profile",
    "birthdate": "profile",
    "gender": "profile",
    "email": "email",
    "phone_number": "phone",
    "address": "address",
    "personal_id": "vneid",
}

# What the consent page says each scope shares.
SCOPE_DESCRIPTIONS = {
    "openid": _("That you have an electronic identity (an identifier for this service)"),
    "profile": _("Your full name, date of birth and gender"),
    "email": _("Your e-mail address"),
    "phone": _("Your phone number"),
    "address": _("Your permanent address"),
    "vneid": _("Your personal identification number"),
}

# The sign-in page lists at most this many demonstration accounts.
DEMO_ACCOUNTS_SHOWN = 20
