"""Arithmetic operators: an unreadable operand makes the result None (as does division by zero
or a result beyond the finite numbers)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ... import values as v


def numbers(args, ctx):
    out = []
    for arg in args:
        number = v.to_number(arg(ctx))
        if number is None:
            return None
        out.append(number)
    return out


def op_add(args, node, compiler):
    def op_add(ctx):
        found = numbers(args, ctx)
        return None if found is None else v.number_result(sum(found))
    return op_add


def op_mul(args, node, compiler):
    def op_mul(ctx):
        found = numbers(args, ctx)
        if found is None:
            return None
        result = 1
        for number in found:
            result = v.number_result(result * number)
            if result is None:
                return None
        return result
    return op_mul


def op_sub(args, node, compiler):
    def op_sub(ctx):
        found = numbers(args, ctx)
        return None if found is None else v.number_result(found[0] - found[1])
    return op_sub


def op_div(args, node, compiler):
    def op_div(ctx):
        found = numbers(args, ctx)
        if found is None or found[1] == 0:
            return None
        return v.number_result(found[0] / found[1])
    return op_div


def op_neg(args, node, compiler):
    def op_neg(ctx):
        found = numbers(args, ctx)
        return None if found is None else v.number_result(-found[0])
    return op_neg


def op_round(args, node, compiler):
    def op_round(ctx):
        found = numbers(args, ctx)
        if found is None:
            return None
        digits = found[1] if len(found) > 1 else 0
        if digits != int(digits) or not -15 <= digits <= 15:
            return None
        digits = int(digits)
        try:
            rounded = Decimal(repr(found[0])).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        except Exception:  # decimal.InvalidOperation on numbers beyond the context precision
            return None
        return v.number_result(int(rounded) if digits <= 0 else float(rounded))
    return op_round


BUILDERS = {"add": op_add, "sub": op_sub, "mul": op_mul, "div": op_div, "neg": op_neg, "round": op_round}
