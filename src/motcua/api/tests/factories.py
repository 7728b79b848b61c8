"""API test data: clients registered through the real service, tokens from the token endpoint."""

from __future__ import annotations

import base64

from django.urls import reverse

from motcua.api import services


def make_api_client(*, scopes=("prefill",), name="Agency records system"):
    """A registered API client (`.client_id`, `.client_secret`)."""
    return services.create_api_client(name=name, scopes=list(scopes))


def fetch_token(http_client, api_client, **extra) -> dict:
    """The token endpoint's JSON answer for `api_client` (client credentials, HTTP Basic)."""
    credentials = base64.b64encode(f"{api_client.client_id}:{api_client.client_secret}".encode()).decode()
    response = http_client.post(reverse("api-oauth-token"), {"grant_type": "client_credentials", **extra},
                                HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert response.status_code == 200, response.content
    return response.json()


def bearer(http_client, api_client, **extra) -> dict:
    """Request headers carrying a fresh access token of `api_client`."""
    return {"Authorization": f"Bearer {fetch_token(http_client, api_client, **extra)['access_token']}"}
