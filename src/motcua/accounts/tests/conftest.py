"""Fixtures for the OpenID Connect tests: the demo identity provider's key, and a live
server on which motcua (relying party) and the demo IdP (provider) talk real HTTP."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from motcua.accounts.idp import keys
from motcua.accounts.idp import services as idp_services

from .oidc_user_agent import UserAgent


@pytest.fixture(scope="session")
def idp_rsa_private_key() -> str:
    """One RSA key for the whole test session (generating one takes a noticeable moment)."""
    return keys.generate_rsa_private_key_pem()


@pytest.fixture
def idp_signing_key(settings, idp_rsa_private_key) -> str:
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": idp_rsa_private_key}
    return idp_rsa_private_key


@pytest.fixture
def oidc_live(live_server, settings, idp_signing_key):
    """Point every OIDC_* endpoint of the relying party, and the IdP's issuer, at the live
    server, and register motcua's client there (as `manage.py idp_setup` does).

    The browser side is a `requests.Session` (tests/oidc_user_agent.py), so both sides of the
    protocol go over HTTP: redirects, cookies per path, the back channel (token, JWKS,
    userinfo) from the relying party to the provider."""
    base = live_server.url
    issuer = f"{base}/idp/o"
    settings.SITE_URL = base
    settings.OIDC_OP_ISSUER = issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{issuer}/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{issuer}/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{issuer}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{issuer}/.well-known/jwks.json"
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{issuer}/logout/"
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": issuer}
    application = idp_services.ensure_relying_party_application(site_url=base)
    return SimpleNamespace(url=base, issuer=issuer, application=application)


@pytest.fixture
def user_agents(oidc_live):
    """`user_agents()` opens a new browser (its own cookies) on the live server."""
    opened = []

    def open_user_agent() -> UserAgent:
        agent = UserAgent(oidc_live.url)
        opened.append(agent)
        return agent

    yield open_user_agent
    for agent in opened:
        agent.close()


@pytest.fixture
def english(settings):
    """Pages in English (the msgids), whatever the catalogues say: tests read the messages."""
    settings.LANGUAGE_CODE = "en"
