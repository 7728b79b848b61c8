"""The pure working-day calendar (core/calendar.py): holidays, receipt rule, units, pauses."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from motcua.core.calendar import Pause, WorkingCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkingCalendar()

# Naive local datetimes (read in Asia/Ho_Chi_Minh), on a 5-minute grid, 2025–2027.
moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda m: m.replace(minute=m.minute - m.minute % 5, second=0, microsecond=0)
)
starts = st.one_of(moments, moments.map(datetime.date))
day_counts = st.integers(min_value=0, max_value=60)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VN)


# --- Which days are worked -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # New Year
        *(date(2026, 2, d) for d in range(16, 21)),  # Tết: Monday 16 to Friday 20 February
        date(2026, 4, 27),  # Hùng Kings (Sunday 26 April, observed on Monday)
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),  # bridge day, worked on Saturday 22 August instead
        date(2026, 9, 1),  # the day next to National Day
        date(2026, 9, 2),
    ],
)
def test_vietnamese_public_holidays_are_not_working_days_when_2026(day):
    assert day.weekday() < 5
    assert not CALENDAR.is_working_day(day)


def test_ordinary_weekdays_are_worked_and_weekends_are_not():
    assert CALENDAR.is_working_day(date(2026, 3, 2))  # Monday
    assert not CALENDAR.is_working_day(date(2026, 3, 7))  # Saturday
    assert not CALENDAR.is_working_day(date(2026, 3, 8))  # Sunday


def test_saturday_swapped_by_the_government_is_a_working_day_when_the_library_knows_it():
    assert CALENDAR.is_working_day(date(2026, 8, 22))


def test_extra_day_off_and_extra_working_saturday_are_honoured():
    calendar = WorkingCalendar(days_off=[date(2026, 3, 4)], working_days=[date(2026, 3, 7)])
    assert not calendar.is_working_day(date(2026, 3, 4))
    assert calendar.is_working_day(date(2026, 3, 7))
    # Monday + 3 working days: Tuesday, (not Wednesday), Thursday, Friday.
    assert calendar.add_working_days(date(2026, 3, 2), 3) == date(2026, 3, 6)
    # Thursday + 2: Friday, Saturday (worked).
    assert calendar.add_working_days(date(2026, 3, 5), 2) == date(2026, 3, 7)


def test_extra_working_day_can_override_a_public_holiday():
    assert WorkingCalendar(working_days=[date(2026, 4, 30)]).is_working_day(date(2026, 4, 30))


def test_a_date_cannot_be_both_an_extra_day_off_and_an_extra_working_day():
    with pytest.raises(ValueError, match="2026-03-04"):
        WorkingCalendar(days_off=[date(2026, 3, 4)], working_days=[date(2026, 3, 4)])


def test_next_working_day_skips_weekends_and_tet():
    assert CALENDAR.next_working_day(date(2026, 3, 6)) == date(2026, 3, 9)
    assert CALENDAR.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert CALENDAR.next_working_day(at(date(2026, 3, 2), 9)) == date(2026, 3, 3)


# --- Receipt rule and working days ---------------------------------------------------------------
def test_add_working_days_when_the_deadline_spans_a_weekend():
    friday = at(date(2026, 3, 6), 9)
    assert CALENDAR.add_working_days(friday, 1) == date(2026, 3, 9)
    assert CALENDAR.add_working_days(friday, 3) == date(2026, 3, 11)


def test_add_working_days_when_the_deadline_spans_tet():
    thursday_before_tet = at(date(2026, 2, 12), 9)
    assert CALENDAR.add_working_days(thursday_before_tet, 1) == date(2026, 2, 13)
    assert CALENDAR.add_working_days(thursday_before_tet, 2) == date(2026, 2, 23)
    assert CALENDAR.add_working_days(thursday_before_tet, 5) == date(2026, 2, 26)


def test_the_day_of_receipt_is_not_counted():
    assert CALENDAR.add_working_days(at(date(2026, 3, 2), 8), 3) == date(2026, 3, 5)


def test_dossier_received_after_the_cutoff_counts_from_the_next_working_day():
    monday = date(2026, 3, 2)
    assert CALENDAR.deemed_received_on(at(monday, 15, 0)) == monday
    assert CALENDAR.deemed_received_on(at(monday, 15, 1)) == date(2026, 3, 3)
    assert CALENDAR.add_working_days(at(monday, 15, 30), 1) == date(2026, 3, 4)
    # A same-day procedure received late on the Friday before Tết is returned after Tết.
    assert CALENDAR.add_working_days(at(date(2026, 2, 13), 16), 0) == date(2026, 2, 23)
    assert CALENDAR.add_working_days(at(date(2026, 2, 13), 10), 0) == date(2026, 2, 13)


def test_cutoff_can_be_switched_off():
    calendar = WorkingCalendar(cutoff=None)
    assert calendar.add_working_days(at(date(2026, 3, 2), 16), 0) == date(2026, 3, 2)


def test_dossier_received_on_a_day_off_counts_from_the_next_working_day():
    saturday = date(2026, 3, 7)
    assert CALENDAR.deemed_received_on(saturday) == date(2026, 3, 9)
    assert CALENDAR.add_working_days(at(saturday, 10), 1) == date(2026, 3, 10)


def test_aware_datetimes_are_read_in_vietnam_time():
    # 08:30 UTC is 15:30 in Hanoi: after the cut-off.
    start = datetime(2026, 3, 2, 8, 30, tzinfo=ZoneInfo("UTC"))
    assert CALENDAR.deemed_received_on(start) == date(2026, 3, 3)


def test_working_days_between_counts_late_days_and_early_days():
    due_on = date(2026, 3, 5)  # Thursday
    assert CALENDAR.working_days_between(due_on, date(2026, 3, 9)) == 2  # delivered Monday: 2 late
    assert CALENDAR.working_days_between(due_on, date(2026, 3, 3)) == -2
    assert CALENDAR.working_days_between(due_on, due_on) == 0


@given(start=starts, n=day_counts)
def test_due_date_is_a_working_day(start, n):
    assert CALENDAR.is_working_day(CALENDAR.add_working_days(start, n))


@given(start=starts, n=day_counts)
def test_due_date_grows_with_the_number_of_days(start, n):
    assert CALENDAR.add_working_days(start, n) < CALENDAR.add_working_days(start, n + 1)


@given(start=starts, n=day_counts)
def test_working_days_between_inverts_add_working_days(start, n):
    assert CALENDAR.working_days_between(start, CALENDAR.add_working_days(start, n)) == n


@settings(max_examples=40, deadline=None)
@given(
    start=starts,
    n=day_counts,
    days_off=st.sets(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=20),
    working=st.sets(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=20),
)
def test_properties_hold_with_extra_days(start, n, days_off, working):
    calendar = WorkingCalendar(days_off=days_off, working_days=working - days_off)
    due = calendar.add_working_days(start, n)
    assert calendar.is_working_day(due)
    assert calendar.working_days_between(start, due) == n
    # Counted by hand, one day at a time.
    day, counted = calendar.deemed_received_on(start), 0
    while counted < n:
        day += timedelta(days=1)
        counted += calendar.is_working_day(day)
    assert day == due


# --- Units ------------------------------------------------------------------------------------------
def test_working_day_deadline_is_due_at_closing_time():
    assert CALENDAR.add(at(date(2026, 3, 2), 9), 3, "working_days") == at(date(2026, 3, 5), 17)


def test_calendar_day_deadline_ending_on_a_weekend_moves_to_the_next_working_day():
    monday = at(date(2026, 3, 2), 16)  # no cut-off for calendar days
    assert CALENDAR.add(monday, 4, "calendar_days") == at(date(2026, 3, 6), 17)
    assert CALENDAR.add(monday, 5, "calendar_days") == at(date(2026, 3, 9), 17)
    assert CALENDAR.add(monday, 5, "days") == at(date(2026, 3, 9), 17)  # the procedures' unit name
    # 5 days from Tuesday 10 February 2026 end on Sunday 15 February, just before Tết.
    assert CALENDAR.add(date(2026, 2, 10), 5, "calendar_days") == at(date(2026, 2, 23), 17)


def test_working_hours_use_office_hours_only():
    monday = date(2026, 3, 2)
    assert CALENDAR.add(at(monday, 9), 2, "working_hours") == at(monday, 11)
    assert CALENDAR.add(at(monday, 10), 4, "working_hours") == at(monday, 15, 30)  # lunch break skipped
    assert CALENDAR.add(at(monday, 16), 8, "working_hours") == at(date(2026, 3, 3), 16)
    assert CALENDAR.add(at(monday, 12), 1.5, "working_hours") == at(monday, 14, 30)
    assert CALENDAR.add(at(monday, 13), 4, "working_hours") == at(monday, 17)  # ends at closing time
    friday = date(2026, 3, 6)
    assert CALENDAR.add(at(friday, 18), 1, "working_hours") == at(date(2026, 3, 9), 8, 30)


def test_a_working_day_has_eight_working_hours_by_default():
    assert CALENDAR.working_time_between(at(date(2026, 3, 2), 0), at(date(2026, 3, 3), 0)) == timedelta(hours=8)


def test_office_hours_are_configurable():
    calendar = WorkingCalendar(office_hours=[("08:00", "12:00"), ("13:00", "17:00")])
    assert calendar.add(at(date(2026, 3, 2), 7), 4, "working_hours") == at(date(2026, 3, 2), 12)


@given(start=moments, hours=st.integers(min_value=1, max_value=200))
def test_working_hours_deadline_uses_exactly_the_amount_of_office_time(start, hours):
    due = CALENDAR.add(start, hours, "working_hours")
    assert CALENDAR.working_time_between(start, due) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("amount", "unit"),
    [(-1, "working_days"), (1.5, "working_days"), (float("inf"), "calendar_days"), (-2, "working_hours"), (1, "weeks")],
)
def test_invalid_deadlines_are_refused(amount, unit):
    with pytest.raises(ValueError):
        CALENDAR.add(date(2026, 3, 2), amount, unit)


def test_overlapping_office_periods_are_refused():
    with pytest.raises(ValueError):
        WorkingCalendar(office_hours=[("07:30", "12:00"), ("11:00", "17:00")])


# --- Pauses -----------------------------------------------------------------------------------------
def test_pause_shifts_the_due_date_by_the_paused_working_days():
    start = at(date(2026, 3, 2), 9)  # Monday, due Thursday 5 March without pause
    # Supplement requested Tuesday, received Thursday morning: Tuesday and Wednesday do not count.
    pause = Pause(at(date(2026, 3, 3), 10), at(date(2026, 3, 5), 9))
    assert CALENDAR.add_with_pauses(start, 3, "working_days", [pause]) == at(date(2026, 3, 9), 17)


def test_supplement_received_after_the_cutoff_resumes_the_clock_the_next_working_day():
    start = at(date(2026, 3, 2), 9)
    pause = Pause(at(date(2026, 3, 3), 10), at(date(2026, 3, 5), 16))
    assert CALENDAR.add_with_pauses(start, 3, "working_days", [pause]) == at(date(2026, 3, 10), 17)


def test_pause_within_one_morning_costs_no_day():
    start = at(date(2026, 3, 2), 9)
    pause = Pause(at(date(2026, 3, 3), 9), at(date(2026, 3, 3), 11))
    assert CALENDAR.add_with_pauses(start, 3, "working_days", [pause]) == CALENDAR.add(start, 3, "working_days")


def test_pause_after_the_due_date_changes_nothing():
    start = at(date(2026, 3, 2), 9)
    pause = Pause(at(date(2026, 3, 10), 9), None)
    assert CALENDAR.add_with_pauses(start, 3, "working_days", [pause]) == at(date(2026, 3, 5), 17)


def test_open_pause_leaves_the_due_date_unknown_unless_now_is_given():
    start = at(date(2026, 3, 2), 9)
    pause = Pause(at(date(2026, 3, 3), 10), None)
    assert CALENDAR.add_with_pauses(start, 3, "working_days", [pause]) is None
    assert CALENDAR.add_with_pauses(start, 8, "working_hours", [pause]) == at(date(2026, 3, 3), 9)  # before it
    assert CALENDAR.add_with_pauses(start, 10, "working_hours", [pause]) is None
    now = at(date(2026, 3, 5), 9)
    assert CALENDAR.add_with_pauses(start, 3, "working_days", [pause], now=now) == at(date(2026, 3, 9), 17)
    closed_then_reopened = [Pause(pause.start, at(date(2026, 3, 3), 11)), pause]
    assert CALENDAR.add_with_pauses(start, 10, "working_hours", closed_then_reopened) is None


def test_same_day_procedure_paused_on_the_day_is_due_when_the_clock_resumes():
    start = at(date(2026, 3, 2), 9)
    pause = Pause(at(date(2026, 3, 2), 10), at(date(2026, 3, 4), 9))
    assert CALENDAR.add_with_pauses(start, 0, "working_days", [pause]) == at(date(2026, 3, 4), 17)


def test_overlapping_pauses_count_each_paused_day_once():
    start = at(date(2026, 3, 2), 9)
    pauses = [
        Pause(at(date(2026, 3, 3), 10), at(date(2026, 3, 5), 9)),
        Pause(at(date(2026, 3, 4), 10), at(date(2026, 3, 5), 9)),
    ]
    assert CALENDAR.add_with_pauses(start, 3, "working_days", pauses) == at(date(2026, 3, 9), 17)


def test_pause_shifts_a_calendar_day_deadline_by_the_paused_days():
    start = at(date(2026, 3, 2), 9)  # 10 calendar days: Thursday 12 March
    pause = Pause(at(date(2026, 3, 3), 10), at(date(2026, 3, 5), 9))  # 3, 4 March stopped
    assert CALENDAR.add_with_pauses(start, 10, "calendar_days", [pause]) == at(date(2026, 3, 16), 17)


def test_pause_stops_a_working_hours_deadline_to_the_minute():
    monday = date(2026, 3, 2)
    pause = Pause(at(monday, 9, 30), at(monday, 9, 45))
    assert CALENDAR.add_with_pauses(at(monday, 9), 2, "working_hours", [pause]) == at(monday, 11, 15)
    # Resumed at 10:45: 45 minutes are left in the morning, the last 15 after the lunch break.
    pause = Pause(at(monday, 10), at(monday, 10, 45))
    assert CALENDAR.add_with_pauses(at(monday, 9), 2, "working_hours", [pause]) == at(monday, 13, 15)


def test_pause_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        CALENDAR.add_with_pauses(date(2026, 3, 2), 1, "working_days", [(at(date(2026, 3, 4), 9), at(date(2026, 3, 3), 9))])


@settings(deadline=None)
@given(start=moments, n=st.integers(min_value=1, max_value=40), data=st.data())
def test_pause_inside_the_deadline_shifts_it_by_exactly_the_paused_working_days(start, n, data):
    received = CALENDAR.deemed_received_on(start)
    due = CALENDAR.add_working_days(start, n)
    assume(received < due)
    pause_start = data.draw(st.datetimes(datetime.combine(received, time(0)), datetime.combine(due, time(0))))
    pause_end = data.draw(st.datetimes(pause_start, datetime.combine(due, time(0))))
    resumed_on = CALENDAR.deemed_received_on(pause_end)
    paused_working_days = sum(
        CALENDAR.is_working_day(received + timedelta(days=i))
        for i in range(1, (resumed_on - received).days)
        if received + timedelta(days=i) >= pause_start.date()
    )
    shifted = CALENDAR.add_with_pauses(start, n, "working_days", [Pause(pause_start, pause_end)])
    expected = due if paused_working_days == 0 else CALENDAR.add_working_days(due, paused_working_days)
    assert shifted == CALENDAR.closing_time(expected)


@settings(deadline=None)
@given(start=moments, hours=st.integers(min_value=1, max_value=40), data=st.data())
def test_pause_shifts_a_working_hours_deadline_by_exactly_the_paused_office_time(start, hours, data):
    start = start.replace(tzinfo=VN)
    due = CALENDAR.add(start, hours, "working_hours")
    pause_start = data.draw(st.datetimes(start.replace(tzinfo=None), due.replace(tzinfo=None))).replace(tzinfo=VN)
    latest_end = due.replace(tzinfo=None) + timedelta(days=30)
    pause_end = data.draw(st.datetimes(pause_start.replace(tzinfo=None), latest_end)).replace(tzinfo=VN)
    shifted = CALENDAR.add_with_pauses(start, hours, "working_hours", [Pause(pause_start, pause_end)])
    paused = CALENDAR.working_time_between(pause_start, min(pause_end, shifted))
    assert CALENDAR.working_time_between(start, shifted) == timedelta(hours=hours) + paused
    assert not pause_start < shifted < pause_end  # never due while the clock is stopped


def _due_counted_by_hand(calendar, start, n, pauses):
    """The definition of `add_with_pauses` for working days, one day at a time."""
    stopped = [
        (p.start.date(), calendar.deemed_received_on(p.end) if p.end is not None else date.max) for p in pauses
    ]

    def counts(day):
        return calendar.is_working_day(day) and not any(first <= day < stop for first, stop in stopped)

    day = calendar.deemed_received_on(start)
    if n == 0:  # the first day from the day of receipt on which the clock runs
        while not counts(day):
            day = calendar.next_working_day(day)
            if day.year > 2028:
                return None
        return day
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        counted += counts(day)
        if day.year > 2028:
            return None
    return day


pauses_in_2026 = st.tuples(
    st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31)), st.integers(min_value=0, max_value=20 * 24 * 60)
).map(lambda p: Pause(p[0], p[0] + timedelta(minutes=p[1])))


@settings(deadline=None)
@given(
    start=st.datetimes(datetime(2026, 1, 1), datetime(2026, 11, 30)),
    n=st.integers(min_value=0, max_value=30),
    pauses=st.lists(pauses_in_2026, max_size=4),
    open_from=st.none() | st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31)),
)
def test_due_date_with_pauses_matches_the_day_by_day_definition(start, n, pauses, open_from):
    if open_from is not None:
        pauses = [*pauses, Pause(open_from, None)]
    expected = _due_counted_by_hand(CALENDAR, start, n, pauses)
    due = CALENDAR.add_with_pauses(start, n, "working_days", pauses)
    assert due == (None if expected is None else CALENDAR.closing_time(expected))
