"""Helpers for the staff sign-in tests: current TOTP codes and the two sign-in steps."""

from __future__ import annotations

from django.urls import reverse
from django_otp.oath import totp

from .factories import STAFF_PASSWORD

LOGIN_URL = reverse("accounts:login")
TOTP_URL = reverse("accounts:login-totp")
ENROL_URL = reverse("accounts:totp-enrol")
BACKOFFICE_URL = reverse("backoffice:home")


def totp_code(device) -> str:
    """The code `device` accepts at the current (possibly frozen) time."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):0{device.digits}d}"


def wrong_code(device) -> str:
    return f"{(int(totp_code(device)) + 1) % 10**device.digits:0{device.digits}d}"


def submit_password(client, email: str, password: str = STAFF_PASSWORD, **extra):
    return client.post(LOGIN_URL, {"email": email, "password": password, **extra})


def sign_in(client, user, device, *, password: str = STAFF_PASSWORD):
    """Both steps, for a staff member with a confirmed device; returns the last response."""
    response = submit_password(client, user.email, password)
    assert response.status_code == 302 and response["Location"] == TOTP_URL, response
    return client.post(TOTP_URL, {"code": totp_code(device)})


def force_verified_login(client, user):
    """Sign `user` in as if they had passed both steps (for tests of back-office pages)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from motcua.accounts.services import provision_totp_device

    device = user.totpdevice_set.filter(confirmed=True).first() or provision_totp_device(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
