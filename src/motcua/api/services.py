"""API client registration (writes).

`create_api_client(name=..., scopes=...)` registers a confidential OAuth2 application for the
client-credentials grant and the API scopes it may ask for. Its secret is returned once and
stored hashed by django-oauth-toolkit: it cannot be shown again (create a new client instead).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from .models import ApiClient


@dataclass(frozen=True)
class NewApiClient:
    client: ApiClient
    client_id: str
    client_secret: str  # shown once, never stored in clear


def create_api_client(*, name: str, scopes: list[str]) -> NewApiClient:
    """Raises ValidationError for an empty name, no scope or an unknown scope."""
    name = name.strip()
    scopes = list(dict.fromkeys(scope.strip() for scope in scopes if scope.strip()))
    if not name:
        raise ValidationError(_("Give the API client a name."))
    unknown = [scope for scope in scopes if scope not in settings.API_SCOPES]
    if unknown or not scopes:
        raise ValidationError(
            _("Choose scopes among: %(scopes)s.") % {"scopes": ", ".join(settings.API_SCOPES)}
        )
    Application = get_application_model()
    secret = generate_client_secret()
    with transaction.atomic():
        application = Application(
            name=name,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
            hash_client_secret=True,
            skip_authorization=True,
        )
        application.full_clean()
        application.save()
        client = ApiClient.objects.create(application=application, scopes=scopes)
    return NewApiClient(client=client, client_id=application.client_id, client_secret=secret)
