"""Expected return dates: the procedure's legal deadline counted on the working-day calendar
(holidays.VN plus the admin-edited days off and working days), with the clock's pauses."""

from __future__ import annotations

from datetime import datetime

from motcua.core.calendar_store import current_calendar

_UNITS = {"working_days": "working_days", "days": "calendar_days", "working_hours": "working_hours"}


def expected_return(*, procedure, start: datetime, pauses=()) -> datetime | None:
    """When the result is due for a dossier of `procedure` whose clock started at `start`
    (None while a pause is still open and the due instant cannot be known)."""
    return current_calendar().add_with_pauses(start, procedure.deadline_amount, _UNITS[procedure.deadline_unit], list(pauses))
