"""Internal annotations in Chromium at 320 px: the staff dossier page with the annotation form,
a bad number (error summary, message next to the control, what was typed kept), then a valid save
and the annotation's history; axe-core finds nothing and no page scrolls
sideways."""

import pytest
from django.conf import settings
from django.test import Client

from motcua.accounts.constants import Role
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.core.testing.axe import assert_no_axe_violations
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import SIMPLE_FIELDS, published_procedure
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIELDS = (
    *SIMPLE_FIELDS,
    ("long_text", "Nhận xét của cán bộ", {"stable_id": "review_note", "private": True, "required": True}),
    ("integer", "Diện tích đo đạc", {"stable_id": "measured_area", "private": True}),
)


def _no_sideways_scroll(page, width=320):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_instructor_fills_in_the_annotations_at_320px(page_factory, live_server, db):
    dossier = advance(submitted_dossier(procedure=published_procedure(fields=FIELDS)), "receive", "start_instruction")
    client = force_verified_login(Client(), staff_of(dossier.agency, Role.INSTRUCTOR))
    page = page_factory(width=320)
    page.context.add_cookies([
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
    ])
    save = "#annotations button[type=submit]"

    page.goto(f"/backoffice/dossiers/{dossier.public_id}/")
    assert page.locator("#id_review_note").is_visible()
    assert_no_axe_violations(page)
    _no_sideways_scroll(page)

    page.fill("#id_review_note", "Đã kiểm tra thực địa.")
    page.fill("#id_measured_area", "mười hai")
    with page.expect_navigation():
        page.locator(save).click()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_review_note").input_value() == "Đã kiểm tra thực địa."
    assert page.locator("#id_measured_area").input_value() == "mười hai"
    assert_no_axe_violations(page)
    _no_sideways_scroll(page)

    page.fill("#id_measured_area", "120")
    with page.expect_navigation():
        page.locator(save).click()
    assert page.locator(".messages .notice--success").is_visible()
    assert Dossier.objects.get(pk=dossier.pk).values["measured_area"] == 120
    page.locator("#annotations details summary").first.click()
    assert "Đã kiểm tra thực địa." in page.locator("#annotations details").first.inner_text()
    assert_no_axe_violations(page)
    _no_sideways_scroll(page)
