"""OpenID Connect relying party for citizens (mozilla-django-oidc)."""

from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    pass


def provider_logout_url(request):
    return "/"
