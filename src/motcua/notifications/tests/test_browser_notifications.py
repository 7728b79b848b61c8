"""The notifications page and the settings page in Chromium: a staff member opens the list from
the navigation's count, marks everything read, then changes a setting; axe-core finds nothing
(with and without errors), at desktop width and at 320 px (no horizontal scroll)."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from motcua.accounts.tests.factories import StaffFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.core.testing.axe import assert_no_axe_violations
from motcua.dossiers.tests.factories import published_procedure
from motcua.dossiers.tests.lifecycle import submitted_dossier

from ..constants import Channel, NotificationKind
from ..models import NotificationPreference, StaffNotification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIST = "/backoffice/notifications/"
SETTINGS = "/backoffice/notifications/settings/"


def _staff_page(page_factory, live_server, user, **options):
    client = force_verified_login(Client(), user)
    page = page_factory(**options)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    return page


@pytest.fixture
def staff(db):
    user = StaffFactory()
    dossier = submitted_dossier(procedure=published_procedure())
    now = timezone.now()
    StaffNotification.objects.bulk_create([
        StaffNotification(user=user, dossier=dossier, kind=NotificationKind.OVERDUE, channel=Channel.DIGEST,
                          due_on=dt.date(2026, 1, 5), created_at=now),
        StaffNotification(user=user, dossier=dossier, kind=NotificationKind.MESSAGE, channel=Channel.INSTANT,
                          created_at=now - dt.timedelta(hours=1), read_at=now),
    ])
    return user


def test_staff_member_reads_notifications_and_changes_a_setting(page_factory, live_server, staff):
    page = _staff_page(page_factory, live_server, staff)
    page.goto("/backoffice/")
    with page.expect_navigation():
        page.locator(".site-nav a[href='/backoffice/notifications/']").click()
    assert page.locator(".notification--unread").count() == 1

    with page.expect_navigation():
        page.locator("form[action$='/read/'] button[type=submit]").first.click()
    assert page.locator(".notification--unread").count() == 0
    assert page.locator(".nav-count").count() == 0

    page.goto(SETTINGS)
    page.locator("input[name=overdue][value=off]").check()
    with page.expect_navigation():
        page.locator("form.notification-settings button[type=submit]").click()
    assert page.locator(".messages .notice--success").is_visible()
    assert NotificationPreference.objects.get(user=staff).overdue == Channel.OFF


@pytest.mark.parametrize("width", [None, 320], ids=["desktop", "320px"])
def test_notification_pages_have_no_axe_violations(page_factory, live_server, staff, width):
    page = _staff_page(page_factory, live_server, staff, width=width)
    for path in (LIST, SETTINGS):
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(page)
        if width:
            scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{path} is {scroll_width}px wide at {width}px"
    # The settings with an error: a choice removed before sending (as a broken client would).
    page.evaluate("() => document.querySelectorAll('input[name=opinion]').forEach(i => i.remove())")
    with page.expect_navigation():
        page.locator("form.notification-settings button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert_no_axe_violations(page)
    StaffNotification.objects.filter(user=staff).delete()
    page.goto(LIST)
    assert page.locator(".empty-state").is_visible()
    assert_no_axe_violations(page)
