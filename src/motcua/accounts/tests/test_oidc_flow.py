"""Citizen sign-in through OpenID Connect, end to end over HTTP: motcua (mozilla-django-oidc)
as relying party, the demo identity provider (django-oauth-toolkit) on the same live server,
real authorization code + PKCE + RS256 ID tokens checked against the JWKS."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from motcua.accounts.constants import UserKind
from motcua.accounts.middleware import IDP_SESSION_COOKIE_NAME
from motcua.accounts.models import User

from .factories import SANDBOX_PASSWORD, SandboxIdentityFactory, StaffFactory
from .oidc_user_agent import query_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


@pytest.fixture
def identity():
    return SandboxIdentityFactory(
        personal_id="011090012345",
        full_name="Lò Thị Hoa",
        phone="0912345678",
        email="hoa.lo@example.vn",
    )


@pytest.fixture
def agent(user_agents):
    return user_agents()


def _citizens():
    return User.objects.filter(kind=UserKind.CITIZEN)


def _signed_in_user_id(session_key: str | None):
    return SessionStore(session_key).get("_auth_user_id") if session_key else None


def test_citizen_signs_in_when_the_identity_provider_confirms_them(oidc_live, agent, identity):
    authorize_url = agent.start_sign_in()
    request = query_of(authorize_url)
    assert authorize_url.startswith(settings.OIDC_OP_AUTHORIZATION_ENDPOINT)
    assert request["response_type"] == "code"
    assert set(request["scope"].split()) == {"openid", "profile", "email", "phone", "address", "vneid"}
    assert request["code_challenge_method"] == "S256" and len(request["code_challenge"]) == 43
    assert request["state"] and request["nonce"]

    # Not signed in at the IdP yet: its own sign-in page, not motcua's staff sign-in.
    first = agent.get(authorize_url)
    assert urlsplit(first.headers["Location"]).path == "/idp/sign-in/"

    callback_url = agent.sign_in_at_idp(authorize_url, identity.personal_id, SANDBOX_PASSWORD)
    callback = query_of(callback_url)
    assert urlsplit(callback_url).path == "/oidc/callback/"  # consent skipped: trusted client
    assert callback["state"] == request["state"] and callback["code"]

    response = agent.get(callback_url)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/my-dossiers/"

    citizen = _citizens().get()
    assert citizen.username == f"{urlsplit(oidc_live.issuer).netloc}:{identity.pk}"
    assert (citizen.oidc_issuer, citizen.oidc_subject) == (oidc_live.issuer, str(identity.pk))
    assert citizen.full_name == "Lò Thị Hoa"
    assert citizen.personal_id == "011090012345"
    assert citizen.birth_date == identity.birth_date
    assert citizen.gender == "female"
    assert citizen.phone == "0912345678"
    assert citizen.email == "hoa.lo@example.vn"
    assert citizen.address == {
        "street": "Tổ dân phố 5",
        "commune_code": "03151",
        "province_code": "11",
        "formatted": "Tổ dân phố 5, phường Điện Biên Phủ, tỉnh Điện Biên",
    }
    assert citizen.identity_verified_at is not None
    assert not citizen.has_usable_password()

    session = SessionStore(agent.cookie(settings.SESSION_COOKIE_NAME))
    assert session["_auth_user_id"] == str(citizen.pk)
    assert session["oidc_id_token"].count(".") == 2  # kept for RP-initiated logout

    page = agent.get("/my-dossiers/")
    assert page.status_code == 200
    assert "Lò Thị Hoa" in page.text and "011090012345" in page.text


def test_signing_in_again_updates_the_same_citizen(oidc_live, agent, identity, user_agents):
    agent.sign_in(identity.personal_id, SANDBOX_PASSWORD)
    first = _citizens().get()
    identity.phone = "0987654321"
    identity.save()

    other_browser = user_agents()
    response = other_browser.sign_in(identity.personal_id, SANDBOX_PASSWORD)

    assert urlsplit(response.headers["Location"]).path == "/my-dossiers/"
    citizen = _citizens().get()
    assert citizen.pk == first.pk and citizen.phone == "0987654321"
    assert citizen.identity_verified_at > first.identity_verified_at


def test_callback_is_rejected_when_the_state_is_wrong(oidc_live, agent, identity):
    callback_url = agent.sign_in_at_idp(agent.start_sign_in(), identity.personal_id, SANDBOX_PASSWORD)
    state = query_of(callback_url)["state"]

    response = agent.get(callback_url.replace(f"state={state}", "state=forged-state"))

    assert urlsplit(response.headers["Location"]).path == "/accounts/sign-in/failed/"
    failure = agent.get(response.headers["Location"])
    assert failure.status_code == 200
    assert "started in another window" in failure.text
    assert _signed_in_user_id(agent.cookie(settings.SESSION_COOKIE_NAME)) is None
    assert not _citizens().exists()


def test_replayed_authorization_code_is_rejected(oidc_live, agent, identity, user_agents):
    callback_url = agent.sign_in_at_idp(agent.start_sign_in(), identity.personal_id, SANDBOX_PASSWORD)
    code, state = query_of(callback_url)["code"], query_of(callback_url)["state"]
    # What the relying party remembered for this sign-in (state -> nonce, PKCE verifier).
    remembered = SessionStore(agent.cookie(settings.SESSION_COOKIE_NAME))["oidc_states"][state]
    assert agent.get(callback_url).headers["Location"].endswith("/my-dossiers/")

    # Replay the very same callback, with the same state, nonce and verifier, from a
    # session that has never signed in: only the code's second use can fail.
    replay_session = SessionStore()
    replay_session["oidc_states"] = {state: remembered}
    replay_session.save()
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={replay_session.session_key}"}
    attacker = user_agents()
    response = attacker.get(callback_url, headers=cookie)

    assert urlsplit(response.headers["Location"]).path == "/accounts/sign-in/failed/"
    failure = attacker.get(response.headers["Location"], headers=cookie)
    assert "did not confirm your sign-in" in failure.text
    assert _signed_in_user_id(replay_session.session_key) is None
    assert attacker.get("/my-dossiers/", headers=cookie).status_code == 302

    # And the provider itself refuses the code a second time.
    token = requests.post(
        settings.OIDC_OP_TOKEN_ENDPOINT,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": f"{oidc_live.url}/oidc/callback/",
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "client_secret": settings.OIDC_RP_CLIENT_SECRET,
            "code_verifier": remembered["code_verifier"],
        },
        timeout=10,
    )
    assert token.status_code == 400 and token.json()["error"] == "invalid_grant"


def test_id_token_is_rejected_when_the_nonce_differs(oidc_live, agent, identity):
    callback_url = agent.sign_in_at_idp(agent.start_sign_in(), identity.personal_id, SANDBOX_PASSWORD)
    state = query_of(callback_url)["state"]
    session = SessionStore(agent.cookie(settings.SESSION_COOKIE_NAME))
    states = session["oidc_states"]
    states[state]["nonce"] = "a-nonce-the-provider-never-saw"
    session["oidc_states"] = states
    session.save()

    response = agent.get(callback_url)

    assert urlsplit(response.headers["Location"]).path == "/accounts/sign-in/failed/"
    assert "could not be verified" in agent.get(response.headers["Location"]).text
    assert _signed_in_user_id(agent.cookie(settings.SESSION_COOKIE_NAME)) is None
    assert not _citizens().exists()


def test_identity_provider_requires_pkce(oidc_live, agent, identity):
    authorize_url = agent.start_sign_in()
    callback_url = agent.sign_in_at_idp(authorize_url, identity.personal_id, SANDBOX_PASSWORD)

    # Without a code challenge the IdP answers with an error, not a code.
    request = query_of(authorize_url)
    del request["code_challenge"], request["code_challenge_method"]
    response = agent.get(settings.OIDC_OP_AUTHORIZATION_ENDPOINT, params=request)
    answer = query_of(response.headers["Location"])
    assert answer.get("error") == "invalid_request" and "code" not in answer
    assert urlsplit(agent.get(response.headers["Location"]).headers["Location"]).path == "/accounts/sign-in/failed/"

    # With a challenge, the code is only exchanged with the matching verifier.
    token = requests.post(
        settings.OIDC_OP_TOKEN_ENDPOINT,
        data={
            "grant_type": "authorization_code",
            "code": query_of(callback_url)["code"],
            "redirect_uri": f"{oidc_live.url}/oidc/callback/",
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "client_secret": settings.OIDC_RP_CLIENT_SECRET,
            "code_verifier": "x" * 64,
        },
        timeout=10,
    )
    assert token.status_code == 400 and token.json()["error"] == "invalid_grant"


def test_sign_in_is_refused_when_the_identity_belongs_to_a_staff_account(oidc_live, agent, identity):
    staff = StaffFactory(oidc_issuer=oidc_live.issuer, oidc_subject=str(identity.pk))

    response = agent.sign_in(identity.personal_id, SANDBOX_PASSWORD)

    assert urlsplit(response.headers["Location"]).path == "/accounts/sign-in/failed/"
    assert "cannot sign in here" in agent.get(response.headers["Location"]).text
    assert _signed_in_user_id(agent.cookie(settings.SESSION_COOKIE_NAME)) is None
    staff.refresh_from_db()
    assert staff.kind == UserKind.STAFF and staff.personal_id == ""
    assert not _citizens().exists()


def test_sign_out_ends_the_motcua_session_and_the_identity_provider_session(oidc_live, agent, identity):
    agent.sign_in(identity.personal_id, SANDBOX_PASSWORD)
    id_token = SessionStore(agent.cookie(settings.SESSION_COOKIE_NAME))["oidc_id_token"]
    assert agent.cookie(IDP_SESSION_COOKIE_NAME)
    page = agent.get("/my-dossiers/")

    response = agent.submit(page, "/accounts/sign-out/", {})

    logout_url = response.headers["Location"]
    assert logout_url.startswith(settings.OIDC_OP_LOGOUT_ENDPOINT)
    assert query_of(logout_url) == {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": f"{oidc_live.url}/",
        "id_token_hint": id_token,
    }
    assert agent.get("/my-dossiers/").status_code == 302  # motcua session already over

    back = agent.get(logout_url)
    assert back.headers["Location"] == f"{oidc_live.url}/"

    my_dossiers = agent.get("/my-dossiers/")
    assert urlsplit(my_dossiers.headers["Location"]).path == "/accounts/sign-in/"
    # The IdP asks the person to sign in again.
    authorize = agent.get(agent.start_sign_in())
    assert urlsplit(authorize.headers["Location"]).path == "/idp/sign-in/"
