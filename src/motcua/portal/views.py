"""Public pages of the portal."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import activate
from django.views.decorators.http import require_POST

from motcua.accounts import services as account_services

from .forms import LanguageForm


def home(request):
    return render(request, "portal/home.html")


@login_required(login_url="accounts:citizen-login")
def my_dossiers(request):
    # Dossiers arrive with the filing issue; until then the page shows its empty state.
    context = {"dossiers": [], "identity_provider_name": settings.OIDC_PROVIDER_NAME}
    return render(request, "portal/my_dossiers.html", context)


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return "/"


@require_POST
def set_language(request):
    """Switch the interface language. Unlike Django's view, an unknown code is a 400 with a
    message, not a silent redirect."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/language_error.html", {"form": form}, status=400)
    language = form.cleaned_data["language"]
    response = HttpResponseRedirect(_safe_next(request, form.cleaned_data.get("next")))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=True,
    )
    if request.user.is_authenticated:
        account_services.set_preferred_language(actor=request.user, language=language)
    activate(language)
    return response
