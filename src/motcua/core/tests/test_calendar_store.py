"""The admin-edited calendar (CalendarDay) and the process cache of `current_calendar()`."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core.calendar_store import current_calendar, invalidate_calendar_cache
from motcua.core.models import CalendarDay

pytestmark = pytest.mark.django_db

SATURDAY = date(2026, 3, 7)
WEDNESDAY = date(2026, 3, 4)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    invalidate_calendar_cache()
    yield
    invalidate_calendar_cache()


def test_current_calendar_includes_public_holidays_and_calendar_days():
    CalendarDay.objects.create(date=WEDNESDAY, kind=CalendarDay.Kind.DAY_OFF, reason="Provincial festival")
    CalendarDay.objects.create(date=SATURDAY, kind=CalendarDay.Kind.WORKING_DAY, reason="Swapped working day")
    calendar = current_calendar()
    assert not calendar.is_working_day(date(2026, 2, 17))  # Tết, from the holidays library
    assert not calendar.is_working_day(WEDNESDAY)
    assert calendar.is_working_day(SATURDAY)


def test_current_calendar_is_cached_in_the_process(django_assert_num_queries):
    current_calendar()
    with django_assert_num_queries(0):
        current_calendar()


def test_saving_and_deleting_a_calendar_day_refreshes_the_calendar(settings):
    settings.MOTCUA_CALENDAR_RECHECK_SECONDS = 3600
    assert current_calendar().is_working_day(WEDNESDAY)
    day = CalendarDay.objects.create(date=WEDNESDAY, kind=CalendarDay.Kind.DAY_OFF, reason="Storm")
    assert not current_calendar().is_working_day(WEDNESDAY)
    day.kind = CalendarDay.Kind.WORKING_DAY
    day.save()
    assert current_calendar().is_working_day(WEDNESDAY)
    CalendarDay.objects.create(date=SATURDAY, kind=CalendarDay.Kind.WORKING_DAY, reason="Swap")
    assert current_calendar().is_working_day(SATURDAY)
    CalendarDay.objects.filter(date=SATURDAY).delete()
    assert not current_calendar().is_working_day(SATURDAY)


def test_changes_without_signals_are_seen_at_the_next_version_check(settings):
    """Another process's change (simulated by a bulk insert, which sends no signal) is seen once the
    recheck delay has passed, not before."""
    settings.MOTCUA_CALENDAR_RECHECK_SECONDS = 3600
    assert current_calendar().is_working_day(WEDNESDAY)
    CalendarDay.objects.bulk_create([CalendarDay(date=WEDNESDAY, kind=CalendarDay.Kind.DAY_OFF, reason="Storm")])
    assert current_calendar().is_working_day(WEDNESDAY)  # still cached
    settings.MOTCUA_CALENDAR_RECHECK_SECONDS = 0
    assert not current_calendar().is_working_day(WEDNESDAY)


def test_office_hours_and_cutoff_come_from_the_settings(settings):
    settings.MOTCUA_OFFICE_HOURS = (("08:00", "12:00"), ("13:00", "17:30"))
    settings.MOTCUA_RECEIPT_CUTOFF = None
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    calendar = current_calendar()
    monday = date(2026, 3, 2)
    assert calendar.add(monday, 0, "working_days") == datetime.combine(monday, time(17, 30), tzinfo=tz)
    assert calendar.add_working_days(datetime.combine(monday, time(16, 30), tzinfo=tz), 0) == monday


def _verified_superuser_client(client):
    user = get_user_model().objects.create_superuser(
        username="calendar-admin@agency.gov.vn", email="calendar-admin@agency.gov.vn", password="x" * 20
    )
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_editing_a_calendar_day_in_the_admin_refreshes_the_calendar(client, settings):
    settings.MOTCUA_CALENDAR_RECHECK_SECONDS = 3600
    client = _verified_superuser_client(client)
    assert current_calendar().is_working_day(WEDNESDAY)

    response = client.post(
        reverse("admin:core_calendarday_add"),
        {"date": WEDNESDAY.isoformat(), "kind": "day_off", "reason": "Typhoon: offices closed"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not current_calendar().is_working_day(WEDNESDAY)

    day = CalendarDay.objects.get(date=WEDNESDAY)
    response = client.post(reverse("admin:core_calendarday_delete", args=[day.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert current_calendar().is_working_day(WEDNESDAY)


def test_admin_lists_calendar_days(client):
    CalendarDay.objects.create(date=SATURDAY, kind=CalendarDay.Kind.WORKING_DAY, reason="Swapped for 30 April")
    response = _verified_superuser_client(client).get(reverse("admin:core_calendarday_changelist"))
    assert response.status_code == 200
    assert "Swapped for 30 April" in response.content.decode()
