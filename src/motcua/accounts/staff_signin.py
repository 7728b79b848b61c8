"""The state between the two steps of staff sign-in.

After the right e-mail and password the staff member is *not* signed in: the session only
remembers who passed the password step, when, and where to go next. The Django login (and
django-otp's "verified" mark) happens together, once the TOTP code is right, so no page ever
sees a half-authenticated user. The pending state expires after PENDING_MAX_AGE seconds and
is dropped if the password changes in between.

A user signed in by other means but not verified by OTP (possible for staff in the future,
e.g. single sign-on) is sent through the same second step.
"""

from __future__ import annotations

import time

from django.contrib.auth import login as auth_login
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.models import Device

from . import selectors
from .constants import UserKind
from .models import User

PENDING_SESSION_KEY = "motcua_staff_signin"
PENDING_MAX_AGE = 10 * 60
STAFF_BACKEND = "motcua.accounts.backends.StaffBackend"


def safe_next_url(request: HttpRequest, candidate: str | None) -> str:
    """`candidate` if it is a path on this site, else the back office home."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("backoffice:home")


def begin(request: HttpRequest, *, user: User, next_url: str) -> None:
    """Remember that `user` gave the right password; a new session id is issued."""
    request.session.cycle_key()
    request.session[PENDING_SESSION_KEY] = {
        "user_id": user.pk,
        "auth_hash": user.get_session_auth_hash(),
        "started_at": int(time.time()),
        "next": next_url,
    }


def clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)


def pending_user(request: HttpRequest) -> User | None:
    """The staff member who passed the password step in this session, if still valid."""
    data = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(data, dict):
        return None
    started_at = data.get("started_at")
    if not isinstance(started_at, int) or time.time() - started_at > PENDING_MAX_AGE:
        clear(request)
        return None
    user = User.objects.filter(pk=data.get("user_id"), kind=UserKind.STAFF, is_staff=True, is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), data.get("auth_hash") or ""):
        clear(request)
        return None
    return user


def second_factor_user(request: HttpRequest) -> User | None:
    """Who must give a TOTP code now: the pending staff member, or a signed-in staff member
    whose session is not verified by OTP. None when there is nobody (send to step one)."""
    user = request.user
    if user.is_authenticated:
        if user.is_staff_member and not user.is_verified():
            return user
        return None
    return pending_user(request)


def second_step_url(user: User) -> str:
    """The TOTP code page, or the enrolment page if the account has no authenticator yet."""
    if selectors.has_confirmed_totp_device(user=user):
        return reverse("accounts:login-totp")
    return reverse("accounts:totp-enrol")


def complete(request: HttpRequest, *, user: User, device: Device) -> str:
    """Sign `user` in, verified by `device`; returns where to go next."""
    data = request.session.get(PENDING_SESSION_KEY)
    next_url = safe_next_url(request, data.get("next") if isinstance(data, dict) else None)
    if not request.user.is_authenticated or request.user.pk != user.pk:
        auth_login(request, user, backend=STAFF_BACKEND)
    otp_login(request, device)
    clear(request)
    return next_url
