"""Staff password lockout policy on top of django-axes.

Axes (database handler) records a failed password and then, in the same request, marks the
request as locked out as soon as the account's failure count reaches AXES_FAILURE_LIMIT; its
middleware then swaps the response for the lockout page. On later requests, its first
authentication backend refuses the account before any password is checked while the count
is at or above the limit. Left as is, with a limit of 5 the fifth wrong password would
already show the lockout page.

Our rule is "five wrong passwords are answered normally; the sixth attempt is refused, even
with the right password". So `lockout_response` (AXES_LOCKOUT_CALLABLE) gives the attempt that
*reaches* the limit its ordinary answer ("wrong e-mail or password"), and shows the lockout
page for every attempt refused by the backend (the count is then above the limit: axes counts
refused attempts too, which also restarts the cool-off).

Failures are counted per normalised e-mail address (`username_from_credentials`), never per IP
address: staff of one desk share one public address. A nonexistent address is counted and
locked exactly like a real one, so the lockout says nothing about which accounts exist.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def normalise_username(username: str | None) -> str | None:
    """Staff usernames are lower-case e-mail addresses (see StaffBackend)."""
    if username is None:
        return None
    return str(username).strip().lower()


def username_from_credentials(request: HttpRequest, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the account an attempt is counted against."""
    if credentials and credentials.get("username") is not None:
        return normalise_username(credentials["username"])
    data = getattr(request, "POST", None) or {}
    return normalise_username(data.get("email") or data.get("username"))


def clear_password_failures(*, username: str) -> None:
    """Forget the wrong passwords typed for `username`: called once the right password is
    given, so that only consecutive failures lock an account. (Axes does the same when the
    sign-in completes, AXES_RESET_ON_SUCCESS.)"""
    AxesProxyHandler.reset_attempts(username=normalise_username(username))


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: see the module docstring."""
    failures = getattr(request, "axes_failures_since_start", None)
    reached_limit_now = failures is not None and failures == get_failure_limit(request, credentials)
    if reached_limit_now and isinstance(original_response, HttpResponse):
        return original_response
    cool_off = get_cool_off(request)
    context = {
        "cool_off_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "retry_at": timezone.localtime(timezone.now() + cool_off) if cool_off else None,
    }
    return render(request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
