"""Account use cases (writes). Staff sign-in, 2FA enrolment and OIDC user provisioning
live in their own modules; this module holds the small profile writes."""

from django.conf import settings

from .constants import UserKind
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
