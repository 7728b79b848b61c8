"""The process-wide working-day calendar: public holidays + the admin-edited `CalendarDay` rows.

Entry points: `current_calendar()` (what services call to compute deadlines), `build_calendar()`
(a fresh calendar, no cache) and `invalidate_calendar_cache()`.

Settings (all optional; defaults in core/calendar.py):
- `MOTCUA_OFFICE_HOURS`: office periods of a working day, e.g. `(("07:30", "11:30"), ("13:00", "17:00"))`.
- `MOTCUA_RECEIPT_CUTOFF`: receipt cut-off time of day, e.g. `"15:00"`; None switches it off.
- `MOTCUA_HOLIDAYS_COUNTRY`: the `holidays` country code (default "VN").
- `MOTCUA_CALENDAR_RECHECK_SECONDS`: how often a process checks the table for changes (default 60).
- `TIME_ZONE`: the calendar's time zone.

Caching: the calendar is built once per process and kept. Saving or deleting a `CalendarDay` through
the ORM (the admin does) clears it at once in the process that made the change (signals: STYLE.md
§3 allows them for cache invalidation). Other processes, and bulk `QuerySet.update()` calls that send
no signal, are caught by a version key — (row count, latest `updated_at`) — read at most every
`MOTCUA_CALENDAR_RECHECK_SECONDS`: another process sees an admin change within that delay.
One limitation: `QuerySet.update()` does not touch `updated_at`, so an update that changes neither
the count nor the latest `updated_at` is only seen after a save/delete or a restart; edit rows
through the admin or `save()`.
"""

from __future__ import annotations

import threading
import time as monotonic_clock
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .calendar import DEFAULT_CUTOFF, DEFAULT_OFFICE_HOURS, WorkingCalendar
from .models import CalendarDay

DEFAULT_RECHECK_SECONDS = 60


@dataclass
class _Cache:
    calendar: WorkingCalendar | None = None
    version: tuple | None = None
    checked_at: float = 0.0


_cache = _Cache()
_lock = threading.Lock()


def _version() -> tuple:
    row = CalendarDay.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    return row["count"], row["latest"]


def build_calendar() -> WorkingCalendar:
    """A new calendar from the settings and the current `CalendarDay` rows (one query)."""
    days_off, working_days = [], []
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (working_days if kind == CalendarDay.Kind.WORKING_DAY else days_off).append(day)
    return WorkingCalendar(
        days_off=days_off,
        working_days=working_days,
        office_hours=getattr(settings, "MOTCUA_OFFICE_HOURS", DEFAULT_OFFICE_HOURS),
        cutoff=getattr(settings, "MOTCUA_RECEIPT_CUTOFF", DEFAULT_CUTOFF),
        timezone=settings.TIME_ZONE,
        country=getattr(settings, "MOTCUA_HOLIDAYS_COUNTRY", "VN"),
    )


def current_calendar() -> WorkingCalendar:
    """The calendar to compute deadlines with. Cached in the process; costs no query except one
    small aggregate every `MOTCUA_CALENDAR_RECHECK_SECONDS` (and a rebuild when rows changed)."""
    recheck = getattr(settings, "MOTCUA_CALENDAR_RECHECK_SECONDS", DEFAULT_RECHECK_SECONDS)
    now = monotonic_clock.monotonic()
    calendar = _cache.calendar
    if calendar is not None and now - _cache.checked_at < recheck:
        return calendar
    with _lock:
        if _cache.calendar is not None and now - _cache.checked_at < recheck:
            return _cache.calendar
        # Read the version before the rows: a change in between makes the next check rebuild
        # again, never keeps stale rows under a new version.
        version = _version()
        if _cache.calendar is None or version != _cache.version:
            _cache.calendar = build_calendar()
            _cache.version = version
        _cache.checked_at = now
        return _cache.calendar


def invalidate_calendar_cache() -> None:
    """Forget this process's calendar; the next `current_calendar()` rebuilds it."""
    with _lock:
        _cache.calendar = None
        _cache.version = None
        _cache.checked_at = 0.0


@receiver(post_save, sender=CalendarDay, dispatch_uid="core.calendar_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="core.calendar_day_deleted")
def _calendar_day_changed(**kwargs) -> None:
    invalidate_calendar_cache()
    # Again after commit: another thread may have rebuilt the calendar from the rows as they were
    # before this transaction committed (runs at once when there is no transaction). A rollback
    # is caught by the version check.
    transaction.on_commit(invalidate_calendar_cache)


@receiver(setting_changed, dispatch_uid="core.calendar_setting_changed")
def _calendar_setting_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith("MOTCUA_") or setting == "TIME_ZONE":
        invalidate_calendar_cache()
