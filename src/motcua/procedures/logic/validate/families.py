"""Static types of the checker: the value type names of `types.VALUE_TYPES`, plus "unknown"
(an error was already reported: accept anything), "null" (the constant null), "object" (a
constant object) and "list[<type>]" (a constant list, a block column inside an aggregate).

`family(t)`: text, choice, province and commune are texts; date and datetime are dates; number,
boolean are themselves; choices, rows and lists are lists of their item type (`item(t)`).
"""

from __future__ import annotations

from typing import Any

from ..types import VALUE_TYPES

UNKNOWN = "unknown"
NULL = "null"


def family(t: str) -> str:
    if t in ("text", "choice", "province", "commune"):
        return "text"
    if t in ("date", "datetime"):
        return "date"
    if t in ("choices", "rows") or t.startswith("list"):
        return "list"
    if t not in VALUE_TYPES and t not in (NULL, "object"):
        return UNKNOWN
    return t


def item(t: str) -> str:
    if t == "choices":
        return "choice"
    if t == "rows":
        return "object"
    if t.startswith("list["):
        return t[5:-1]
    return UNKNOWN


def is_list(t: str) -> bool:
    return family(t) == "list"


def compatible(a: str, b: str, lenient: bool = False) -> bool:
    """Whether values of types `a` and `b` can be compared (or share a calculated field)."""
    fa, fb = family(a), family(b)
    if UNKNOWN in (fa, fb) or (lenient and NULL in (a, b)):
        return True
    if fa == "list" and fb == "list":
        return compatible(item(a), item(b), lenient=True)
    return fa == fb


def const_type(value: Any) -> str:
    if value is None:
        return NULL
    if value is True or value is False:
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, tuple):
        families = {family(const_type(x)) for x in value} - {NULL}
        if len(families) == 1:
            return f"list[{families.pop()}]"
        return "list[unknown]"
    return "object"


# The type of each operator's result, used when an operand already has an error.
RESULT = {name: "boolean" for name in (
    "and", "or", "not", "eq", "ne", "lt", "lte", "gt", "gte", "in", "contains", "empty", "not_empty",
    "in_province", "in_commune",
)}
RESULT.update({name: "number" for name in ("add", "sub", "mul", "div", "neg", "round", "sum", "count", "avg", "date_diff")})
RESULT.update({"today": "date", "add_days": "date", "concat": "text"})
