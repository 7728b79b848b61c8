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
    path("staff/sign-in/code/", staff.login_totp, name="login-totp"),
    path("staff/sign-in/authenticator/", staff.totp_enrol, name="totp-enrol"),
    path("staff/password-reset/", staff.StaffPasswordResetView.as_view(), name="password-reset"),
    path("staff/password-reset/sent/", staff.StaffPasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "staff/password-reset/<uidb64>/<token>/",
        staff.StaffPasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("staff/password-reset/done/", staff.StaffPasswordResetCompleteView.as_view(), name="password-reset-complete"),
]
