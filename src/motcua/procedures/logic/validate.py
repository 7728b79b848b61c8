"""Static checks of logic expressions against a revision's fields, run at publication and import.

Entry points:
- `validate_logic(ast_json, *, fields, usage, owner, order) -> list[LogicError]`: one expression;
- `validate_program(items, *, fields, order) -> list[LogicError]`: every expression of a revision,
  plus cycles across formulas and visibility conditions (errors carry the item's owner as
  `field` when the node concerns no other field; `path` is prefixed "<usage>:<owner>:");
- `find_cycles(formulas) -> list[list[str]]` (from `deps`).

What is checked: syntax and size limits (ast.py), unknown fields ("condition on a deleted field"),
fields without a value (sections, explanation text), unknown operators and extra keys, arity,
operand types, constants outside a choice field's options, province/commune code formats, the
result type for the usage (visibility/ineligibility/routing: true/false; calculated: the field's
own type), self references, and for visibility, references to fields placed at or after the owner
(`order` gives positions; ineligibility and routing rules run at submission and may read any
field; formulas may too, cycles aside).

Static type rules (`_family`): text, choice, province and commune are texts; date and datetime are
dates; number, boolean are themselves; choices and block columns ("b.c") are lists of their item
type; address, file, geo and rows only support emptiness tests (and the place operators for
address). A text constant stands for a number or a date when compared with one, provided it reads
as one ("12,5", "2025-07-01"). Comparing with the constant null is refused: use `empty`.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from django.utils.translation import gettext_lazy as _

from . import values as v
from .ast import Const, Node, Op, ParseError, Var, parse, thaw
from .deps import CycleError, find_cycles, step_graph, topological_order
from .types import (
    CALCULATED, CONDITION_USAGES, OP_EXTRAS, OPS, ORDERINGS, USAGES, VALUE_TYPES, VISIBILITY, FieldInfo,
    LogicError, LogicItem,
)

__all__ = ["validate_logic", "validate_program", "find_cycles"]

_PROVINCE_CODE = re.compile(r"\d{2}")
_COMMUNE_CODE = re.compile(r"\d{5}")

# Internal types: the value type names, plus "unknown" (an error was already reported: accept
# anything), "null" (the constant null), "object" (a constant object) and "list[<type>]".
UNKNOWN = "unknown"
NULL = "null"


def _family(t: str) -> str:
    if t in ("text", "choice", "province", "commune"):
        return "text"
    if t in ("date", "datetime"):
        return "date"
    if t in ("choices", "rows") or t.startswith("list"):
        return "list"
    if t not in VALUE_TYPES and t not in (NULL, "object"):
        return UNKNOWN
    return t


def _item(t: str) -> str:
    if t == "choices":
        return "choice"
    if t == "rows":
        return "object"
    if t.startswith("list["):
        return t[5:-1]
    return UNKNOWN


def _is_list(t: str) -> bool:
    return _family(t) == "list"


MESSAGES = {
    "unknown_field": _("The condition refers to a field that no longer exists: %(field)s"),
    "no_value": _("The field %(field)s has no value and cannot be tested."),
    "self_reference": _("The field %(field)s cannot refer to itself."),
    "later_field": _("A field can only be shown depending on fields placed before it: %(field)s comes later."),
    "unknown_op": _("Unknown operation: %(op)s."),
    "wrong_arity": _("The operation %(op)s takes %(expected)s arguments, not %(count)s."),
    "unexpected_key": _("The operation %(op)s has no setting “%(key)s”."),
    "bad_unit": _("The unit must be days, months or years."),
    "type_mismatch": _("The operation %(op)s cannot be applied to a %(type)s."),
    "incompatible_types": _("The operation %(op)s cannot compare a %(left)s with a %(right)s."),
    "null_comparison": _("Comparing with an empty value is never true: test whether the field is empty instead."),
    "bad_constant": _("The value %(value)s is not a valid %(type)s."),
    "unknown_option": _("The value %(value)s is not one of the options of the field %(field)s."),
    "bad_code": _("The code %(value)s is not a valid %(type)s code."),
    "code_not_constant": _("The %(type)s code must be written as a value."),
    "wrong_result_type": _("The expression gives a %(type)s where a %(expected)s is expected."),
    "cycle": _("These fields depend on each other in a loop: %(cycle)s."),
    "missing_expression": _("The expression is missing."),
}

_TYPE_NAMES = {
    "text": _("text"), "number": _("number"), "date": _("date"), "datetime": _("date and time"),
    "boolean": _("true/false condition"), "choice": _("choice"), "choices": _("multiple choice"), "file": _("file"),
    "geo": _("map location"), "rows": _("repetition block"), "address": _("address"), "province": _("province"),
    "commune": _("commune"), "none": _("field without value"), NULL: _("empty value"), "object": _("object"),
    "list": _("list"), UNKNOWN: _("value"),
}


class _TypeName:
    """A value type's name, translated when shown."""

    def __init__(self, t: str):
        self.t = t

    def __str__(self) -> str:
        if self.t.startswith("list["):
            return f"{_TYPE_NAMES['list']} ({_TypeName(self.t[5:-1])})"
        return str(_TYPE_NAMES.get(self.t, self.t))


def _error(code: str, path: str, concerns: str = "", **params) -> LogicError:
    return LogicError(code=code, path=path, field=concerns, template=MESSAGES[code], params=params)


def validate_logic(
    ast_json: Any,
    *,
    fields: Mapping[str, FieldInfo],
    usage: str,
    owner: str | None = None,
    order: Mapping[str, int] | None = None,
) -> list[LogicError]:
    """Every problem of one expression (empty list: valid). `owner` is the field whose condition
    or formula this is (None for rules); `order` maps stable ids to form positions."""
    if usage not in USAGES:
        raise ValueError(f"unknown usage {usage!r}")
    if ast_json is None:
        return [] if usage == VISIBILITY else [_error("missing_expression", "", owner or "")]
    try:
        node = parse(ast_json)
    except ParseError as error:
        return [LogicError(code=error.code, path=error.path, field=owner or "", template=error.template, params=error.params)]
    checker = _Checker(fields, usage, owner, order or {})
    result = checker.infer(node, "")
    if not checker.errors:
        checker.check_result(result)
    return checker.errors


def validate_program(
    items: Iterable[LogicItem], *, fields: Mapping[str, FieldInfo], order: Mapping[str, int] | None = None,
) -> list[LogicError]:
    """Every problem of a revision's expressions, then the cycles among formulas and visibility
    conditions (a formula reading a field whose visibility depends on that formula)."""
    items = list(items)
    errors: list[LogicError] = []
    valid: list[LogicItem] = []
    for item in items:
        found = validate_logic(item.ast, fields=fields, usage=item.usage, owner=item.owner if item.usage in (VISIBILITY, CALCULATED) else None, order=order)
        for error in found:
            errors.append(LogicError(
                code=error.code, path=f"{item.usage}:{item.owner}:{error.path}", field=error.field or item.owner,
                template=error.template, params=error.params,
            ))
        if not found and item.ast is not None:
            valid.append(LogicItem(owner=item.owner, usage=item.usage, ast=parse(item.ast), payload=item.payload))
    formulas = {item.owner: item.ast for item in valid if item.usage == CALCULATED}
    reported = set()
    for cycle in find_cycles(formulas):
        reported.update(cycle)
        errors.append(_error("cycle", f"{CALCULATED}:{cycle[0]}:", cycle[0], cycle=" → ".join(cycle)))
    parents = {name: info.parent for name, info in fields.items()}
    try:
        topological_order(step_graph(valid, parents))
    except CycleError as error:
        for cycle in error.cycles:
            names = list(dict.fromkeys(node.split(":", 1)[1] for node in cycle))
            if set(names) <= reported:
                continue
            errors.append(_error("cycle", f"{cycle[0]}:", names[0], cycle=" → ".join(names)))
    return errors


class _Checker:
    def __init__(self, fields, usage, owner, order):
        self.fields = fields
        self.usage = usage
        self.owner = owner
        self.order = order
        self.errors: list[LogicError] = []

    def add(self, code: str, path: str, concerns: str = "", **params) -> str:
        self.errors.append(_error(code, path, concerns or (self.owner or ""), **params))
        return UNKNOWN

    # --- results ---

    def check_result(self, result: str) -> None:
        if self.usage in CONDITION_USAGES:
            if _family(result) not in ("boolean", UNKNOWN):
                self.add("wrong_result_type", "", type=_TypeName(result), expected=_TypeName("boolean"))
            return
        info = self.fields.get(self.owner) if self.owner else None
        if info is None or _family(info.value_type) == UNKNOWN or result in (NULL, UNKNOWN):
            return
        if not _compatible(result, info.value_type):
            self.add("wrong_result_type", "", type=_TypeName(result), expected=_TypeName(info.value_type))

    # --- nodes ---

    def infer(self, node: Node, path: str) -> str:
        if isinstance(node, Var):
            return self.var(node.name, path)
        if isinstance(node, Const):
            return _const_type(node.value)
        return self.op(node, path)

    def resolve(self, name: str) -> tuple[FieldInfo | None, str]:
        """(field info, its type as read), for a field or a block column "b.c"."""
        info = self.fields.get(name)
        if info is not None:
            return info, info.value_type
        if "." in name:
            block, column = name.split(".", 1)
            block_info = self.fields.get(block)
            column_info = self.fields.get(column)
            if block_info is not None and block_info.value_type == "rows" and column_info is not None and column_info.parent in (None, block):
                return column_info, f"list[{column_info.value_type}]"
        return None, UNKNOWN

    def var(self, name: str, path: str) -> str:
        info, t = self.resolve(name)
        if info is None:
            return self.add("unknown_field", path, name, field=name)
        stable_id = info.stable_id
        if self.owner is not None and (stable_id == self.owner or name == self.owner or name.split(".", 1)[0] == self.owner):
            return self.add("self_reference", path, stable_id, field=_label(info))
        if t == "none":
            return self.add("no_value", path, stable_id, field=_label(info))
        if self.usage == VISIBILITY and self.owner is not None:
            position, owner_position = self.order.get(stable_id), self.order.get(self.owner)
            if position is not None and owner_position is not None and position >= owner_position:
                return self.add("later_field", path, stable_id, field=_label(info))
        return t

    def op(self, node: Op, path: str) -> str:
        prefix = f"{path}." if path else ""
        types = [self.infer(arg, f"{prefix}args[{i}]") for i, arg in enumerate(node.args)]
        arity = OPS.get(node.name)
        if arity is None:
            return self.add("unknown_op", path, op=node.name)
        allowed = OP_EXTRAS.get(node.name, {})
        for key, value in node.extras:
            if key not in allowed:
                self.add("unexpected_key", f"{prefix}{key}", op=node.name, key=key)
            elif value not in allowed[key]:
                self.add("bad_unit", f"{prefix}{key}")
        for key in allowed:
            if node.extra(key) is None:
                self.add("bad_unit", f"{prefix}{key}")
        low, high = arity
        count = len(node.args)
        if count < low or (high is not None and count > high):
            expected = str(low) if low == high else (f"{low}+" if high is None else f"{low}–{high}")
            return self.add("wrong_arity", path, op=node.name, expected=expected, count=count)
        if UNKNOWN in types and node.name not in ("if",):
            return _RESULT.get(node.name, UNKNOWN)
        return getattr(self, f"op_{node.name}")(node, types, path, prefix)

    def mismatch(self, node: Op, t: str, path: str) -> str:
        return self.add("type_mismatch", path, op=node.name, type=_TypeName(t))

    def expect(self, node: Op, types, families, path, prefix) -> bool:
        ok = True
        for i, t in enumerate(types):
            if _family(t) not in families and t != UNKNOWN:
                self.mismatch(node, t, f"{prefix}args[{i}]")
                ok = False
        return ok

    # logic
    def op_and(self, node, types, path, prefix):
        self.expect(node, types, ("boolean",), path, prefix)
        return "boolean"

    op_or = op_and
    op_not = op_and

    # comparisons
    def op_eq(self, node, types, path, prefix):
        a, b = self.refine(node, types, prefix)
        if NULL in (a, b):
            return self.add("null_comparison", path)
        if node.name in ORDERINGS:
            for i, t in enumerate((a, b)):
                if _family(t) not in ("number", "date", UNKNOWN):
                    return self.mismatch(node, t, f"{prefix}args[{i}]")
        elif _family(a) in ("address", "file", "geo", "object") or _family(b) in ("address", "file", "geo", "object") or a == "rows" or b == "rows":
            bad = a if _family(a) in ("address", "file", "geo", "object", "list") else b
            return self.mismatch(node, bad, path)
        if not _compatible(a, b):
            return self.add("incompatible_types", path, op=node.name, left=_TypeName(a), right=_TypeName(b))
        self.check_options(node, path, prefix)
        return "boolean"

    op_ne = op_lt = op_lte = op_gt = op_gte = op_eq

    def refine(self, node: Op, types, prefix) -> tuple[str, str]:
        """Types of two operands, a text constant read as the other side's number or date."""
        a, b = types
        refined = [a, b]
        for i, (mine, other) in enumerate(((a, b), (b, a))):
            arg = node.args[i]
            if not isinstance(arg, Const) or mine != "text":
                continue
            other_family = _family(_item(other)) if _is_list(other) and node.name in ("in", "contains") else _family(other)
            if other_family == "number":
                if v.to_number(arg.value) is None:
                    self.add("bad_constant", f"{prefix}args[{i}]", value=repr(arg.value), type=_TypeName("number"))
                    refined[i] = UNKNOWN
                else:
                    refined[i] = "number"
            elif other_family == "date":
                if v.to_temporal(arg.value) is None:
                    self.add("bad_constant", f"{prefix}args[{i}]", value=repr(arg.value), type=_TypeName("date"))
                    refined[i] = UNKNOWN
                else:
                    refined[i] = "date"
        return refined[0], refined[1]

    def check_options(self, node: Op, path: str, prefix: str) -> None:
        """Constants compared with a choice field must be among its options."""
        var = next((arg for arg in node.args if isinstance(arg, Var)), None)
        if var is None:
            return
        info, t = self.resolve(var.name)
        if info is None or not info.options or t not in ("choice", "choices", "list[choice]", "list[choices]"):
            return
        options = set(info.options)
        for i, arg in enumerate(node.args):
            if not isinstance(arg, Const):
                continue
            value = thaw(arg.value)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item not in options:
                    self.add("unknown_option", f"{prefix}args[{i}]", info.stable_id, value=item, field=_label(info))

    def op_in(self, node, types, path, prefix):
        a, b = types
        if NULL in (a, b):
            return self.add("null_comparison", path)
        if not _is_list(b):
            return self.mismatch(node, b, f"{prefix}args[1]")
        item = _item(b)
        if _is_list(a):
            a = _item(a)
        if _family(a) in ("address", "file", "geo", "object") or not _compatible(a, item, lenient=True):
            return self.add("incompatible_types", path, op=node.name, left=_TypeName(a), right=_TypeName(b))
        self.check_options(node, path, prefix)
        return "boolean"

    def op_contains(self, node, types, path, prefix):
        a, b = self.refine(node, types, prefix)
        if NULL in (a, b):
            return self.add("null_comparison", path)
        if _is_list(a):
            if not _compatible(_item(a), b, lenient=True):
                return self.add("incompatible_types", path, op=node.name, left=_TypeName(a), right=_TypeName(b))
            self.check_options(node, path, prefix)
            return "boolean"
        if _family(a) != "text":
            return self.mismatch(node, a, f"{prefix}args[0]")
        if _family(b) not in ("text", "number"):
            return self.mismatch(node, b, f"{prefix}args[1]")
        return "boolean"

    def op_empty(self, node, types, path, prefix):
        return "boolean"

    op_not_empty = op_empty

    def place(self, node, types, path, prefix, accepted, kind, pattern):
        a, _b = types
        if a not in accepted and a != UNKNOWN:
            self.mismatch(node, a, f"{prefix}args[0]")
        code = node.args[1]
        if not isinstance(code, Const):
            self.add("code_not_constant", f"{prefix}args[1]", type=_TypeName(kind))
        elif not isinstance(code.value, str) or not pattern.fullmatch(code.value):
            self.add("bad_code", f"{prefix}args[1]", value=repr(thaw(code.value)), type=_TypeName(kind))
        return "boolean"

    def op_in_province(self, node, types, path, prefix):
        return self.place(node, types, path, prefix, ("address", "province", "commune"), "province", _PROVINCE_CODE)

    def op_in_commune(self, node, types, path, prefix):
        return self.place(node, types, path, prefix, ("address", "commune"), "commune", _COMMUNE_CODE)

    # arithmetic
    def numeric(self, node, types, path, prefix):
        for i, t in enumerate(types):
            arg = node.args[i]
            if t == "text" and isinstance(arg, Const) and v.to_number(arg.value) is not None:
                continue
            if _family(t) not in ("number", UNKNOWN):
                self.mismatch(node, t, f"{prefix}args[{i}]")
        return "number"

    op_add = op_sub = op_mul = op_div = op_neg = numeric

    def op_round(self, node, types, path, prefix):
        self.numeric(node, types, path, prefix)
        if len(node.args) == 2:
            digits = node.args[1]
            if not isinstance(digits, Const) or type(digits.value) is not int or not -15 <= digits.value <= 15:
                self.add("bad_constant", f"{prefix}args[1]", value=repr(thaw(getattr(digits, "value", None))), type=_TypeName("number"))
        return "number"

    def op_min(self, node, types, path, prefix):
        if len(types) == 1 and _is_list(types[0]):
            items = [_item(types[0])]
        else:
            items = list(types)
        families = {_family(t) for t in items} - {UNKNOWN}
        if len(families) > 1 or not families <= {"number", "date"}:
            bad = next((t for t in items if _family(t) not in ("number", "date", UNKNOWN)), items[0])
            return self.mismatch(node, bad, path)
        if families == {"date"}:
            return "date"
        return "number" if families else UNKNOWN

    op_max = op_min

    def op_sum(self, node, types, path, prefix):
        (t,) = types
        if not _is_list(t) or _family(_item(t)) not in ("number", UNKNOWN):
            return self.mismatch(node, t, f"{prefix}args[0]")
        return "number"

    def op_count(self, node, types, path, prefix):
        (t,) = types
        if not _is_list(t):
            return self.mismatch(node, t, f"{prefix}args[0]")
        return "number"

    # dates
    def op_today(self, node, types, path, prefix):
        return "date"

    def dated(self, node, types, prefix, index):
        t = types[index]
        arg = node.args[index]
        if t == "text" and isinstance(arg, Const) and v.to_temporal(arg.value) is not None:
            return
        if _family(t) not in ("date", UNKNOWN):
            self.mismatch(node, t, f"{prefix}args[{index}]")

    def op_date_diff(self, node, types, path, prefix):
        self.dated(node, types, prefix, 0)
        self.dated(node, types, prefix, 1)
        return "number"

    def op_add_days(self, node, types, path, prefix):
        self.dated(node, types, prefix, 0)
        if _family(types[1]) not in ("number", UNKNOWN):
            self.mismatch(node, types[1], f"{prefix}args[1]")
        return "date"

    # calculated fields
    def op_if(self, node, types, path, prefix):
        condition, then, otherwise = types
        if _family(condition) not in ("boolean", UNKNOWN):
            self.mismatch(node, condition, f"{prefix}args[0]")
        if UNKNOWN in (then, otherwise):
            return UNKNOWN
        if then == NULL:
            return otherwise
        if otherwise == NULL:
            return then
        if not _compatible(then, otherwise):
            return self.add("incompatible_types", path, op=node.name, left=_TypeName(then), right=_TypeName(otherwise))
        return then if then == otherwise else (_family(then) if _family(then) in ("text", "date") else then)

    def op_concat(self, node, types, path, prefix):
        for i, t in enumerate(types):
            if _family(t) in ("address", "file", "geo", "object") or t == "rows":
                self.mismatch(node, t, f"{prefix}args[{i}]")
        return "text"


_RESULT = {name: "boolean" for name in (
    "and", "or", "not", "eq", "ne", "lt", "lte", "gt", "gte", "in", "contains", "empty", "not_empty",
    "in_province", "in_commune",
)}
_RESULT.update({name: "number" for name in ("add", "sub", "mul", "div", "neg", "round", "sum", "count", "date_diff")})
_RESULT.update({"today": "date", "add_days": "date", "concat": "text"})


def _compatible(a: str, b: str, lenient: bool = False) -> bool:
    """Whether values of types `a` and `b` can be compared (or share a calculated field)."""
    fa, fb = _family(a), _family(b)
    if UNKNOWN in (fa, fb) or (lenient and NULL in (a, b)):
        return True
    if fa == "list" and fb == "list":
        return _compatible(_item(a), _item(b), lenient=True)
    return fa == fb


def _const_type(value: Any) -> str:
    if value is None:
        return NULL
    if value is True or value is False:
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, tuple):
        families = {_family(_const_type(x)) for x in value} - {NULL}
        if len(families) == 1:
            return f"list[{families.pop()}]"
        return "list[unknown]"
    return "object"


def _label(info: FieldInfo) -> str:
    return f"{info.label} ({info.stable_id})" if info.label else info.stable_id
