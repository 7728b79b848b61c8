"""The follow-up pages in Chromium: tracking page (messages, supplement request, survey
invitation), supplement, withdrawal, survey and public lookup. axe-core finds nothing, at desktop
width and at 320 px (no horizontal scroll), and the lookup works without JavaScript."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from motcua.accounts.tests.factories import CitizenFactory
from motcua.core.testing.axe import assert_no_axe_violations

from .. import services
from ..constants import DossierState
from .lifecycle import dossier_in, staff_of, submitted_dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(page_factory, live_server, user, **options):
    client = Client()
    client.force_login(user)
    page = page_factory(**options)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    return page


@pytest.fixture
def dossiers(db):
    applicant = CitizenFactory(phone="0912345678")
    waiting = submitted_dossier(applicant=applicant)
    officer = staff_of(waiting.agency)
    services.send_message(actor=applicant, dossier=waiting, body="Tôi cần nộp thêm giấy tờ gì?\nXin cảm ơn.")
    services.send_message(actor=officer, dossier=waiting, body="Vui lòng bổ sung lý do cụ thể.")
    services.request_supplement(actor=officer, dossier=waiting, reason="Lý do chưa rõ.", field_ids=["reason", "copies"])
    delivered = dossier_in(DossierState.DELIVERED, applicant=applicant)
    open_one = submitted_dossier(applicant=applicant)
    cache.clear()
    return {"applicant": applicant, "waiting": waiting, "delivered": delivered, "open": open_one}


@pytest.mark.parametrize("width", [None, 320], ids=["desktop", "320px"])
def test_follow_up_pages_have_no_axe_violations(page_factory, live_server, dossiers, width):
    page = _signed_in_page(page_factory, live_server, dossiers["applicant"], width=width)
    waiting, delivered, open_one = dossiers["waiting"], dossiers["delivered"], dossiers["open"]
    paths = [
        f"/dossiers/{waiting.public_id}/track/",
        f"/dossiers/{waiting.public_id}/supplement/",
        f"/dossiers/{delivered.public_id}/track/",
        f"/dossiers/{delivered.public_id}/survey/",
        f"/dossiers/{open_one.public_id}/track/",  # empty thread
        f"/dossiers/{open_one.public_id}/withdraw/",
        "/dossiers/lookup/",
    ]
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(page)
        if width:
            scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{path} is {scroll_width}px wide at {width}px"
    # Pages with errors.
    page.goto(f"/dossiers/{waiting.public_id}/supplement/")
    page.fill("#id_copies", "hai")
    with page.expect_navigation():
        page.locator("form button[value=send]").click()
    assert page.locator(".error-summary").is_visible()
    assert_no_axe_violations(page)
    page.goto(f"/dossiers/{delivered.public_id}/survey/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert_no_axe_violations(page)
    page.goto(f"/dossiers/{open_one.public_id}/track/")
    with page.expect_navigation():
        page.locator("#messages form button[type=submit]").click()
    assert page.locator("#messages .error-summary").is_visible()
    assert_no_axe_violations(page)
    page.goto("/dossiers/lookup/")
    page.fill("#id_code", open_one.code)
    for factor in ("12", "0000", "5678"):  # invalid, not found, found
        page.fill("#id_factor", factor)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert_no_axe_violations(page)


def test_lookup_without_javascript(page_factory, dossiers):
    page = page_factory(javascript_enabled=False)
    page.goto("/")
    page.locator("a[href='/dossiers/lookup/']").click()
    page.wait_for_url("**/dossiers/lookup/")
    page.fill("#id_code", dossiers["open"].code)
    page.fill("#id_factor", "0000")
    with page.expect_navigation():
        page.press("#id_factor", "Enter")
    assert page.locator(".error-summary").is_visible()
    page.fill("#id_factor", "5678")
    with page.expect_navigation():
        page.press("#id_factor", "Enter")
    assert page.get_by_role("heading", level=1).inner_text().endswith(dossiers["open"].code)
