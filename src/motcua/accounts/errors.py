"""Account domain errors (stable codes, translated messages)."""

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import MotcuaError


class InvalidOtpToken(MotcuaError):
    code = "invalid_otp_token"
    default_message = _("This code is not valid. Check the time on your phone and enter the code shown now.")


class OtpThrottled(MotcuaError):
    code = "otp_throttled"
    default_message = _("Too many wrong codes. Wait a few seconds, then enter the code shown now.")
    status = 429


class TotpAlreadyEnrolled(MotcuaError):
    code = "totp_already_enrolled"
    default_message = _("This account already has an authenticator app.")
    status = 409


class IdentityMismatch(MotcuaError):
    """The personal identification number typed at a one-stop desk belongs to an account with
    another date of birth (services.find_or_create_counter_citizen)."""

    code = "identity_mismatch"
    default_message = _("This personal identification number is registered with another date of birth. "
                        "Check the number and the date of birth on the identity card.")
