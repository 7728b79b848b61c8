"""Sign-in journeys in Chromium, each page checked with axe-core:
- a citizen signs in through the demo identity provider (OpenID Connect) and lands on
  "Hồ sơ của tôi" (/my-dossiers/);
- a member of staff signs in with e-mail, password and a TOTP code and reaches the back office.

The OpenID Connect endpoints point at the live server through the `oidc_live` fixture
(tests/conftest.py): motcua and the demo IdP talk real HTTP to each other, the browser follows
the redirects between them."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from motcua.core.testing.axe import assert_no_axe_violations

from .factories import SANDBOX_PASSWORD, STAFF_PASSWORD, SandboxIdentityFactory, StaffWithTotpFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAIN_SUBMIT = "main form [type=submit]"


def _path(page) -> str:
    return urlsplit(page.url).path


def _current_code(device) -> str:
    """The code the authenticator app of `device` shows now."""
    token = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift).token()
    return f"{token:0{device.digits}d}"


def test_citizen_sees_my_dossiers_when_signed_in_through_the_demo_identity_provider(page, oidc_live, browser_console):
    identity = SandboxIdentityFactory(full_name="Lò Thị Hoa")
    page.goto(reverse("accounts:citizen-login"))
    assert_no_axe_violations(page)

    with page.expect_navigation(url=re.compile(r"/idp/sign-in/")):
        page.click(f"main a[href^='{reverse('oidc_authentication_init')}']")
    assert_no_axe_violations(page)
    page.fill("input[name=personal_id]", identity.personal_id)
    page.fill("input[name=password]", SANDBOX_PASSWORD)
    with page.expect_navigation(url=re.compile(r"/my-dossiers/$")):
        page.click(MAIN_SUBMIT)

    assert page.get_attribute("html", "lang") == "vi"
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Hồ sơ của tôi", "is the vi catalogue compiled? (make messages)"
    assert page.get_by_text("Lò Thị Hoa").first.is_visible()
    assert_no_axe_violations(page)
    browser_console.assert_no_errors()


def test_staff_reaches_the_back_office_when_signed_in_with_password_and_totp(page, browser_console):
    staff = StaffWithTotpFactory()
    page.goto(reverse("accounts:login"))
    assert_no_axe_violations(page)

    page.fill("input[name=email]", staff.email)
    page.fill("input[name=password]", STAFF_PASSWORD)
    with page.expect_navigation(url=re.compile(re.escape(reverse("accounts:login-totp")) + "$")):
        page.click(MAIN_SUBMIT)
    assert_no_axe_violations(page)
    page.fill("input[name=code]", _current_code(staff.totp_device))
    with page.expect_navigation(url=re.compile(re.escape(reverse("backoffice:home")) + "$")):
        page.click(MAIN_SUBMIT)

    assert _path(page) == reverse("backoffice:home")
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator(f"nav a[href='{reverse('backoffice:home')}'][aria-current=page]").count() == 1
    assert_no_axe_violations(page)
    browser_console.assert_no_errors()
