"""Password authentication, for staff and for the demo identity provider's own accounts.

Citizens never sign in with a password on motcua: they go through OpenID Connect
(accounts/oidc.py). The `kind` of account a form accepts is passed by the form, so a
sandbox identity cannot open the back office and a staff password cannot open the IdP.
"""

from django.contrib.auth.backends import ModelBackend

from .constants import UserKind


class StaffBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, kind=UserKind.STAFF, **kwargs):
        if username is None or password is None:
            return None
        user = super().authenticate(request, username=username.strip().lower(), password=password, **kwargs)
        if user is None or user.kind != kind:
            return None
        return user

    def get_user(self, user_id):
        return super().get_user(user_id)
