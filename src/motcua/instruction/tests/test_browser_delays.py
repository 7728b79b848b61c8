"""Delays in Chromium at 320 px: an instructor apologises for an overdue dossier without
JavaScript (a bad date first, then a good one) and stops another; axe-core finds nothing on the
staff page (forms open, with errors, record of delays) nor on the applicant's tracking page, and
no page scrolls sideways."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.core.calendar_store import current_calendar
from motcua.core.testing.axe import assert_no_axe_violations
from motcua.dossiers.constants import DossierState
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page, width=320):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def _signed_in(page_factory, live_server, user, **options):
    client = force_verified_login(Client(), user) if user.is_staff_member else Client()
    if not user.is_staff_member:
        client.force_login(user)
    page = page_factory(**options)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}, {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en",
                                                         "url": live_server.url}])
    return page


def _overdue_dossier():
    """A dossier in instruction filed twelve days ago: past its 3-working-day due date."""
    filed = timezone.now() - dt.timedelta(days=12)
    return advance(submitted_dossier(now=filed), "receive", "start_instruction", at=filed)


def test_instructor_apologises_and_stops_without_javascript_at_320px(page_factory, live_server, db):
    dossier = _overdue_dossier()
    instructor = staff_of(dossier.agency, Role.INSTRUCTOR)
    page = _signed_in(page_factory, live_server, instructor, width=320, javascript_enabled=False)
    checker = _signed_in(page_factory, live_server, instructor, width=320)  # axe-core needs JavaScript
    url = f"{live_server.url}/backoffice/dossiers/{dossier.public_id}/"

    page.goto(url)
    assert page.locator("#apology details").get_attribute("open") is not None  # overdue: the form is open
    _no_sideways_scroll(page)
    checker.goto(url)
    assert_no_axe_violations(checker)

    # A day that has passed: refused, next to the field, the reason kept.
    page.fill("#id_apology-reason", "Chờ ý kiến của Sở Xây dựng.")
    page.fill("#id_apology-new_due_on", timezone.localdate(dossier.due_at).isoformat())
    with page.expect_navigation():
        page.locator("#apology button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_apology-reason").input_value() == "Chờ ý kiến của Sở Xây dựng."
    with checker.expect_navigation():
        checker.locator("#apology button[type=submit]").click()
    assert_no_axe_violations(checker)

    new_date = current_calendar().add_working_days(timezone.localdate(), 2)
    page.fill("#id_apology-new_due_on", new_date.isoformat())
    with page.expect_navigation():
        page.locator("#apology button[type=submit]").click()
    assert page.locator("#delays").is_visible() and "Chờ ý kiến của Sở Xây dựng." in page.locator("#delays").inner_text()
    assert timezone.localdate(Dossier.objects.get(pk=dossier.pk).due_at) == new_date
    _no_sideways_scroll(page)
    checker.goto(url)
    assert_no_axe_violations(checker)

    # Stopping needs the confirmation.
    page.locator("#stop summary").click()
    page.fill("#id_stop-reason", "Người nộp không bổ sung hồ sơ trong thời hạn.")
    with page.expect_navigation():
        page.locator("#stop button[type=submit]").click()
    assert page.locator(".error-summary").is_visible() and page.locator("#stop details").get_attribute("open") is not None
    page.check("#id_stop-confirm")
    with page.expect_navigation():
        page.locator("#stop button[type=submit]").click()
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.STOPPED
    assert page.locator("#stop").count() == 0
    checker.goto(url)
    assert_no_axe_violations(checker)
    _no_sideways_scroll(page)

    # The applicant's tracking page.
    applicant = _signed_in(page_factory, live_server, dossier.applicant, width=320)
    applicant.goto(f"{live_server.url}/dossiers/{dossier.public_id}/track/")
    text = applicant.locator("main").inner_text()
    assert "Người nộp không bổ sung hồ sơ trong thời hạn." in text and "Chờ ý kiến của Sở Xây dựng." in text
    assert_no_axe_violations(applicant)
    _no_sideways_scroll(applicant)
