from django.urls import path

from .views import citizen, staff

app_name = "accounts"
urlpatterns = [
    # Citizens and business representatives: OpenID Connect only (accounts/oidc.py).
    path("sign-in/", citizen.citizen_login, name="citizen-login"),
    path("sign-in/failed/", citizen.oidc_failed, name="oidc-failed"),
    path("sign-out/", citizen.logout, name="logout"),
    # Staff: e-mail + password, then TOTP.
    path("staff/sign-in/", staff.login, name="login"),
]
