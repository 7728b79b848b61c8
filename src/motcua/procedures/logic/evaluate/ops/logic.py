"""Logic, comparison, membership and emptiness operators (three-valued: None is unknown)."""

from __future__ import annotations

from ... import values as v


def op_and(args, node, compiler=None):
    def op_and(ctx):
        unknown = False
        for arg in args:
            value = arg(ctx)
            if value is False:
                return False
            if value is not True:
                unknown = True
        return None if unknown else True
    return op_and


def op_or(args, node, compiler=None):
    def op_or(ctx):
        unknown = False
        for arg in args:
            value = arg(ctx)
            if value is True:
                return True
            if value is not False:
                unknown = True
        return None if unknown else False
    return op_or


def op_not(args, node, compiler):
    (a,) = args

    def op_not(ctx):
        value = a(ctx)
        if value is True:
            return False
        if value is False:
            return True
        return None
    return op_not


def comparison(test):
    def build(args, node, compiler):
        a, b = args

        def op(ctx):
            result = v.compare(a(ctx), b(ctx))
            return None if result is None else test(result)
        return op
    return build


def op_eq(args, node, compiler):
    a, b = args

    def op_eq(ctx):
        return v.equals(a(ctx), b(ctx))
    return op_eq


def op_ne(args, node, compiler):
    a, b = args

    def op_ne(ctx):
        result = v.equals(a(ctx), b(ctx))
        return None if result is None else not result
    return op_ne


def op_in(args, node, compiler):
    a, b = args

    def op_in(ctx):
        value, choices = a(ctx), b(ctx)
        if value is None or not isinstance(choices, (list, tuple)):
            return None
        wanted = value if isinstance(value, (list, tuple)) else (value,)
        return any(v.equals(x, y) is True for x in wanted for y in choices)
    return op_in


def op_contains(args, node, compiler):
    a, b = args

    def op_contains(ctx):
        haystack, needle = a(ctx), b(ctx)
        if haystack is None or needle is None:
            return None
        if isinstance(haystack, (list, tuple)):
            return any(v.equals(x, needle) is True for x in haystack)
        if isinstance(haystack, str):
            if type(needle) is int or type(needle) is float:
                needle = str(needle)
            if isinstance(needle, str):
                return needle.casefold() in haystack.casefold()
        return None
    return op_contains


def op_empty(args, node, compiler):
    (a,) = args

    def op_empty(ctx):
        return v.is_empty(a(ctx))
    return op_empty


def op_not_empty(args, node, compiler):
    (a,) = args

    def op_not_empty(ctx):
        return not v.is_empty(a(ctx))
    return op_not_empty


BUILDERS = {
    "and": op_and, "or": op_or, "not": op_not,
    "eq": op_eq, "ne": op_ne,
    "lt": comparison(lambda r: r < 0), "lte": comparison(lambda r: r <= 0),
    "gt": comparison(lambda r: r > 0), "gte": comparison(lambda r: r >= 0),
    "in": op_in, "contains": op_contains, "empty": op_empty, "not_empty": op_not_empty,
}
