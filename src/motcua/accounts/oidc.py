"""OpenID Connect relying party for citizens (mozilla-django-oidc).

Citizens and business representatives never have a password on motcua: they sign in at an
identity provider (the demo one under /idp/, or VNeID / a FranceConnect-style provider: every
endpoint comes from the OIDC_* settings). The flow is the authorization code flow with PKCE
(S256), state and nonce; ID tokens are RS256, checked against the provider's JWKS, and
their issuer and audience are checked here too (mozilla-django-oidc does not).

- `CitizenOIDCBackend` turns the verified claims into a motcua account of kind CITIZEN,
  found by (issuer, subject) and never by e-mail address; it refuses claims without a
  subject or with a malformed personal ID, and any account that is not citizen-side. A person
  met for the first time takes over the account a one-stop desk made for their personal ID
  number, if any (services.claim_counter_account), with the dossiers filed there.
- `CitizenOIDCCallbackView` turns every failure (wrong state, provider error, refused token,
  unreachable provider) into the sign-in failure page, with the reason in the session.
- `provider_logout_url` builds the RP-initiated logout URL that ends the provider session.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from urllib.parse import urlencode, urlsplit

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from . import services
from .constants import PERSONAL_ID_LENGTH, Gender, UserKind

logger = logging.getLogger(__name__)

FAILURE_SESSION_KEY = "oidc_failure_reason"
PERSONAL_ID_RE = re.compile(rf"^\d{{{PERSONAL_ID_LENGTH}}}$")


class FailureReason:
    """Why a sign-in failed, stored in the session for the failure page (accounts/views/citizen.py)."""

    CANCELLED = "cancelled"  # the person declined at the provider
    PROVIDER_ERROR = "provider_error"  # the provider answered the authorization request with an error
    EXPIRED = "expired"  # unknown or reused state: the sign-in started elsewhere or is stale
    UNAVAILABLE = "unavailable"  # the provider could not be reached
    REJECTED = "rejected"  # the provider refused the code (replayed, expired, PKCE mismatch)
    UNVERIFIED = "unverified"  # the ID token failed signature, nonce, issuer or audience checks
    INCOMPLETE = "incomplete"  # missing subject, malformed personal ID
    WRONG_ACCOUNT = "wrong_account"  # the identity matches an account that is not a citizen's


def _record_failure(request, reason: str) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[FAILURE_SESSION_KEY] = reason


class Refused(SuspiciousOperation):
    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def _issuer_host(issuer: str) -> str:
    return urlsplit(issuer).netloc or issuer


def _parse_birthdate(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _clean_email(value) -> str:
    if not isinstance(value, str) or not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value.strip().lower()


def _address(claim) -> dict:
    if not isinstance(claim, dict):
        return {}
    return {
        "street": str(claim.get("street_address") or ""),
        "commune_code": str(claim.get("commune_code") or ""),
        "province_code": str(claim.get("province_code") or ""),
        "formatted": str(claim.get("formatted") or ""),
    }


def identity_from_claims(claims: dict) -> dict:
    """motcua user fields from the provider's claims (already checked by `verify_claims`)."""
    gender = claims.get("gender")
    return {
        "full_name": str(claims.get("name") or "")[:200],
        "personal_id": claims["personal_id"],
        "birth_date": _parse_birthdate(claims.get("birthdate")),
        "gender": gender if gender in Gender.values else "",
        "phone": str(claims.get("phone_number") or "")[:20],
        "email": _clean_email(claims.get("email")),
        "address": _address(claims.get("address")),
    }


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if request is None or "code" not in request.GET or "state" not in request.GET:
            return None  # not an OpenID Connect callback (e.g. a staff password sign-in)
        self.failure_reason = None
        try:
            user = super().authenticate(request, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as exc:
            logger.warning("oidc.provider_unreachable %s", type(exc).__name__)
            self.failure_reason = FailureReason.UNAVAILABLE
            user = None
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else None
            logger.warning("oidc.provider_refused status=%s", status)
            self.failure_reason = FailureReason.REJECTED if status and status < 500 else FailureReason.UNAVAILABLE
            user = None
        except SuspiciousOperation as exc:
            logger.warning("oidc.token_unverified %s", exc)
            self.failure_reason = getattr(exc, "reason", FailureReason.UNVERIFIED)
            user = None
        if user is None:
            _record_failure(request, self.failure_reason or FailureReason.UNVERIFIED)
        return user

    def _refuse(self, reason: str, message: str):
        self.failure_reason = reason
        raise Refused(reason, message)

    # --- Token checks that mozilla-django-oidc leaves out ----------------------------------
    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:
            # The ID token (a userinfo JWT is verified without a nonce).
            if payload.get("iss") != settings.OIDC_OP_ISSUER:
                self._refuse(FailureReason.UNVERIFIED, "ID token issuer mismatch")
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if self.OIDC_RP_CLIENT_ID not in audiences:
                self._refuse(FailureReason.UNVERIFIED, "ID token audience mismatch")
            if not payload.get("sub"):
                self._refuse(FailureReason.INCOMPLETE, "ID token without subject")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core §5.3.2: the userinfo subject must be the ID token's.
        if str(claims.get("sub")) != str(payload.get("sub")):
            self._refuse(FailureReason.UNVERIFIED, "userinfo subject differs from the ID token's")
        return claims

    # --- Claims -> account -------------------------------------------------------------------
    def verify_claims(self, claims):
        if not claims.get("sub"):
            self.failure_reason = FailureReason.INCOMPLETE
            return False
        if not isinstance(claims.get("personal_id"), str) or not PERSONAL_ID_RE.match(claims["personal_id"]):
            self.failure_reason = FailureReason.INCOMPLETE
            return False
        return True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(oidc_issuer=settings.OIDC_OP_ISSUER, oidc_subject=str(claims["sub"]))

    def get_username(self, claims):
        return f"{_issuer_host(settings.OIDC_OP_ISSUER)}:{claims['sub']}"

    @transaction.atomic
    def create_user(self, claims):
        username = self.get_username(claims)
        # A person for whom a one-stop desk filed a dossier has an account without a subject,
        # keyed by the personal ID number the provider now vouches for: take it over, so that
        # the dossiers filed at the desk are theirs online too.
        account = services.claim_counter_account(personal_id=claims["personal_id"], birth_date=_parse_birthdate(claims.get("birthdate")))
        if account is not None:
            account.oidc_issuer, account.oidc_subject = settings.OIDC_OP_ISSUER, str(claims["sub"])
            if not self.UserModel.objects.filter(username=username).exists():
                account.username = username
            logger.info("oidc.counter_account_claimed user=%s", account.pk)
            return self._save_identity(account, claims)
        if self.UserModel.objects.filter(username=username).exists():
            self._refuse(FailureReason.WRONG_ACCOUNT, "username taken by an account with another identity")
        user = self.UserModel(
            username=username,
            kind=UserKind.CITIZEN,
            oidc_issuer=settings.OIDC_OP_ISSUER,
            oidc_subject=str(claims["sub"]),
        )
        user.set_unusable_password()
        return self._save_identity(user, claims)

    @transaction.atomic
    def update_user(self, user, claims):
        if not user.is_citizen_side:
            self._refuse(FailureReason.WRONG_ACCOUNT, "identity linked to an account that is not citizen-side")
        return self._save_identity(user, claims)

    def _save_identity(self, user, claims):
        for field, value in identity_from_claims(claims).items():
            setattr(user, field, value)
        user.identity_verified_at = timezone.now()
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            self._refuse(FailureReason.INCOMPLETE, f"claims do not make a valid account: {sorted(exc.message_dict)}")
        user.save()
        logger.info("oidc.identity_verified user=%s", user.pk)
        return user


class CitizenOIDCCallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back to motcua. Every failure lands on the failure page."""

    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE)

    def get(self, request):
        error = request.GET.get("error")
        if error:
            _record_failure(request, FailureReason.CANCELLED if error == "access_denied" else FailureReason.PROVIDER_ERROR)
            logger.info("oidc.provider_error error=%s", error[:64])
        elif "code" in request.GET and "state" in request.GET:
            states = request.session.get("oidc_states")
            if not isinstance(states, dict) or request.GET["state"] not in states:
                # Unknown state: forged, replayed, or started in another browser.
                logger.warning("oidc.unknown_state")
                _record_failure(request, FailureReason.EXPIRED)
                return HttpResponseRedirect(self.failure_url)
        else:
            _record_failure(request, FailureReason.EXPIRED)
        return super().get(request)


def provider_logout_url(request) -> str:
    """Where to send a citizen after ending the motcua session so that the provider session
    ends too (OpenID Connect RP-Initiated Logout 1.0). Call before `logout()`, which clears
    the stored ID token. Without an OIDC session or a logout endpoint: the local page."""
    local = resolve_url(settings.LOGOUT_REDIRECT_URL)
    user = getattr(request, "user", None)
    if not settings.OIDC_OP_LOGOUT_ENDPOINT or user is None or not user.is_authenticated or not user.oidc_subject:
        return local
    params = {"client_id": settings.OIDC_RP_CLIENT_ID, "post_logout_redirect_uri": f"{settings.SITE_URL}/"}
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(params)}"
