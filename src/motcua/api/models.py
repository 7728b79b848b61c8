"""API clients: the OAuth2 applications (django-oauth-toolkit) of agency systems and the API
scopes each one was given (`manage.py api_client_create`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class ApiClient(models.Model):
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL, verbose_name=_("OAuth2 application"), on_delete=models.CASCADE, related_name="api_client"
    )
    # Names from settings.API_SCOPES; the token endpoint grants no other API scope to this client.
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.application.name or self.application.client_id
