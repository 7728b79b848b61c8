"""Staff sign-in: e-mail and password, then a TOTP code (or enrolment of an authenticator app
at the first sign-in), and password reset by e-mail. See accounts/staff_signin.py for the
state between the steps and accounts/lockout.py for the lockout after wrong passwords."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from motcua.core.errors import MotcuaError

from .. import lockout, selectors, services, staff_signin
from ..errors import TotpAlreadyEnrolled
from ..forms import StaffLoginForm, StaffPasswordResetForm, StaffSetPasswordForm, TotpCodeForm


def _already_signed_in(request) -> bool:
    user = request.user
    return user.is_authenticated and user.is_staff_member and user.is_verified()


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request):
    """Step one: e-mail address and password."""
    next_url = staff_signin.safe_next_url(request, request.POST.get("next") or request.GET.get("next"))
    if _already_signed_in(request):
        return redirect(next_url)
    if request.method == "POST":
        form = StaffLoginForm(request, data=request.POST)
        if form.is_valid():
            lockout.clear_password_failures(username=form.user.get_username())
            staff_signin.begin(request, user=form.user, next_url=next_url)
            return redirect(staff_signin.second_step_url(form.user))
    else:
        form = StaffLoginForm(request)
    return render(request, "accounts/staff_login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_totp(request):
    """Step two: the code from the authenticator app."""
    user = staff_signin.second_factor_user(request)
    if user is None:
        return redirect("accounts:login")
    if not selectors.has_confirmed_totp_device(user=user):
        return redirect("accounts:totp-enrol")
    form = TotpCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_staff_totp(user=user, token=form.cleaned_data["code"])
        except MotcuaError as error:
            form.add_error("code", error.message)
        else:
            return redirect(staff_signin.complete(request, user=user, device=device))
    return render(request, "accounts/staff_totp.html", {"form": form, "pending_user": user})


QR_SCALE = 5


def _grouped_secret(device) -> str:
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def totp_enrol(request):
    """Step two at the first sign-in: set up an authenticator app, confirmed by its first code."""
    user = staff_signin.second_factor_user(request)
    if user is None:
        return redirect("accounts:login")
    try:
        device = services.start_totp_enrolment(user=user)
    except TotpAlreadyEnrolled:
        return redirect("accounts:login-totp")
    form = TotpCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.confirm_totp_enrolment(user=user, device=device, token=form.cleaned_data["code"])
        except TotpAlreadyEnrolled:
            return redirect("accounts:login-totp")
        except MotcuaError as error:
            form.add_error("code", error.message)
        else:
            next_url = staff_signin.complete(request, user=user, device=device)
            messages.success(request, _("Your authenticator app is set up. You will need a code from it each time you sign in."))
            return redirect(next_url)
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "pending_user": user,
        "qr_data_uri": qr.svg_data_uri(scale=QR_SCALE, border=4, dark="#000", light="#fff"),
        "qr_size": qr.symbol_size(scale=QR_SCALE, border=4)[0],
        "secret": _grouped_secret(device),
        "issuer": settings.OTP_TOTP_ISSUER,
        "digits": device.digits,
        "period": device.step,
    }
    return render(request, "accounts/staff_totp_enrol.html", context)


class StaffPasswordResetView(auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    @property
    def extra_email_context(self):
        return {"administration_name": settings.ADMINISTRATION_NAME}


class StaffPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class StaffPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = StaffSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class StaffPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
