"""Expected return dates: the procedure's legal deadline counted on the working-day calendar
(holidays.VN plus the admin-edited days off and working days), with the clock's pauses and the
extensions promised in apology letters; and whether a finished dossier was early, on time or late.

Entry points:
- `expected_return(procedure=, start=, pauses=(), extension_working_days=0)`: the due instant.
- `extend(due_at, working_days)`: a due instant moved later by whole working days (form 04).
- `classify_completion(due_at=, finished_at=)`: early / on time / late, with the working days
  (a pure function of dates: the inbox, exports and indicators call it on plain values).
- `completion_of(dossier)`: the same for a dossier, from the dates it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.calendar import WorkingCalendar
from motcua.core.calendar_store import current_calendar

from .constants import DossierState

_UNITS = {"working_days": "working_days", "days": "calendar_days", "working_hours": "working_hours"}


def expected_return(*, procedure, start: datetime, pauses=(), extension_working_days: int = 0) -> datetime | None:
    """When the result is due for a dossier of `procedure` whose clock started at `start`
    (None while a pause is still open and the due instant cannot be known), moved later by
    `extension_working_days` (the sum of the extensions of the dossier's apology letters)."""
    calendar = current_calendar()
    due = calendar.add_with_pauses(start, procedure.deadline_amount, _UNITS[procedure.deadline_unit], list(pauses))
    if due is None or not extension_working_days:
        return due
    return extend(due, extension_working_days, calendar=calendar)


def extend(due_at: datetime, working_days: int, *, calendar: WorkingCalendar | None = None) -> datetime:
    """`due_at` moved `working_days` working days later, at the closing time of that day (the
    time of day every day-counted due date has; core.calendar `closing_time`)."""
    calendar = calendar or current_calendar()
    day = calendar.add_working_days(_local_day(due_at, calendar), working_days)
    return calendar.closing_time(day)


def _local_day(value: date | datetime, calendar: WorkingCalendar) -> date:
    if isinstance(value, datetime):
        return (value.astimezone(calendar.tz) if value.tzinfo is not None else value).date()
    return value


# --- Early, on time, late ------------------------------------------------------------------------


class Timeliness(models.TextChoices):
    """How a finished dossier compares with its due date (the 766 index's "trước hạn / đúng hạn
    / quá hạn", research note vietnam.md §3.5). Values are stored in exports: never rename."""

    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


@dataclass(frozen=True)
class Completion:
    timeliness: Timeliness
    working_days: int
    """Working days before the due date (early) or after it (late); 0 when on time."""


def classify_completion(*, due_at: date | datetime, finished_at: date | datetime,
                        calendar: WorkingCalendar | None = None) -> Completion:
    """Whether a dossier finished at `finished_at` (its decision; a stop notice for a stopped
    dossier) was early, on time or late against `due_at`, by days as the 766 reports count
    (vietnam.md §3.5: before the appointment day is early, on it on time, after it late).

    A day that is not a working day counts as the next working day: a result signed on a Sunday
    reaches the applicant on Monday, so it is on time for a Monday due date and one working day
    late for a Friday one. Datetimes are read in the calendar's time zone. Pass `calendar` when
    classifying many rows (else the process calendar is used)."""
    calendar = calendar or current_calendar()
    due_on = _local_day(due_at, calendar)
    finished_on = _local_day(finished_at, calendar)
    if not calendar.is_working_day(finished_on):
        finished_on = calendar.next_working_day(finished_on)
    # Counted like deadlines: the working days after the due date up to the finishing day
    # (negative when the dossier finished before the due date).
    difference = calendar.working_days_between(due_on, finished_on)
    if difference < 0:
        return Completion(Timeliness.EARLY, -difference)
    if difference > 0:
        return Completion(Timeliness.LATE, difference)
    return Completion(Timeliness.ON_TIME, 0)


def completion_of(dossier, *, calendar: WorkingCalendar | None = None) -> Completion | None:
    """`classify_completion` for a decided (or delivered) dossier, from its decision, or a
    stopped one, from its closing; None for any other dossier, or one without a due date."""
    if dossier.due_at is None:
        return None
    if dossier.state in (DossierState.DECIDED, DossierState.DELIVERED) and dossier.decided_at:
        finished_at = dossier.decided_at
    elif dossier.state == DossierState.STOPPED and dossier.closed_at:
        finished_at = dossier.closed_at
    else:
        return None
    return classify_completion(due_at=dossier.due_at, finished_at=finished_at, calendar=calendar)
