"""Every public and sign-in page passes axe-core, at desktop width and at 320 px, with the demo
data loaded (real names, long Vietnamese words, tables) and in their error states."""

import pytest

from motcua.accounts.tests.factories import StaffFactory
from motcua.core.testing.axe import assert_no_axe_violations
from motcua.demo import services as demo_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/agencies/",
    "/agencies/?q=dien+bien",
    "/agencies/?q=zzzz",  # empty state
    "/agencies/H18/",
    "/agencies/H18.40/",
    "/accounts/sign-in/",
    "/accounts/sign-in/failed/",
    "/accounts/staff/sign-in/",
    "/accounts/staff/password-reset/",
    "/idp/sign-in/",
    "/does-not-exist/",  # the 404 page
]


@pytest.fixture
def demo_data(db):
    demo_services.load_demo()


@pytest.mark.parametrize("width", [None, 320], ids=["desktop", "320px"])
def test_pages_have_no_axe_violations_and_no_horizontal_scroll(page_factory, demo_data, width):
    page = page_factory(width=width)
    for path in PAGES:
        response = page.goto(path)
        assert response.status < 500, path
        assert_no_axe_violations(page)
        if width:
            scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{path} is {scroll_width}px wide at {width}px"


def test_sign_in_error_states_have_no_axe_violations(page, demo_data):
    page.goto("/accounts/staff/sign-in/")
    page.fill("input[type=email]", "not-an-address")
    page.click("main [type=submit]")
    assert page.locator(".error-summary").is_visible()
    assert_no_axe_violations(page)

    page.goto("/idp/sign-in/")
    page.click("main [type=submit]")
    assert page.locator(".error-summary").is_visible()
    assert_no_axe_violations(page)


def test_totp_enrolment_page_has_no_axe_violations(page):
    staff = StaffFactory()
    page.goto("/accounts/staff/sign-in/")
    page.fill("input[type=email]", staff.email)
    page.fill("input[type=password]", "correct horse battery staple 42")
    page.click("main [type=submit]")
    page.wait_for_url("**/staff/sign-in/authenticator/**")
    assert_no_axe_violations(page)
    page.fill("input[name=code]", "000000")
    page.click("main [type=submit]")
    assert page.locator(".error-summary").is_visible()
    assert_no_axe_violations(page)
