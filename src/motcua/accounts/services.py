"""Account use cases (writes): profile writes, staff accounts and the staff second factor
(TOTP devices: provisioning, enrolment, verification). The password lockout policy lives
in accounts/lockout.py.

Invariant: a staff account reaches the back office only through a *confirmed* TOTP device;
an unconfirmed device (enrolment in progress) never verifies a sign-in.
"""

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core.errors import PermissionDenied

from .constants import UserKind
from .errors import InvalidOtpToken, OtpThrottled, TotpAlreadyEnrolled
from .models import User


def set_preferred_language(*, actor: User, language: str) -> User:
    """Remember the interface language the user chose. Permission: the user themselves."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unsupported language {language!r}")
    if actor.preferred_language != language:
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])
    return actor


def upsert_staff_user(*, email: str, full_name: str, password: str | None = None, is_superuser: bool = False) -> User:
    """Create or update a staff account identified by its e-mail address.

    Used by onboarding (staff CSV import, demo data). Staff must still enrol a TOTP device
    before they can reach the back office. A password of None leaves it unusable (the staff
    member sets one through the password-reset e-mail).
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(username=email).first() or User(username=email)
    user.email = email
    user.full_name = full_name
    user.kind = UserKind.STAFF
    user.is_staff = True
    user.is_superuser = is_superuser
    if password is not None:
        user.set_password(password)
    elif not user.pk:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


# --- Staff second factor (TOTP, django-otp) --------------------------------------------------

TOTP_DEVICE_NAME = "authenticator"


def _require_staff_account(user: User) -> None:
    if user.kind != UserKind.STAFF:
        raise PermissionDenied()


def _check_totp_token(device: TOTPDevice, token: str) -> None:
    """Verify `token` against `device` (which records the throttling and the last time step
    used, so a code cannot be replayed). Runs outside any transaction of ours so that a wrong
    code is still counted when we raise."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise OtpThrottled()
    if not device.verify_token(token):
        raise InvalidOtpToken()


def provision_totp_device(*, user: User, key_hex: str | None = None) -> TOTPDevice:
    """Give a staff account a confirmed TOTP device, replacing any it had.

    For demo data, tests and scripted onboarding; staff normally enrol themselves at their first
    sign-in (`start_totp_enrolment`). `key_hex` is the shared secret in hex (default: random,
    20 bytes). Raises PermissionDenied for a non-staff account, ValidationError for a bad key.
    """
    _require_staff_account(user)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
        if key_hex is not None:
            device.key = key_hex.lower()
        device.full_clean()
        device.save()
    return device


def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed TOTP device a staff member is enrolling: created on the first call, the
    same one (so the same secret) on later calls until it is confirmed.

    Raises TotpAlreadyEnrolled if the account has a confirmed device (replacing a device is an
    administrator's job, so a stolen password alone cannot add one), PermissionDenied for a
    non-staff account.
    """
    _require_staff_account(user)
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise TotpAlreadyEnrolled()
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
            device.full_clean()
            device.save()
    return device


def confirm_totp_enrolment(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm an enrolment with the first code the authenticator app shows.

    Raises InvalidOtpToken (wrong or replayed code, or not this user's pending device),
    OtpThrottled (too many wrong codes in a row: django-otp's growing delay),
    TotpAlreadyEnrolled. Other pending devices of the user are removed.
    """
    _require_staff_account(user)
    if device.user_id != user.pk:
        raise InvalidOtpToken()
    if device.confirmed or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise TotpAlreadyEnrolled()
    _check_totp_token(device, token)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    return device


def verify_staff_totp(*, user: User, token: str) -> TOTPDevice:
    """The confirmed TOTP device of `user` that accepts `token` (second step of staff sign-in).

    Raises InvalidOtpToken, or OtpThrottled when every device is in its throttling delay.
    """
    _require_staff_account(user)
    throttled = False
    for device in TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"):
        try:
            _check_totp_token(device, token)
        except OtpThrottled:
            throttled = True
        except InvalidOtpToken:
            continue
        else:
            return device
    if throttled:
        raise OtpThrottled()
    raise InvalidOtpToken()
