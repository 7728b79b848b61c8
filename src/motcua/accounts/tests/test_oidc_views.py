"""Relying-party pages and rules that need no identity provider: sign-in and failure pages,
sign-out, claim checks, the logout URL, tampered cookies."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from motcua.accounts.constants import UserKind
from motcua.accounts.oidc import FAILURE_SESSION_KEY, CitizenOIDCBackend, FailureReason, provider_logout_url

from .factories import CitizenFactory, StaffFactory
from .oidc_user_agent import query_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

VALID_CLAIMS = {"sub": "42", "personal_id": "011090012345", "name": "Lò Thị Hoa"}


def test_citizen_sign_in_page_offers_one_button_to_the_identity_provider(client):
    response = client.get("/accounts/sign-in/", {"next": "/my-dossiers/"})

    assert response.status_code == 200
    assert 'href="/oidc/authenticate/?next=/my-dossiers/"' in response.content.decode()


def test_failure_page_explains_the_reason_and_offers_a_retry(client):
    session = client.session
    session[FAILURE_SESSION_KEY] = FailureReason.UNAVAILABLE
    session.save()

    response = client.get("/accounts/sign-in/failed/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "is not responding" in html and 'href="/oidc/authenticate/"' in html
    assert FAILURE_SESSION_KEY not in client.session  # shown once


def test_failure_page_has_a_general_message_without_a_reason(client):
    response = client.get("/accounts/sign-in/failed/")

    assert response.status_code == 200 and "We could not sign you in." in response.content.decode()


def test_callback_without_a_code_lands_on_the_failure_page(client):
    response = client.get("/oidc/callback/", {"error": "access_denied", "state": "x"})

    assert response["Location"] == "/accounts/sign-in/failed/"
    assert "cancelled the sign-in" in client.get(response["Location"]).content.decode()


def test_sign_out_is_post_only(client):
    assert client.get("/accounts/sign-out/").status_code == 405


def test_staff_sign_out_ends_only_the_motcua_session(client):
    client.force_login(StaffFactory(), backend="motcua.accounts.backends.StaffBackend")

    response = client.post("/accounts/sign-out/")

    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_citizen_sign_out_without_a_stored_id_token_still_ends_the_provider_session(client):
    citizen = CitizenFactory()
    client.force_login(citizen, backend="motcua.accounts.oidc.CitizenOIDCBackend")

    response = client.post("/accounts/sign-out/")

    assert response["Location"].startswith(settings.OIDC_OP_LOGOUT_ENDPOINT)
    assert "id_token_hint" not in query_of(response["Location"])
    assert "_auth_user_id" not in client.session


def test_provider_logout_url_is_local_for_staff(rf):
    request = rf.post("/accounts/sign-out/")
    request.user = StaffFactory()
    request.session = SessionStore()

    assert provider_logout_url(request) == "/"


def test_tampered_session_cookie_gives_the_anonymous_page(client):
    for garbage in ("garbage", "x" * 32, "'; DROP TABLE--"):
        client.cookies[settings.SESSION_COOKIE_NAME] = garbage

        home = client.get("/")
        assert home.status_code == 200 and home.wsgi_request.user.is_anonymous
        my_dossiers = client.get("/my-dossiers/")
        assert my_dossiers.status_code == 302
        assert urlsplit(my_dossiers["Location"]).path == "/accounts/sign-in/"


@pytest.mark.parametrize(
    "claims",
    [
        {key: value for key, value in VALID_CLAIMS.items() if key != "sub"},
        {**VALID_CLAIMS, "sub": ""},
        {key: value for key, value in VALID_CLAIMS.items() if key != "personal_id"},
        {**VALID_CLAIMS, "personal_id": "01109001234"},
        {**VALID_CLAIMS, "personal_id": "01109001234X"},
        {**VALID_CLAIMS, "personal_id": 11090012345},
    ],
)
def test_claims_are_refused_without_subject_or_with_a_malformed_personal_id(claims):
    backend = CitizenOIDCBackend()

    assert backend.verify_claims(claims) is False
    assert backend.failure_reason == FailureReason.INCOMPLETE


def test_claims_with_subject_and_personal_id_are_accepted():
    assert CitizenOIDCBackend().verify_claims(VALID_CLAIMS) is True


def test_citizen_is_found_by_issuer_and_subject_never_by_email():
    CitizenFactory(email="hoa.lo@example.vn", oidc_issuer=settings.OIDC_OP_ISSUER, oidc_subject="other")
    backend = CitizenOIDCBackend()

    assert not backend.filter_users_by_claims({**VALID_CLAIMS, "email": "hoa.lo@example.vn"}).exists()

    citizen = backend.create_user({**VALID_CLAIMS, "email": "hoa.lo@example.vn", "gender": "unknown", "birthdate": "1990-13-45"})
    assert citizen.kind == UserKind.CITIZEN and citizen.gender == "" and citizen.birth_date is None
    assert list(backend.filter_users_by_claims(VALID_CLAIMS)) == [citizen]
