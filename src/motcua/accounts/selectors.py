"""Account reads. Staff second factor: which TOTP devices an account has.

Entry points: `has_confirmed_totp_device`, `get_confirmed_totp_device`. Only confirmed
devices count: a device whose enrolment was never finished verifies nothing.
"""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from .constants import UserKind
from .models import User


def has_confirmed_totp_device(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def get_confirmed_totp_device(*, email: str) -> TOTPDevice | None:
    """The confirmed TOTP device of the active staff account with this e-mail address, if any."""
    return (
        TOTPDevice.objects.filter(
            user__username=email.strip().lower(), user__kind=UserKind.STAFF, user__is_active=True, confirmed=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
