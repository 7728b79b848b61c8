"""View decorators for the back office."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from . import staff_signin


def staff_required(view):
    """Only staff signed in with their password *and* a verified TOTP code get through.

    - nobody signed in: the staff sign-in page, with ?next= (or straight to the second step
      if the password was given in this session);
    - signed in but not staff (citizen, business representative): the 403 page;
    - staff whose session is not verified by OTP: the TOTP step, or enrolment if the account
      has no authenticator app yet.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            pending = staff_signin.pending_user(request)
            if pending is not None:
                return redirect(staff_signin.second_step_url(pending))
            return redirect_to_login(request.get_full_path(), login_url=reverse("accounts:login"))
        if not user.is_staff_member:
            raise PermissionDenied
        if not user.is_verified():
            return redirect(staff_signin.second_step_url(user))
        return view(request, *args, **kwargs)

    return wrapper
