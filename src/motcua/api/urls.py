"""The API under /api/: version 1 (ninja) and the OAuth2 endpoints API clients use.

The token and introspection endpoints of django-oauth-toolkit are exposed here for API clients
whether or not the demo identity provider (/idp/, settings.IDP_ENABLED) is on.
"""

from django.urls import path
from oauth2_provider import views as oauth2_views

from .v1 import api

urlpatterns = [
    path("v1/", api.urls),
    path("oauth/token/", oauth2_views.TokenView.as_view(), name="api-oauth-token"),
    path("oauth/introspect/", oauth2_views.IntrospectTokenView.as_view(), name="api-oauth-introspect"),
]
