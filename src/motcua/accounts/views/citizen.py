"""Citizen sign-in pages (OpenID Connect relying party) and sign-out."""

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..oidc import FAILURE_SESSION_KEY, FailureReason, provider_logout_url

FAILURE_MESSAGES = {
    FailureReason.CANCELLED: _("You cancelled the sign-in at the electronic identity service."),
    FailureReason.PROVIDER_ERROR: _("The electronic identity service could not complete your sign-in."),
    FailureReason.EXPIRED: _(
        "Your sign-in expired or was started in another window or browser. Please start again from this browser."
    ),
    FailureReason.UNAVAILABLE: _(
        "The electronic identity service is not responding. Please try again in a few minutes."
    ),
    FailureReason.REJECTED: _(
        "The electronic identity service did not confirm your sign-in (the link may have been used already). "
        "Please start again."
    ),
    FailureReason.UNVERIFIED: _("The answer of the electronic identity service could not be verified, so you were not signed in."),
    FailureReason.INCOMPLETE: _(
        "Your electronic identity did not provide the information this portal needs, such as a valid "
        "12-digit personal identification number."
    ),
    FailureReason.WRONG_ACCOUNT: _(
        "This electronic identity is linked to an account that cannot sign in here. Staff sign in with their "
        "e-mail address."
    ),
}
DEFAULT_FAILURE_MESSAGE = _("We could not sign you in.")


def _safe_next(request) -> str:
    candidate = request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@never_cache
def citizen_login(request):
    if request.user.is_authenticated and request.user.is_citizen_side:
        return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/citizen_login.html", {"next": _safe_next(request), "oidc_enabled": settings.OIDC_ENABLED})


@never_cache
def oidc_failed(request):
    reason = request.session.pop(FAILURE_SESSION_KEY, None)
    message = FAILURE_MESSAGES.get(reason, DEFAULT_FAILURE_MESSAGE)
    return render(request, "accounts/oidc_failed.html", {"message": message, "reason": reason})


@require_POST
def logout(request):
    """End the motcua session; for a citizen signed in through OpenID Connect, then send the
    browser to the provider's logout endpoint so that the provider session ends too."""
    user = request.user
    if user.is_authenticated and user.is_citizen_side and user.oidc_subject:
        redirect_to = provider_logout_url(request)  # reads the ID token: before logout()
    else:
        redirect_to = settings.LOGOUT_REDIRECT_URL
    auth_logout(request)
    return redirect(redirect_to)
