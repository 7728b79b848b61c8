"""Date and time field types.

Dates are accepted as ISO (2025-12-31, what the API sends) or as people write them in Vietnam
and France (31/12/2025, 31-12-2025, 31.12.2025, 1/2/2025) and stored as ISO strings. Date-times
are local times (Asia/Ho_Chi_Minh) stored as "YYYY-MM-DDTHH:MM"; times as "HH:MM".
Bounds ("min_date"...) are ISO dates; "past_only"/"future_only" compare with
`CleanContext.today`.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from .base import FieldOptions, FieldType, FieldValueError, OptionProblem, lazy_format
from .registry import field_types

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"^(\d{1,2})\s*[:hH]\s*(\d{2})?$")


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    match = _ISO.match(text)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        match = _DMY.match(text)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def parse_time(text: str) -> dt.time | None:
    match = _TIME.match(text.strip())
    if not match:
        return None
    try:
        return dt.time(int(match[1]), int(match[2] or 0))
    except ValueError:
        return None


def show_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _iso_date_problem(path: str, text: str | None) -> list[OptionProblem]:
    if text and (not _ISO.match(text) or parse_date(text) is None):
        return [OptionProblem(path, "invalid_date", _("Enter the date as YYYY-MM-DD, like 2025-12-31."))]
    return []


class DateOptions(FieldOptions):
    min_date: str | None = Field(None, title=_("Earliest date (YYYY-MM-DD)"))
    max_date: str | None = Field(None, title=_("Latest date (YYYY-MM-DD)"))
    past_only: bool = Field(False, title=_("Today or earlier only"), description=_("For example a date of birth."))
    future_only: bool = Field(False, title=_("Today or later only"), description=_("For example the date of an event to come."))


@field_types.register
class DateField(FieldType):
    id = "date"
    label = _("Date")
    family = "date"
    options_schema = DateOptions
    value_type = "date"
    filter_kind = "date_range"
    inputmode = "numeric"
    fill_seconds_default = 10

    def check_options(self, options):
        problems = _iso_date_problem("min_date", options.min_date) + _iso_date_problem("max_date", options.max_date)
        if options.past_only and options.future_only:
            problems.append(OptionProblem("future_only", "past_and_future", _("A date cannot be both in the past and in the future only.")))
        if not problems and options.min_date and options.max_date and options.min_date > options.max_date:
            problems.append(OptionProblem("min_date", "min_above_max", _("The earliest date is after the latest date.")))
        return problems

    def parse(self, raw) -> dt.date:
        day = parse_date(raw) if isinstance(raw, str) else None
        if day is None:
            raise FieldValueError("invalid_date", _("Enter a real date like 31/12/2025 (day/month/year)."))
        return day

    def clean_value(self, raw, options, *, context):
        day = self.parse(raw)
        if options.min_date and day < dt.date.fromisoformat(options.min_date):
            raise FieldValueError("too_early", lazy_format(_("Enter a date on or after %(date)s."), date=show_date(dt.date.fromisoformat(options.min_date))))
        if options.max_date and day > dt.date.fromisoformat(options.max_date):
            raise FieldValueError("too_late", lazy_format(_("Enter a date on or before %(date)s."), date=show_date(dt.date.fromisoformat(options.max_date))))
        if options.past_only and day > context.today:
            raise FieldValueError("in_future", _("Enter a date that is today or in the past."))
        if options.future_only and day < context.today:
            raise FieldValueError("in_past", _("Enter a date that is today or in the future."))
        return day.isoformat()

    def display(self, value, options) -> str:
        return show_date(dt.date.fromisoformat(value)) if value else ""

    def export_cells(self, value, options):
        return [value or ""]

    def json_schema(self, options):
        return {"type": ["string", "null"], "format": "date"}

    def widget_value(self, value, options):
        if isinstance(value, str) and _ISO.match(value) and parse_date(value):
            return show_date(parse_date(value))
        return value or ""

    def input_attrs(self, options):
        return {**super().input_attrs(options), "placeholder": "dd/mm/yyyy", "maxlength": "10"}


class DateTimeOptions(FieldOptions):
    min_datetime: str | None = Field(None, title=_("Earliest (YYYY-MM-DDTHH:MM)"))
    max_datetime: str | None = Field(None, title=_("Latest (YYYY-MM-DDTHH:MM)"))
    past_only: bool = Field(False, title=_("Now or earlier only"))
    future_only: bool = Field(False, title=_("Now or later only"))


def parse_datetime(raw) -> dt.datetime | None:
    if not isinstance(raw, str):
        return None
    text = raw.strip().replace("T", " ", 1)
    text = re.sub(r"\s+", " ", text)
    if " " not in text:
        return None
    date_text, _sep, time_text = text.partition(" ")
    time_text = re.sub(r":\d{2}(\.\d+)?$", "", time_text) if time_text.count(":") == 2 else time_text
    day, moment = parse_date(date_text), parse_time(time_text)
    if day is None or moment is None:
        return None
    return dt.datetime.combine(day, moment)


@field_types.register
class DateTimeField(FieldType):
    id = "datetime"
    label = _("Date and time")
    family = "date"
    options_schema = DateTimeOptions
    value_type = "datetime"
    filter_kind = "date_range"
    fill_seconds_default = 15

    def check_options(self, options):
        problems = []
        for path in ("min_datetime", "max_datetime"):
            text = getattr(options, path)
            if text and parse_datetime(text) is None:
                problems.append(OptionProblem(path, "invalid_datetime", _("Enter the date and time as YYYY-MM-DDTHH:MM, like 2025-12-31T17:00.")))
        if options.past_only and options.future_only:
            problems.append(OptionProblem("future_only", "past_and_future", _("A date cannot be both in the past and in the future only.")))
        return problems

    def clean_value(self, raw, options, *, context):
        moment = parse_datetime(raw)
        if moment is None:
            raise FieldValueError("invalid_datetime", _("Enter a date and time like 31/12/2025 14:30."))
        now = context.now.replace(tzinfo=None, second=0, microsecond=0)
        if options.min_datetime and moment < parse_datetime(options.min_datetime):
            raise FieldValueError("too_early", lazy_format(_("Enter a date and time on or after %(moment)s."), moment=self.display(parse_datetime(options.min_datetime).isoformat(timespec="minutes"), options)))
        if options.max_datetime and moment > parse_datetime(options.max_datetime):
            raise FieldValueError("too_late", lazy_format(_("Enter a date and time on or before %(moment)s."), moment=self.display(parse_datetime(options.max_datetime).isoformat(timespec="minutes"), options)))
        if options.past_only and moment > now:
            raise FieldValueError("in_future", _("Enter a date and time that is now or in the past."))
        if options.future_only and moment < now:
            raise FieldValueError("in_past", _("Enter a date and time that is now or in the future."))
        return moment.isoformat(timespec="minutes")

    def display(self, value, options) -> str:
        if not value:
            return ""
        moment = dt.datetime.fromisoformat(value)
        return moment.strftime("%d/%m/%Y %H:%M")

    def export_cells(self, value, options):
        return [value or ""]

    def json_schema(self, options):
        return {"type": ["string", "null"], "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$"}

    def widget_value(self, value, options):
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", value):
            return self.display(value, options)
        return value or ""

    def input_attrs(self, options):
        return {**super().input_attrs(options), "placeholder": "dd/mm/yyyy hh:mm", "maxlength": "16"}


class TimeOptions(FieldOptions):
    min_time: str | None = Field(None, title=_("Earliest time (HH:MM)"))
    max_time: str | None = Field(None, title=_("Latest time (HH:MM)"))


@field_types.register
class TimeField(FieldType):
    id = "time"
    label = _("Time of day")
    family = "date"
    options_schema = TimeOptions
    value_type = "text"
    widget_template = "procedures/fields/time.html"
    fill_seconds_default = 6

    def check_options(self, options):
        problems = []
        for path in ("min_time", "max_time"):
            text = getattr(options, path)
            if text and parse_time(text) is None:
                problems.append(OptionProblem(path, "invalid_time", _("Enter the time as HH:MM, like 07:30.")))
        return problems

    def clean_value(self, raw, options, *, context):
        moment = parse_time(raw) if isinstance(raw, str) else None
        if moment is None:
            raise FieldValueError("invalid_time", _("Enter a time like 14:30 (hours from 0 to 23, then minutes)."))
        text = moment.strftime("%H:%M")
        if options.min_time and text < parse_time(options.min_time).strftime("%H:%M"):
            raise FieldValueError("too_early", lazy_format(_("Enter a time at or after %(time)s."), time=options.min_time))
        if options.max_time and text > parse_time(options.max_time).strftime("%H:%M"):
            raise FieldValueError("too_late", lazy_format(_("Enter a time at or before %(time)s."), time=options.max_time))
        return text

    def json_schema(self, options):
        return {"type": ["string", "null"], "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"}
