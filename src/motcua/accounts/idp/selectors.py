"""Demo identity provider reads."""

from django.db.models import QuerySet
from oauth2_provider.models import get_application_model

from ..constants import UserKind
from ..models import User
from .constants import DEMO_ACCOUNTS_SHOWN


def list_demo_identities(*, limit: int = DEMO_ACCOUNTS_SHOWN) -> QuerySet[User]:
    """The sandbox's fictitious people, for the sign-in page's demonstration list."""
    return (
        User.objects.filter(kind=UserKind.SANDBOX_IDENTITY, is_active=True)
        .only("username", "full_name", "birth_date")
        .order_by("username")[:limit]
    )


def get_application_by_client_id(client_id: str | None):
    """The registered OIDC client, or None."""
    if not client_id:
        return None
    return get_application_model().objects.filter(client_id=client_id).first()
