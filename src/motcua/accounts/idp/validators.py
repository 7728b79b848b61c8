"""Claims of the demo identity provider, modelled on VNeID's.

django-oauth-toolkit calls `get_additional_claims` for both the ID token and the userinfo
endpoint, and releases a claim only when the scope named in `oidc_claim_scope` was granted.
Claims with no value are left out, as OpenID Connect Core §5.3.2 asks.
"""

from __future__ import annotations

from oauth2_provider.oauth2_validators import OAuth2Validator

from .constants import CLAIM_SCOPES

_EMPTY = (None, "", {}, [])


def _address(user) -> dict:
    address = user.address or {}
    claim = {
        "formatted": address.get("formatted", ""),
        "street_address": address.get("street", ""),
        "commune_code": address.get("commune_code", ""),
        "province_code": address.get("province_code", ""),
    }
    claim = {key: value for key, value in claim.items() if value}
    if claim:
        claim["country"] = "VN"
    return claim


class IdentityClaimsValidator(OAuth2Validator):
    oidc_claim_scope = CLAIM_SCOPES

    def get_additional_claims(self):
        # Request-agnostic form (callables): DOT then also lists the claims in discovery.
        return {
            "name": lambda request: request.user.full_name,
            "birthdate": lambda request: request.user.birth_date.isoformat() if request.user.birth_date else None,
            "gender": lambda request: request.user.gender,
            "email": lambda request: request.user.email,
            "phone_number": lambda request: request.user.phone,
            "address": lambda request: _address(request.user),
            "personal_id": lambda request: request.user.personal_id,
        }

    def get_oidc_claims(self, token, token_handler, request):
        claims = super().get_oidc_claims(token, token_handler, request)
        return {key: value for key, value in claims.items() if value not in _EMPTY}
