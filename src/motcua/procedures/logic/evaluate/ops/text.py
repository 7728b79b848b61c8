"""Operators of calculated fields: `if` (else branch when the condition is unknown) and
`concat` (None reads as "", at most `MAX_CONCAT` characters)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

MAX_CONCAT = 10_000


def op_if(args, node, compiler):
    condition, then, otherwise = args

    def op_if(ctx):
        return then(ctx) if condition(ctx) is True else otherwise(ctx)
    return op_if


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(x) for x in value)
    if type(value) is int or type(value) is float:
        return repr(value)
    return ""


def op_concat(args, node, compiler):
    def op_concat(ctx):
        parts = []
        length = 0
        for arg in args:
            part = _text(arg(ctx))
            length += len(part)
            if length > MAX_CONCAT:
                return None
            parts.append(part)
        return "".join(parts)
    return op_concat


BUILDERS = {"if": op_if, "concat": op_concat}
