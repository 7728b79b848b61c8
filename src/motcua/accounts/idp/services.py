"""Demo identity provider (sandbox) use cases.

Entry points:
- `upsert_sandbox_identity`: create or update one fictitious person of the sandbox (demo data).
- `ensure_relying_party_application`: register motcua itself as the sandbox's OIDC client
  (`manage.py idp_setup`).

Invariants: a sandbox identity is an `accounts.User` of kind SANDBOX_IDENTITY whose username
is its 12-digit personal ID number; it never has back-office rights, and the password
backends refuse it everywhere except on the IdP's own sign-in form.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from oauth2_provider.models import get_application_model

from ..constants import Gender, UserKind
from ..models import User, personal_id_validator

ADDRESS_KEYS = ("street", "commune_code", "province_code", "formatted")
RELYING_PARTY_NAME = "motcua"
CALLBACK_PATH = "/oidc/callback/"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


@transaction.atomic
def upsert_sandbox_identity(
    *,
    personal_id: str,
    password: str,
    full_name: str,
    birth_date: date,
    gender: str,
    phone: str,
    email: str,
    address: dict,
) -> User:
    """Create or update the sandbox identity with this personal ID number.

    `address` is {"street", "commune_code", "province_code", "formatted"} (2025 unit codes).
    Raises ValueError when the username belongs to an account of another kind, and
    ValidationError for malformed data (personal ID not 12 digits, unknown gender...).
    """
    personal_id = personal_id.strip()
    personal_id_validator(personal_id)
    user = User.objects.filter(username=personal_id).first()
    if user is None:
        user = User(username=personal_id)
    elif user.kind != UserKind.SANDBOX_IDENTITY:
        raise ValueError(f"username {personal_id!r} belongs to an account that is not a sandbox identity")
    user.kind = UserKind.SANDBOX_IDENTITY
    user.is_staff = False
    user.is_superuser = False
    user.personal_id = personal_id
    user.full_name = full_name
    user.birth_date = birth_date
    user.gender = gender if gender in Gender.values else ""
    user.phone = phone
    user.email = User.objects.normalize_email(email) if email else ""
    user.address = {key: str(address.get(key) or "") for key in ADDRESS_KEYS}
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def relying_party_redirect_uris(site_url: str, path: str = CALLBACK_PATH) -> list[str]:
    """`site_url + path`, plus the same URL on the other loopback name (127.0.0.1 and
    localhost are different origins to a browser, and a demo may be opened with either)."""
    parts = urlsplit(site_url.rstrip("/"))
    uris = [urlunsplit((parts.scheme, parts.netloc, path, "", ""))]
    if parts.hostname in LOOPBACK_HOSTS:
        for host in LOOPBACK_HOSTS:
            if host != parts.hostname:
                netloc = f"{host}:{parts.port}" if parts.port else host
                uris.append(urlunsplit((parts.scheme, netloc, path, "", "")))
    return uris


def relying_party_origins(site_url: str) -> list[str]:
    """Origins the relying party may be reached at (for the IdP pages' CSP form-action)."""
    return sorted({"{0.scheme}://{0.netloc}".format(urlsplit(uri)) for uri in relying_party_redirect_uris(site_url)})


@transaction.atomic
def ensure_relying_party_application(*, site_url: str | None = None):
    """Create or update the OIDC client that motcua uses at the demo identity provider.

    Client id and secret come from settings.OIDC_RP_CLIENT_ID / OIDC_RP_CLIENT_SECRET;
    confidential client, authorization code with PKCE (OAUTH2_PROVIDER["PKCE_REQUIRED"]),
    RS256 ID tokens, trusted (no consent screen). Idempotent. Requires the RSA key to be
    active (keys.activate_signing_key).
    """
    Application = get_application_model()
    site_url = (site_url or settings.SITE_URL).rstrip("/")
    application = Application.objects.filter(client_id=settings.OIDC_RP_CLIENT_ID).first()
    if application is None:
        application = Application(client_id=settings.OIDC_RP_CLIENT_ID)
    application.name = settings.ADMINISTRATION_NAME or RELYING_PARTY_NAME
    application.client_type = Application.CLIENT_CONFIDENTIAL
    application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    application.client_secret = settings.OIDC_RP_CLIENT_SECRET
    application.hash_client_secret = True
    application.redirect_uris = " ".join(relying_party_redirect_uris(site_url))
    application.post_logout_redirect_uris = " ".join(relying_party_redirect_uris(site_url, path="/"))
    application.algorithm = Application.RS256_ALGORITHM
    application.skip_authorization = True
    application.full_clean(exclude=["user"])
    application.save()
    return application
