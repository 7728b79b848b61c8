"""Citizen sign-in pages (OpenID Connect relying party) and sign-out."""

from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST


def citizen_login(request):
    return render(request, "accounts/citizen_login.html")


def oidc_failed(request):
    return render(request, "accounts/oidc_failed.html", status=400)


@require_POST
def logout(request):
    auth_logout(request)
    return redirect("portal:home")
