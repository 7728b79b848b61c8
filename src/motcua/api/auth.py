"""OAuth2 bearer authentication for API operations, one scope each (RFC 6750).

Tokens come from the client-credentials grant of django-oauth-toolkit at /api/oauth/token/ and
are checked by DOT itself (lookup by checksum, expiry, revocation, resource indicators):
- no bearer token: 401, `WWW-Authenticate: Bearer realm="motcua"`;
- unknown, expired or revoked token: 401, `error="invalid_token"`;
- valid token without the operation's scope: 403, `error="insufficient_scope"`.
`request.auth` is then an `ApiPrincipal`.

Usage in an app's api.py: `router = Router(auth=OAuth2Scope("prefill"))`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.security.base import AuthBase
from oauth2_provider.oauth2_backends import get_oauthlib_core

from .errors import InsufficientScope, InvalidToken

# Where API clients get their tokens (motcua/api/urls.py, mounted under /api/).
TOKEN_URL = "/api/oauth/token/"


@dataclass(frozen=True)
class ApiPrincipal:
    """Who calls: the API client's OAuth2 application and the scopes of its token."""

    application: Any
    scopes: frozenset[str]

    @property
    def client_id(self) -> str:
        return self.application.client_id

    def __str__(self) -> str:
        return self.client_id


class OAuth2Scope(AuthBase):
    """A valid bearer token carrying `scope` (a name from settings.API_SCOPES)."""

    openapi_type = "oauth2"
    # Name of the security scheme in the OpenAPI document (openapi.py).
    security_scheme_name = "oauth2"

    def __init__(self, scope: str):
        if scope not in settings.API_SCOPES:
            raise ImproperlyConfigured(f"unknown API scope {scope!r}: add it to settings.API_SCOPES")
        self.scope = scope
        super().__init__()

    @property
    def openapi_flows(self) -> dict:
        return {"clientCredentials": {"tokenUrl": TOKEN_URL, "scopes": dict(settings.API_SCOPES)}}

    def __call__(self, request: HttpRequest) -> ApiPrincipal | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None  # ninja answers 401 (errors.NotAuthenticated)
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[self.scope])
        if valid:
            return ApiPrincipal(application=oauth_request.access_token.application, scopes=frozenset(oauth_request.scopes))
        error = (getattr(oauth_request, "oauth2_error", None) or {}).get("error")
        if error == "insufficient_scope":
            raise InsufficientScope(self.scope)
        raise InvalidToken()
