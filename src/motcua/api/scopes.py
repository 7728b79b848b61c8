"""django-oauth-toolkit scopes backend (OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"]).

API scopes (settings.API_SCOPES) are granted only to the API clients that were given them: a
client asking the token endpoint for another scope is refused (invalid_scope), and a client
asking for none gets all of its own. Other OAuth2 applications (the demo identity provider's
OpenID Connect clients) keep the identity scopes and never get an API scope.
"""

from __future__ import annotations

from django.conf import settings
from oauth2_provider.scopes import SettingsScopes


def _client_scopes(application) -> list[str] | None:
    """The API scopes of `application` if it is an API client, else None."""
    if application is None or getattr(application, "pk", None) is None:
        return None
    from .models import ApiClient

    client = ApiClient.objects.filter(application_id=application.pk).only("scopes").first()
    if client is None:
        return None
    return [scope for scope in client.scopes if scope in settings.API_SCOPES]


class ApiClientScopes(SettingsScopes):
    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        scopes = _client_scopes(application)
        if scopes is not None:
            return scopes
        return [scope for scope in super().get_available_scopes(application, request) if scope not in settings.API_SCOPES]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        scopes = _client_scopes(application)
        if scopes is not None:
            return scopes
        return super().get_default_scopes(application, request)
