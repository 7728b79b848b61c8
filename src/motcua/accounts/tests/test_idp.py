"""The demo identity provider on its own: sign-in page, separate session, claims, consent,
setup command, sandbox identities."""

from __future__ import annotations

import datetime
import stat
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.management import call_command
from oauth2_provider.models import get_application_model
from oauthlib.common import Request as OAuthRequest

from motcua.accounts.constants import UserKind
from motcua.accounts.idp import services as idp_services
from motcua.accounts.idp.validators import IdentityClaimsValidator
from motcua.accounts.middleware import IDP_SESSION_COOKIE_NAME

from .factories import SANDBOX_PASSWORD, CitizenFactory, SandboxIdentityFactory
from .oidc_user_agent import query_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PKCE = {
    # RFC 7636 appendix B.
    "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    "code_challenge": "E9Melhoa2OwvFrEMTJguCQaoeDHmhNtwPEwbUsHqv_8",
}


def _sign_in_at_idp(client, identity, password=SANDBOX_PASSWORD, next_url=""):
    return client.post(
        "/idp/sign-in/", {"personal_id": identity.personal_id, "password": password, "next": next_url}
    )


def _authorize_params(**extra):
    return {
        "response_type": "code",
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "redirect_uri": "http://testserver/oidc/callback/",
        "scope": "openid profile vneid",
        "state": "state-1",
        "nonce": "nonce-1",
        "code_challenge": PKCE["code_challenge"],
        "code_challenge_method": "S256",
        **extra,
    }


@pytest.fixture
def application(idp_signing_key):
    return idp_services.ensure_relying_party_application(site_url="http://testserver")


def test_signing_in_at_the_idp_does_not_sign_anyone_in_to_motcua(client):
    identity = SandboxIdentityFactory()

    response = _sign_in_at_idp(client, identity)

    assert response.status_code == 302 and response["Location"] == "/idp/"
    assert client.cookies[IDP_SESSION_COOKIE_NAME]["path"] == "/idp/"
    assert identity.full_name in client.get("/idp/").content.decode()
    my_dossiers = client.get("/my-dossiers/")
    assert my_dossiers.status_code == 302
    assert urlsplit(my_dossiers["Location"]).path == "/accounts/sign-in/"
    assert client.get("/").wsgi_request.user.is_anonymous


def test_idp_sign_in_refuses_a_wrong_password_with_a_message(client):
    identity = SandboxIdentityFactory()

    response = _sign_in_at_idp(client, identity, password="not the password")

    assert response.status_code == 200
    assert "The personal identification number or the password is incorrect." in response.content.decode()
    assert IDP_SESSION_COOKIE_NAME not in client.cookies or not client.cookies[IDP_SESSION_COOKIE_NAME].value


def test_idp_sign_in_refuses_accounts_that_are_not_sandbox_identities(client):
    citizen = CitizenFactory(username="011090099999", personal_id="011090099999")
    citizen.set_password(SANDBOX_PASSWORD)
    citizen.save()

    response = _sign_in_at_idp(client, citizen)

    assert response.status_code == 200
    assert "is incorrect" in response.content.decode()


def test_sandbox_identity_cannot_use_the_staff_password_backend(rf):
    identity = SandboxIdentityFactory()
    request = rf.post("/accounts/staff/sign-in/")

    assert authenticate(request, username=identity.personal_id, password=SANDBOX_PASSWORD) is None
    assert authenticate(request, username=identity.personal_id, password=SANDBOX_PASSWORD, kind=UserKind.SANDBOX_IDENTITY) == identity


def test_sign_in_page_lists_demo_accounts_when_enabled(client, settings):
    settings.DEBUG = False
    settings.IDP_SHOW_DEMO_ACCOUNTS = True
    identity = SandboxIdentityFactory()

    page = client.get("/idp/sign-in/").content.decode()

    assert identity.personal_id in page and settings.DEMO_PASSWORD in page


def test_sign_in_page_hides_demo_accounts_when_disabled(client, settings):
    settings.DEBUG = False
    settings.IDP_SHOW_DEMO_ACCOUNTS = False
    identity = SandboxIdentityFactory()

    page = client.get("/idp/sign-in/").content.decode()

    assert identity.personal_id not in page and settings.DEMO_PASSWORD not in page


def test_sign_in_ignores_a_next_url_outside_the_idp(client):
    identity = SandboxIdentityFactory()

    for next_url in ("https://evil.example/", "/my-dossiers/"):
        response = _sign_in_at_idp(client, identity, next_url=next_url)
        assert response["Location"] == "/idp/"


def test_authorization_endpoint_sends_anonymous_people_to_the_idp_sign_in(client, application):
    response = client.get("/idp/o/authorize/", _authorize_params())

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/idp/sign-in/"
    assert query_of(response["Location"])["next"].startswith("/idp/o/authorize/?")


def test_consent_page_asks_when_the_client_is_not_trusted(client, application):
    application.skip_authorization = False
    application.save()
    _sign_in_at_idp(client, SandboxIdentityFactory())

    page = client.get("/idp/o/authorize/", _authorize_params())

    assert page.status_code == 200
    html = page.content.decode()
    assert "Your personal identification number" in html and "Your full name, date of birth and gender" in html
    form = {field.name: field.value() for field in page.context["form"] if field.is_hidden}
    form = {key: value for key, value in form.items() if value is not None}

    allowed = client.post("/idp/o/authorize/", {**form, "allow": "on"})
    assert query_of(allowed["Location"])["code"]
    assert query_of(allowed["Location"])["state"] == "state-1"

    cancelled = client.post("/idp/o/authorize/", form)
    assert query_of(cancelled["Location"])["error"] == "access_denied"


def test_rp_initiated_logout_asks_for_confirmation_without_an_id_token_hint(client, application):
    _sign_in_at_idp(client, SandboxIdentityFactory())

    page = client.get("/idp/o/logout/", {"client_id": settings.OIDC_RP_CLIENT_ID})
    assert page.status_code == 200
    assert "Sign out of the electronic identity?" in page.content.decode()

    response = client.post("/idp/o/logout/", {"client_id": settings.OIDC_RP_CLIENT_ID, "allow": "on"})
    assert response.status_code == 302
    assert client.get("/idp/").context["identity"] is None


def test_claims_follow_the_granted_scopes():
    identity = SandboxIdentityFactory(personal_id="001200000042")
    request = OAuthRequest("http://testserver/idp/o/userinfo/")
    request.user = identity
    validator = IdentityClaimsValidator()

    request.scopes = ["openid", "profile"]
    assert validator.get_oidc_claims(None, None, request) == {
        "sub": str(identity.pk),
        "name": identity.full_name,
        "birthdate": "1990-04-30",
        "gender": "female",
    }

    request.scopes = ["openid", "email", "phone", "address", "vneid"]
    claims = validator.get_oidc_claims(None, None, request)
    assert claims["personal_id"] == "001200000042"
    assert claims["email"] == identity.email and claims["phone_number"] == "0912345678"
    assert claims["address"] == {
        "formatted": "Tổ dân phố 5, phường Điện Biên Phủ, tỉnh Điện Biên",
        "street_address": "Tổ dân phố 5",
        "commune_code": "03151",
        "province_code": "11",
        "country": "VN",
    }
    assert "name" not in claims


def test_discovery_document_announces_rs256_and_the_vneid_claims(client, idp_signing_key):
    document = client.get("/idp/o/.well-known/openid-configuration").json()

    assert document["issuer"] == settings.OAUTH2_PROVIDER["OIDC_ISS_ENDPOINT"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert document["end_session_endpoint"].endswith("/idp/o/logout/")
    assert {"personal_id", "address", "birthdate"} <= set(document["claims_supported"])
    assert "S256" in document["code_challenge_methods_supported"]
    assert client.get("/idp/o/.well-known/jwks.json").json()["keys"][0]["kty"] == "RSA"


def test_application_management_pages_are_not_exposed(client):
    assert client.get("/idp/o/applications/").status_code == 404
    assert client.get("/idp/o/register/").status_code == 404


def test_tampered_idp_session_cookie_gives_the_sign_in_page(client):
    client.cookies[IDP_SESSION_COOKIE_NAME] = "garbage"

    response = client.get("/idp/sign-in/")

    assert response.status_code == 200 and response.wsgi_request.user.is_anonymous


# --- Setup command and sandbox identities ---------------------------------------------------
def test_idp_setup_creates_the_key_and_the_client_once(settings, tmp_path):
    settings.IDP_RSA_PRIVATE_KEY_PATH = tmp_path / "keys" / "idp_rsa.pem"
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": ""}

    call_command("idp_setup", stdout=None)
    key = settings.IDP_RSA_PRIVATE_KEY_PATH.read_text()
    call_command("idp_setup", stdout=None)

    assert settings.IDP_RSA_PRIVATE_KEY_PATH.read_text() == key and "PRIVATE KEY" in key
    assert stat.S_IMODE(settings.IDP_RSA_PRIVATE_KEY_PATH.stat().st_mode) == 0o600
    Application = get_application_model()
    application = Application.objects.get()
    assert application.client_id == settings.OIDC_RP_CLIENT_ID
    assert application.client_type == Application.CLIENT_CONFIDENTIAL
    assert application.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert application.algorithm == Application.RS256_ALGORITHM
    assert application.skip_authorization is True
    assert application.redirect_uris.split() == [
        "http://127.0.0.1:8000/oidc/callback/",
        "http://localhost:8000/oidc/callback/",
    ]
    assert application.post_logout_redirect_uris.split() == ["http://127.0.0.1:8000/", "http://localhost:8000/"]
    from django.contrib.auth.hashers import check_password

    assert check_password(settings.OIDC_RP_CLIENT_SECRET, application.client_secret)


def test_upsert_sandbox_identity_creates_then_updates_one_identity():
    data = {
        "personal_id": "011200003456",
        "password": "first password 1",
        "full_name": "Quàng Văn Minh",
        "birth_date": datetime.date(1985, 1, 2),
        "gender": "male",
        "phone": "0912000111",
        "email": "Minh@Example.vn",
        "address": {"street": "Bản Noong Bua", "commune_code": "03151", "province_code": "11", "formatted": "Bản Noong Bua"},
    }
    first = idp_services.upsert_sandbox_identity(**data)
    second = idp_services.upsert_sandbox_identity(**{**data, "phone": "0912000222", "password": "second password 2"})

    assert first.pk == second.pk
    assert second.kind == UserKind.SANDBOX_IDENTITY and not second.is_staff
    assert second.username == second.personal_id == "011200003456"
    assert second.phone == "0912000222" and second.email == "Minh@example.vn"
    assert second.check_password("second password 2")


def test_upsert_sandbox_identity_rejects_a_malformed_personal_id():
    with pytest.raises(ValidationError):
        idp_services.upsert_sandbox_identity(
            personal_id="12345",
            password="x",
            full_name="X",
            birth_date=datetime.date(1990, 1, 1),
            gender="male",
            phone="",
            email="",
            address={},
        )
