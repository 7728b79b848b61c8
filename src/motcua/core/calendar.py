"""The working-day calendar: deadlines counted in working days, calendar days or working hours.

Pure Python: no ORM and no settings inside. A `WorkingCalendar` is built from
- the public holidays of the `holidays` library (Vietnam by default: Tết, Hùng Kings, 30/4, 1/5,
  2/9 and its adjacent day, ...) and the Saturdays the government swapped into working days that the
  library knows (`weekend_workdays`);
- extra days off and extra working days (the admin-editable `CalendarDay` rows: see
  `core.calendar_store.current_calendar()`, which is what services should call);
- the office hours (used for working-hour deadlines and for the time of day of a due date);
- the receipt cut-off time.

Entry points (methods of `WorkingCalendar`): `is_working_day`, `next_working_day`,
`deemed_received_on`, `add_working_days`, `working_days_between`, `add`, `add_with_pauses`,
`working_time_between`, `closing_time`.

Rules and where they come from:
- Receipt (research note /work/shared/reference/vietnam.md §3.5 and §10.3): a dossier received
  after the cut-off (15:00 by default) is returned the next working day for same-day procedures
  (Hanoi procedures 2.000635 and 2.000908). We apply it as a general "deemed received" rule: a
  dossier received after the cut-off, or on a day that is not a working day, is deemed received
  on the next working day. Pass `cutoff=None` to switch it off.
- Working days: the day of (deemed) receipt is not counted; the due date is the n-th working day
  after it, so a 3-working-day procedure received on Monday morning is due on Thursday. A 0-day
  (same-day) procedure is due on the day of deemed receipt.
- Calendar days: Civil Code 2015 (91/2015/QH13) art. 147 — the first day is not counted — and
  art. 148 — when the last day is a weekend day or a holiday, the period ends with the next
  working day. No receipt cut-off (the Civil Code counts from the event itself).
- Working hours: the clock runs only during office hours on working days, from the instant of
  receipt (no cut-off: the clock simply uses what is left of the day).

Invariants (tested with hypothesis in core/tests/test_calendar.py): a due date is a working day;
`add_working_days` is monotonic in n; `working_days_between(start, add_working_days(start, n)) == n`.

Performance: the working days of a year are computed once per calendar (a sorted list of ordinals
and a set); each operation is then a few set look-ups and bisections.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
WORKING_HOURS = "working_hours"
UNITS = (WORKING_DAYS, CALENDAR_DAYS, WORKING_HOURS)
# `procedures.constants.DeadlineUnit` stores calendar days as "days".
UNIT_ALIASES = {"days": CALENDAR_DAYS}

# Office hours of a working day: 8 working hours (a working day = 8 working hours). Agencies
# differ (07:30–11:30 + 13:00–17:00 is common in the south, 08:00–12:00 + 13:00–17:00 in Hanoi):
# settings.MOTCUA_OFFICE_HOURS overrides this (see core.calendar_store).
DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
# vietnam.md §3.5: "received after 15:00 → returned the next working day". settings.MOTCUA_RECEIPT_CUTOFF.
DEFAULT_CUTOFF: time | None = time(15, 0)
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

# Far beyond any legal deadline; stops a calendar with no working day at all from looping forever.
_MAX_YEARS_AHEAD = 50


class Pause(NamedTuple):
    """A period when the deadline clock stood still (e.g. waiting for a supplement).
    `end` is None while the pause is still open."""

    start: datetime
    end: datetime | None


@dataclass(frozen=True, slots=True)
class _Year:
    ordinals: list[int]  # working days of the year, as sorted date ordinals
    days: frozenset[int]


def normalise_unit(unit: str) -> str:
    """The canonical unit name; accepts "days" (the procedures' name for calendar days)."""
    unit = UNIT_ALIASES.get(unit, unit)
    if unit not in UNITS:
        raise ValueError(f"unknown deadline unit {unit!r}; expected one of {UNITS}")
    return unit


def _as_time(value: time | str) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


class WorkingCalendar:
    """Which days are working days, and how deadlines are counted on them.

    Keyword arguments:
    - `days_off`, `working_days`: extra days off and extra working days; they override the public
      holidays and the weekend (a date cannot be in both).
    - `office_hours`: the office periods of a working day, e.g. `(("07:30", "11:30"), ("13:00", "17:00"))`.
    - `cutoff`: receipt cut-off time of day (None: no cut-off).
    - `timezone`: naive datetimes are read in this zone; returned datetimes are aware, in this zone.
    - `country`: the `holidays` country code; `public_holidays=False` leaves them out (tests).

    Instances are immutable in behaviour and safe to share between threads (the per-year memo is
    only ever filled with the same values).
    """

    def __init__(
        self,
        *,
        days_off: Iterable[date] = (),
        working_days: Iterable[date] = (),
        office_hours: Sequence[tuple[time | str, time | str]] = DEFAULT_OFFICE_HOURS,
        cutoff: time | str | None = DEFAULT_CUTOFF,
        timezone: str | tzinfo = DEFAULT_TIMEZONE,
        country: str = "VN",
        public_holidays: bool = True,
    ) -> None:
        self._extra_off = frozenset(d.toordinal() for d in days_off)
        self._extra_work = frozenset(d.toordinal() for d in working_days)
        if both := self._extra_off & self._extra_work:
            listed = ", ".join(sorted(date.fromordinal(o).isoformat() for o in both))
            raise ValueError(f"dates both extra days off and extra working days: {listed}")
        periods = tuple((_as_time(a), _as_time(b)) for a, b in office_hours)
        if not periods:
            raise ValueError("office hours need at least one period")
        for (start, end), following in zip(periods, (*periods[1:], None)):
            if not start < end or (following is not None and following[0] < end):
                raise ValueError("office periods must be ordered, non-empty and not overlap")
        self.office_hours = periods
        self.cutoff = _as_time(cutoff) if cutoff is not None else None
        self.tz = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
        self.country = country
        self.public_holidays = public_holidays
        self._years: dict[int, _Year] = {}

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(country={self.country!r}, extra days off={len(self._extra_off)}, "
            f"extra working days={len(self._extra_work)})"
        )

    # --- Days ---------------------------------------------------------------------------------
    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        if self.public_holidays:
            public = holidays.country_holidays(self.country, years=year)
            # Saturdays worked in exchange for a bridge day off (e.g. 22/08/2026 for 31/08/2026).
            swapped = {d.toordinal() for d in getattr(public, "weekend_workdays", ()) if d.year == year}
            days_off = {d.toordinal() for d in public if d.year == year}
        else:
            swapped, days_off = set(), set()
        ordinals = []
        for ordinal in range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1):
            if ordinal in self._extra_off:
                continue
            if ordinal in self._extra_work or ordinal in swapped:
                ordinals.append(ordinal)
            elif ordinal not in days_off and date.fromordinal(ordinal).weekday() < 5:
                ordinals.append(ordinal)
        cached = self._years[year] = _Year(ordinals=ordinals, days=frozenset(ordinals))
        return cached

    def _local(self, moment: datetime) -> datetime:
        """`moment` in the calendar's zone (naive datetimes are taken as local already)."""
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def _local_date(self, day: date | datetime) -> date:
        return self._local(day).date() if isinstance(day, datetime) else day

    def is_working_day(self, day: date | datetime) -> bool:
        day = self._local_date(day)
        return day.toordinal() in self._year(day.year).days

    def next_working_day(self, day: date | datetime) -> date:
        """The first working day strictly after `day`."""
        return date.fromordinal(self._nth_after(self._local_date(day).toordinal(), 1))

    def deemed_received_on(self, start: date | datetime) -> date:
        """The day a dossier received at `start` counts as received on (vietnam.md §3.5): the same
        day if it is a working day and `start` is not after the cut-off, else the next working day.
        A plain date has no time of day, so only the working-day part of the rule applies."""
        day = self._local_date(start)
        late = isinstance(start, datetime) and self.cutoff is not None and self._local(start).time() > self.cutoff
        if late or not self.is_working_day(day):
            return self.next_working_day(day)
        return day

    def closing_time(self, day: date) -> datetime:
        """The end of the last office period of `day` (the time printed on a receipt's due date)."""
        return datetime.combine(day, self.office_hours[-1][1], tzinfo=self.tz)

    def _count(self, after: int, upto: int) -> int:
        """Working days d with after < d <= upto (ordinals; 0 if upto <= after)."""
        if upto <= after:
            return 0
        first, last = date.fromordinal(after).year, date.fromordinal(upto).year
        total = 0
        for year in range(first, last + 1):
            ordinals = self._year(year).ordinals
            total += bisect.bisect_right(ordinals, upto) - bisect.bisect_right(ordinals, after)
        return total

    def _nth_after(self, after: int, n: int) -> int:
        """The ordinal of the n-th working day strictly after ordinal `after` (n >= 1)."""
        year = date.fromordinal(after).year
        ordinals = self._year(year).ordinals
        index = bisect.bisect_right(ordinals, after) + n - 1
        for _ in range(_MAX_YEARS_AHEAD):
            if index < len(ordinals):
                return ordinals[index]
            index -= len(ordinals)
            year += 1
            ordinals = self._year(year).ordinals
        raise ValueError(f"no working day found within {_MAX_YEARS_AHEAD} years")

    # --- Working days -------------------------------------------------------------------------
    def add_working_days(self, start: date | datetime, n: int) -> date:
        """The due date of an n-working-day deadline for a dossier received at `start`: the n-th
        working day after the day of deemed receipt (that day itself for n = 0)."""
        n = _whole(n)
        received = self.deemed_received_on(start)
        if n == 0:
            return received
        return date.fromordinal(self._nth_after(received.toordinal(), n))

    def working_days_between(self, start: date | datetime, end: date | datetime) -> int:
        """Working days elapsed from `start` to `end`, counted like deadlines: the working days
        after the day of deemed receipt of `start`, up to and including `end`'s day. Negative when
        `end` comes before that day (e.g. a result delivered before the due date:
        `working_days_between(due_on, delivered_at)` is the number of working days late)."""
        received = self.deemed_received_on(start).toordinal()
        end_ordinal = self._local_date(end).toordinal()
        if end_ordinal >= received:
            return self._count(received, end_ordinal)
        return -self._count(end_ordinal, received)

    # --- Office time --------------------------------------------------------------------------
    def _office_periods(self, first: date) -> Iterable[tuple[datetime, datetime]]:
        """Office periods of the working days from `first` on (endless)."""
        ordinal = first.toordinal() - 1
        for _ in range(366 * _MAX_YEARS_AHEAD):
            ordinal = self._nth_after(ordinal, 1)
            day = date.fromordinal(ordinal)
            for opens, closes in self.office_hours:
                yield datetime.combine(day, opens, tzinfo=self.tz), datetime.combine(day, closes, tzinfo=self.tz)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time on working days between two instants (zero if `end` <= `start`)."""
        start, end = self._local(start), self._local(end)
        total = timedelta(0)
        if end <= start:
            return total
        for opens, closes in self._office_periods(start.date()):
            if opens >= end:
                break
            low, high = max(opens, start), min(closes, end)
            if high > low:
                total += high - low
        return total

    # --- Deadlines ----------------------------------------------------------------------------
    def add(self, start: date | datetime, amount: int | float, unit: str) -> datetime:
        """The due instant of a deadline of `amount` `unit`s (see `UNITS`) for a dossier received
        at `start`. Day units: the closing time of the due date. Working hours: the instant the
        `amount`-th hour of office time is used up (fractions allowed; a plain date starts at
        midnight, i.e. at the opening of that day if it is a working day)."""
        due = self.add_with_pauses(start, amount, unit, ())
        assert due is not None  # only an open pause can leave the due instant unknown
        return due

    def add_with_pauses(
        self,
        start: date | datetime,
        amount: int | float,
        unit: str,
        pauses: Iterable[Pause | tuple[datetime, datetime | None]],
        *,
        now: datetime | None = None,
    ) -> datetime | None:
        """Like `add`, with the clock stopped during `pauses` (DESIGN.md §4: the clock pauses in
        awaiting_supplement and awaiting_payment). Pauses may overlap, come in any order, start
        before `start` or after the due instant (then they change nothing).

        Semantics, by unit:
        - Day units: a pause stops the clock for the days from its start date up to, but not
          including, the day its end is deemed received on (`deemed_received_on`, so a supplement
          that comes after the cut-off or on a day off resumes the clock on the next working day).
          Those days are skipped when counting; the due date moves later by exactly the number of
          skipped days that fell inside the deadline (working days for "working_days", calendar
          days for "calendar_days"). A pause that starts and ends on the same working day, before
          the cut-off, costs nothing. For a 0-day deadline, the due date is the first working day
          from the day of deemed receipt on which the clock is not stopped.
        - Working hours: office time inside a pause does not count, to the minute.

        An open pause (`end` None) is taken to end at `now` when `now` is given (a provisional due
        date "if the supplement came now"); otherwise, if it starts before the deadline is reached,
        the due instant is unknown and the result is None.
        """
        unit = normalise_unit(unit)
        intervals = []
        for pause_start, pause_end in pauses:
            if pause_end is None and now is not None:
                pause_end = max(self._local(now), self._local(pause_start))
            if pause_end is not None and self._local(pause_end) < self._local(pause_start):
                raise ValueError("a pause cannot end before it starts")
            intervals.append((pause_start, pause_end))
        if unit == WORKING_HOURS:
            return self._add_hours(start, amount, intervals)
        n = _whole(amount)
        paused = self._paused_days(intervals)
        if unit == WORKING_DAYS:
            due = self._add_unpaused_working_days(self.deemed_received_on(start), n, paused)
        else:
            due = self._add_unpaused_calendar_days(self._local_date(start), n, paused)
        return None if due is None else self.closing_time(due)

    def _paused_days(self, intervals: list[tuple[datetime, datetime | None]]) -> list[tuple[int, float]]:
        """Merged, sorted [first, stop) ordinal ranges of stopped days (stop may be +inf)."""
        ranges: list[tuple[int, float]] = []
        for pause_start, pause_end in intervals:
            first = self._local_date(pause_start).toordinal()
            stop = math.inf if pause_end is None else self.deemed_received_on(pause_end).toordinal()
            if stop > first:
                ranges.append((first, stop))
        ranges.sort()
        merged: list[tuple[int, float]] = []
        for first, stop in ranges:
            if merged and first <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
            else:
                merged.append((first, stop))
        return merged

    def _add_unpaused_working_days(self, received: date, n: int, paused: list[tuple[int, float]]) -> date | None:
        position = received.toordinal()
        if n == 0:
            for first, stop in paused:
                if first <= position < stop:
                    if stop == math.inf:
                        return None
                    # `stop` is a deemed-receipt day, hence a working day.
                    position = int(stop)
            return date.fromordinal(position)
        remaining = n
        for first, stop in paused:
            if stop <= position + 1:
                continue
            available = self._count(position, first - 1)
            if available >= remaining:
                break
            remaining -= available
            if stop == math.inf:
                return None
            position = max(position, int(stop) - 1)
        return date.fromordinal(self._nth_after(position, remaining))

    def _add_unpaused_calendar_days(self, start: date, n: int, paused: list[tuple[int, float]]) -> date | None:
        position, remaining = start.toordinal(), n
        for first, stop in paused:
            if remaining == 0 or stop <= position + 1:
                continue
            available = max(0, first - 1 - position)
            if available >= remaining:
                break
            remaining -= available
            if stop == math.inf:
                return None
            position = max(position, int(stop) - 1)
        due = date.fromordinal(position + remaining)
        # Civil Code 2015 art. 148: a period ending on a weekend day or holiday ends with the
        # next working day.
        return due if self.is_working_day(due) else self.next_working_day(due)

    def _add_hours(
        self, start: date | datetime, amount: int | float, intervals: list[tuple[datetime, datetime | None]]
    ) -> datetime | None:
        if not isinstance(amount, int | float) or amount < 0 or not math.isfinite(amount):
            raise ValueError(f"a deadline amount must be a finite number >= 0, not {amount!r}")
        if not isinstance(start, datetime):
            start = datetime.combine(start, time(0))
        start = self._local(start)
        remaining = timedelta(hours=amount)
        if not remaining:
            return start
        stops = sorted(
            ((self._local(a), self._local(b) if b is not None else None) for a, b in intervals), key=lambda p: p[0]
        )
        for opens, closes in self._office_periods(start.date()):
            low = max(opens, start)
            # Cut the office period into running pieces around the pauses.
            for pause_start, pause_end in stops:
                if low >= closes:
                    break
                if (pause_end is not None and pause_end <= low) or pause_start >= closes:
                    continue
                if pause_start > low:
                    if pause_start - low >= remaining:
                        return low + remaining
                    remaining -= pause_start - low
                if pause_end is None:
                    return None
                low = max(low, pause_end)
            if closes > low:
                if closes - low >= remaining:
                    return low + remaining
                remaining -= closes - low
        raise ValueError(f"no due instant found within {_MAX_YEARS_AHEAD} years")


def _whole(amount: int | float) -> int:
    """A day count: a whole number >= 0."""
    if (
        isinstance(amount, bool)
        or not isinstance(amount, int | float)
        or not math.isfinite(amount)
        or amount < 0
        or amount != int(amount)
    ):
        raise ValueError(f"a number of days must be a whole number >= 0, not {amount!r}")
    return int(amount)
