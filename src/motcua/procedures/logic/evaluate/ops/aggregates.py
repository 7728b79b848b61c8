"""Aggregates: `sum`, `count`, `avg`, `min`, `max`.

With one argument they work on a list: a block column (`{"var": "<column id>"}` read at form
level is the list of its non-empty cells, rows where the column is hidden left out), a block
(`count` gives its number of rows), a multiple-choice answer or a constant list. `min` and `max`
also take several arguments. Empty entries are skipped like SQL: `sum` and `count` of nothing
are 0, `avg`, `min` and `max` of nothing are None; an entry that is not a number is skipped by
`sum` and `avg`, and makes `min`/`max` None unless every entry is a date.
"""

from __future__ import annotations

from datetime import datetime

from ... import values as v


def _items(args, ctx):
    if len(args) == 1:
        value = args[0](ctx)
        if isinstance(value, (list, tuple)):
            return [x for x in value if x is not None]
        return [] if value is None else [value]
    return [x for x in (arg(ctx) for arg in args) if x is not None]


def extreme(pick):
    def build(args, node, compiler):
        def op(ctx):
            items = _items(args, ctx)
            if not items:
                return None
            numbers = [v.to_number(x) for x in items]
            if None not in numbers:
                return pick(numbers)
            temporals = [v.to_temporal(x) for x in items]
            if None in temporals:
                return None
            if len({type(t) is datetime for t in temporals}) > 1:
                temporals = [t.date() if isinstance(t, datetime) else t for t in temporals]
            try:
                return pick(temporals)
            except TypeError:
                return None
        return op
    return build


def _total(value) -> tuple[int | float | None, int]:
    """(sum, count) of the numbers in `value` (a list or one value); sum None on overflow."""
    items = value if isinstance(value, (list, tuple)) else ([] if value is None else [value])
    total, count = 0, 0
    for item in items:
        number = v.to_number(item)
        if number is not None:
            count += 1
            total = v.number_result(total + number)
            if total is None:
                return None, count
    return total, count


def op_sum(args, node, compiler):
    (a,) = args

    def op_sum(ctx):
        return _total(a(ctx))[0]
    return op_sum


def op_avg(args, node, compiler):
    (a,) = args

    def op_avg(ctx):
        total, count = _total(a(ctx))
        if total is None or not count:
            return None
        return v.number_result(total / count)
    return op_avg


def op_count(args, node, compiler):
    (a,) = args

    def op_count(ctx):
        value = a(ctx)
        if value is None:
            return 0
        if isinstance(value, (list, tuple)):
            return len(value)
        return None
    return op_count


BUILDERS = {"min": extreme(min), "max": extreme(max), "sum": op_sum, "avg": op_avg, "count": op_count}
