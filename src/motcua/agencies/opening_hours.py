"""Opening hours: validation and a description in words. Pure functions on plain values.

Stored format (`Agency.opening_hours`): a list of periods
`{"weekdays": [0, 1, 2, 3, 4], "opens": "07:00", "closes": "11:30"}`, 0 being Monday.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class OpeningLine:
    """One line of the description: a run of days sharing the same hours."""

    days: str
    hours: tuple[str, ...]


def validate_opening_hours(value) -> None:
    """Raise ValidationError unless `value` is a list of well-formed periods."""
    message = _("Opening hours must be a list of periods with weekdays (0 = Monday … 6 = Sunday), "
                "an opening time and a later closing time, written HH:MM.")
    if not isinstance(value, list):
        raise ValidationError(message, code="invalid_opening_hours")
    for period in value:
        if not isinstance(period, dict) or set(period) != {"weekdays", "opens", "closes"}:
            raise ValidationError(message, code="invalid_opening_hours")
        weekdays, opens, closes = period["weekdays"], period["opens"], period["closes"]
        if (
            not isinstance(weekdays, list)
            or not weekdays
            or any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in weekdays)
            or not isinstance(opens, str)
            or not isinstance(closes, str)
            or not _TIME.match(opens)
            or not _TIME.match(closes)
            or opens >= closes
        ):
            raise ValidationError(message, code="invalid_opening_hours")


def _day_range(first: int, last: int) -> str:
    if first == last:
        return str(WEEKDAYS[first])
    if last == first + 1:
        return _("%(first)s and %(last)s") % {"first": WEEKDAYS[first], "last": WEEKDAYS[last]}
    return _("%(first)s to %(last)s") % {"first": WEEKDAYS[first], "last": WEEKDAYS[last]}


def describe_opening_hours(value: list[dict]) -> list[OpeningLine]:
    """Group consecutive days with identical hours: "Monday to Friday: 07:00–11:30, 13:30–17:00".

    Weekday names come from Django's translated calendar, in the active language.
    """
    by_day: dict[int, list[tuple[str, str]]] = {}
    for period in value or []:
        for day in period["weekdays"]:
            by_day.setdefault(day, []).append((period["opens"], period["closes"]))
    lines: list[OpeningLine] = []
    run_start = run_end = None
    run_hours: tuple[str, ...] = ()
    for day in range(7):
        hours = tuple(f"{o}–{c}" for o, c in sorted(set(by_day.get(day, []))))
        if hours and run_start is not None and hours == run_hours and day == run_end + 1:
            run_end = day
            continue
        if run_start is not None:
            lines.append(OpeningLine(_day_range(run_start, run_end), run_hours))
        run_start, run_end, run_hours = (day, day, hours) if hours else (None, None, ())
    if run_start is not None:
        lines.append(OpeningLine(_day_range(run_start, run_end), run_hours))
    return lines
