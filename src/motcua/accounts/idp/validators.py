from oauth2_provider.oauth2_validators import OAuth2Validator


class IdentityClaimsValidator(OAuth2Validator):
    pass
