"""Staff sign-in (e-mail + password + TOTP) and the back office entry page."""

from django.shortcuts import render


def login(request):
    return render(request, "accounts/staff_login.html")


def backoffice_home(request):
    return render(request, "backoffice/home.html")
