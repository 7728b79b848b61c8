"""Account use cases (writes): profile writes, staff accounts and the staff second factor
(TOTP devices: provisioning, enrolment, verification). The password lockout policy lives
in accounts/lockout.py.

Invariant: a staff account reaches the back office only through a *confirmed* TOTP device;
an unconfirmed device (enrolment in progress) never verifies a sign-in.
"""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core.errors import PermissionDenied

from . import tasks
from .constants import UserKind
from .errors import IdentityMismatch, InvalidOtpToken, OtpThrottled, TotpAlreadyEnrolled
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


# --- Staff invitations ------------------------------------------------------------------------


def send_password_setup(*, email: str) -> bool:
    """E-mail a new staff account (created by an import, without a password) the link to choose
    its password. The link is the password-reset one (same token, same lifetime). "Forgot your
    password?" never writes to accounts without a usable password (they may be closed to
    passwords on purpose), so an expired invitation is sent again by a procedure administrator
    (instruction/views/groups.py). Returns False when no such staff account, or it has a password."""
    user = User.objects.filter(email__iexact=email, kind=UserKind.STAFF, is_active=True).first()
    if user is None or user.has_usable_password():
        return False
    link = settings.SITE_URL + reverse(
        "accounts:password-reset-confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    context = {"user": user, "link": link, "administration_name": settings.ADMINISTRATION_NAME}
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = "".join(loader.render_to_string("accounts/email/staff_invitation_subject.txt", context).splitlines())
        body = loader.render_to_string("accounts/email/staff_invitation.txt", context)
    transaction.on_commit(lambda: tasks.send_account_email.enqueue(subject=subject, body=body, to=user.email))
    return True


# --- Citizens filed for at a one-stop desk ----------------------------------------------------

COUNTER_USERNAME_PREFIX = "counter:"
_CITIZEN_SIDE_KINDS = (UserKind.CITIZEN, UserKind.BUSINESS_REPRESENTATIVE)


def counter_username(personal_id: str) -> str:
    """The username of the account made at a one-stop desk for this personal ID number."""
    return f"{COUNTER_USERNAME_PREFIX}{personal_id}"


def find_or_create_counter_citizen(
    *, personal_id: str, full_name: str, birth_date=None, phone: str = "", email: str = "", address: dict | None = None,
) -> User:
    """The account that owns a dossier filed at a one-stop desk for the person with this
    personal identification number (the officer reads it on the identity card):

    - the citizen-side account that signed in with this number through the identity provider
      (the most recently verified), unchanged: its identity is the provider's;
    - else the account made at a desk for this number (username `counter_username`), its
      contact details updated with those typed now;
    - else a new one of kind citizen, with no usable password and no OIDC subject: nobody can
      sign in to it, until the person signs in with the identity provider, which then takes it
      over with its dossiers (`claim_counter_account`, called by oidc.CitizenOIDCBackend).

    Raises IdentityMismatch when the account found has another date of birth: a mistyped
    number would give the dossier to someone else. No permission check: the caller (the
    counter filing service) checks its own. Call inside the caller's transaction."""
    verified = (
        User.objects.filter(personal_id=personal_id, kind__in=_CITIZEN_SIDE_KINDS, is_active=True)
        .exclude(oidc_subject="").order_by("-identity_verified_at", "-pk").first()
    )
    account = verified or User.objects.filter(username=counter_username(personal_id)).first()
    if account is not None and birth_date and account.birth_date and account.birth_date != birth_date:
        raise IdentityMismatch()
    if verified is not None:
        return verified
    details = {"full_name": full_name[:200], "birth_date": birth_date, "phone": phone[:20], "email": email,
               "address": address or {}}
    if account is None:
        # get_or_create: another desk may create the same account at the same moment.
        account, created = User.objects.get_or_create(
            username=counter_username(personal_id),
            defaults={"kind": UserKind.CITIZEN, "personal_id": personal_id, "password": make_password(None), **details},
        )
        if created:
            return account
    if account.kind != UserKind.CITIZEN or account.oidc_subject or not account.is_active:
        raise IdentityMismatch()  # taken over or closed meanwhile: not an account to file for
    typed = {name: value for name, value in details.items() if value}  # what was left out stays
    for name, value in typed.items():
        setattr(account, name, value)
    account.full_clean(exclude=["password"])
    account.save(update_fields=list(typed))
    return account


def claim_counter_account(*, personal_id: str, birth_date=None) -> User | None:
    """The account made at a one-stop desk for this personal ID number, locked, for the person
    who just proved that number with the identity provider (None when there is none, or when
    its date of birth differs from the provider's). The caller links it to the provider's
    subject in the same transaction."""
    account = (
        User.objects.select_for_update()
        .filter(username=counter_username(personal_id), personal_id=personal_id, kind=UserKind.CITIZEN, oidc_subject="")
        .first()
    )
    if account is None or (birth_date and account.birth_date and account.birth_date != birth_date):
        return None
    return account
