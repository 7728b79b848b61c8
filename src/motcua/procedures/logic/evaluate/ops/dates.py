"""Date operators: `today` (from the call, never the clock), `date_diff`, `add_days`."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ... import values as v

MAX_ADD_DAYS = 1_000_000


def op_today(args, node, compiler):
    def op_today(ctx):
        today = ctx.form.today
        if isinstance(today, datetime):
            return today.date()
        return today if isinstance(today, date) else None
    return op_today


def months_between(a: date, b: date) -> int:
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if months > 0 and b.day < a.day:
        months -= 1
    elif months < 0 and b.day > a.day:
        months += 1
    return months


def op_date_diff(args, node, compiler):
    a, b = args
    unit = node.extra("unit")

    def op_date_diff(ctx):
        start, end = v.to_date(a(ctx)), v.to_date(b(ctx))
        if start is None or end is None:
            return None
        if unit == "days":
            return (end - start).days
        if unit == "months":
            return months_between(start, end)
        if unit == "years":
            months = months_between(start, end)
            return months // 12 if months >= 0 else -((-months) // 12)
        return None
    return op_date_diff


def op_add_days(args, node, compiler):
    a, b = args

    def op_add_days(ctx):
        start, days = v.to_temporal(a(ctx)), v.to_number(b(ctx))
        if start is None or days is None or days != int(days) or abs(days) > MAX_ADD_DAYS:
            return None
        try:
            return start + timedelta(days=int(days))
        except OverflowError:
            return None
    return op_add_days


BUILDERS = {"today": op_today, "date_diff": op_date_diff, "add_days": op_add_days}
