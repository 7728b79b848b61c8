"""Pages of the demo identity provider (a VNeID-like sandbox served under /idp/).

The IdP keeps its own session cookie (accounts/middleware.py), so `request.user` here is the
sandbox identity signed in at the IdP, never the motcua user.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import auth
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from oauth2_provider.views import AuthorizationView, RPInitiatedLogoutView

from ..constants import UserKind
from ..middleware import IDP_PATH_PREFIX
from . import selectors
from .constants import SCOPE_DESCRIPTIONS
from .forms import IdentitySignInForm
from .services import relying_party_origins


def _allow_relying_party_form_action(response):
    """IdP forms end in a redirect to the relying party, which browsers check against
    form-action: allow the relying party's origins (127.0.0.1 and localhost variants)."""
    response._csp_update = {"form-action": relying_party_origins(settings.SITE_URL)}
    return response


def _safe_next(request, candidate: str | None) -> str:
    """Only a path of the IdP itself (the authorization request, typically)."""
    if not candidate or not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return candidate if urlsplit(candidate).path.startswith(IDP_PATH_PREFIX) else ""


def _client_of(next_url: str):
    """The OIDC client whose authorization request is waiting for this sign-in."""
    client_ids = parse_qs(urlsplit(next_url).query).get("client_id") if next_url else None
    return selectors.get_application_by_client_id(client_ids[0] if client_ids else None)


def _is_sandbox_identity(user) -> bool:
    return user.is_authenticated and user.kind == UserKind.SANDBOX_IDENTITY


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request):
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST":
        form = IdentitySignInForm(request, data=request.POST)
        if form.is_valid():
            auth.login(request, form.user)
            return redirect(next_url or "idp:home")
    else:
        # Shown even to someone already signed in: the authorization endpoint only sends
        # them here for prompt=login, which asks for a fresh sign-in.
        form = IdentitySignInForm(request)
    show_demo = settings.DEBUG or settings.IDP_SHOW_DEMO_ACCOUNTS
    context = {
        "form": form,
        "next": next_url,
        "client": _client_of(next_url),
        "demo_accounts": list(selectors.list_demo_identities()) if show_demo else None,
        "demo_password": settings.DEMO_PASSWORD if show_demo else None,
    }
    return _allow_relying_party_form_action(render(request, "accounts/idp/sign_in.html", context))


@never_cache
def home(request):
    """Where the IdP's own sign-in lands when no service asked for it."""
    identity = request.user if _is_sandbox_identity(request.user) else None
    return render(request, "accounts/idp/home.html", {"identity": identity})


@require_POST
def sign_out(request):
    """End the IdP session only (motcua's own session is untouched: another site)."""
    auth.logout(request)
    return redirect("idp:sign-in")


class IdentityAuthorizationView(AuthorizationView):
    """DOT's authorization endpoint, sending anonymous users to the IdP's own sign-in page
    (settings.LOGIN_URL is the staff sign-in of motcua)."""

    login_url = reverse_lazy("idp:sign-in")
    template_name = "accounts/idp/authorize.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _is_sandbox_identity(request.user):
            # Only our sign-in form opens an IdP session, and it accepts sandbox identities
            # only; anything else is ended rather than trusted.
            auth.logout(request)
        return _allow_relying_party_form_action(super().dispatch(request, *args, **kwargs))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scope_labels"] = [SCOPE_DESCRIPTIONS.get(scope, scope) for scope in kwargs.get("scopes", [])]
        return context


class IdentityLogoutView(RPInitiatedLogoutView):
    """RP-initiated logout (ends the IdP session), with our confirmation page."""

    template_name = "accounts/idp/logout_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        return _allow_relying_party_form_action(super().dispatch(request, *args, **kwargs))
