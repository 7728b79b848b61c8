"""Account use cases (writes). Staff sign-in, 2FA enrolment and OIDC user provisioning
live in their own modules; this module holds the small profile writes."""

from django.conf import settings

from .models import User


def set_preferred_language(*, actor: User, language: str) -> User:
    """Remember the interface language the user chose. Permission: the user themselves."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unsupported language {language!r}")
    if actor.preferred_language != language:
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])
    return actor
