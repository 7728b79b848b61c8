"""Type rules of the logic, comparison, membership, emptiness and place operators (a mixin of
`checker.Checker`: each `op_<name>(node, types, path, prefix)` returns the result type)."""

from __future__ import annotations

import re

from .. import values as v
from ..ast import Const, Op, Var, thaw
from ..types import ORDERINGS
from .families import NULL, UNKNOWN, compatible, family, is_list, item
from .messages import TypeName, label

_PROVINCE_CODE = re.compile(r"\d{2}")
_COMMUNE_CODE = re.compile(r"\d{5}")
_OPAQUE = ("address", "file", "geo", "object")


class ComparisonChecks:
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
                if family(t) not in ("number", "date", UNKNOWN):
                    return self.mismatch(node, t, f"{prefix}args[{i}]")
        elif family(a) in _OPAQUE or family(b) in _OPAQUE or a == "rows" or b == "rows":
            bad = a if family(a) in (*_OPAQUE, "list") else b
            return self.mismatch(node, bad, path)
        if not compatible(a, b):
            return self.add("incompatible_types", path, op=node.name, left=TypeName(a), right=TypeName(b))
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
            other_family = family(item(other)) if is_list(other) and node.name in ("in", "contains") else family(other)
            if other_family == "number":
                if v.to_number(arg.value) is None:
                    self.add("bad_constant", f"{prefix}args[{i}]", value=repr(arg.value), type=TypeName("number"))
                    refined[i] = UNKNOWN
                else:
                    refined[i] = "number"
            elif other_family == "date":
                if v.to_temporal(arg.value) is None:
                    self.add("bad_constant", f"{prefix}args[{i}]", value=repr(arg.value), type=TypeName("date"))
                    refined[i] = UNKNOWN
                else:
                    refined[i] = "date"
        return refined[0], refined[1]

    def check_options(self, node: Op, path: str, prefix: str) -> None:
        """Constants compared with a choice field must be among its options."""
        var = next((arg for arg in node.args if isinstance(arg, Var)), None)
        if var is None:
            return
        info = self.resolve(var.name)
        if info is None or not info.options or info.value_type not in ("choice", "choices"):
            return
        options = set(info.options)
        for i, arg in enumerate(node.args):
            if not isinstance(arg, Const):
                continue
            value = thaw(arg.value)
            for entry in value if isinstance(value, list) else [value]:
                if isinstance(entry, str) and entry not in options:
                    self.add("unknown_option", f"{prefix}args[{i}]", info.stable_id, value=entry, field=label(info))

    def op_in(self, node, types, path, prefix):
        a, b = types
        if NULL in (a, b):
            return self.add("null_comparison", path)
        if not is_list(b):
            return self.mismatch(node, b, f"{prefix}args[1]")
        entry = item(b)
        if is_list(a):
            a = item(a)
        if family(a) in _OPAQUE or not compatible(a, entry, lenient=True):
            return self.add("incompatible_types", path, op=node.name, left=TypeName(a), right=TypeName(b))
        self.check_options(node, path, prefix)
        return "boolean"

    def op_contains(self, node, types, path, prefix):
        a, b = self.refine(node, types, prefix)
        if NULL in (a, b):
            return self.add("null_comparison", path)
        if is_list(a):
            if not compatible(item(a), b, lenient=True):
                return self.add("incompatible_types", path, op=node.name, left=TypeName(a), right=TypeName(b))
            self.check_options(node, path, prefix)
            return "boolean"
        if family(a) != "text":
            return self.mismatch(node, a, f"{prefix}args[0]")
        if family(b) not in ("text", "number"):
            return self.mismatch(node, b, f"{prefix}args[1]")
        return "boolean"

    def op_empty(self, node, types, path, prefix):
        return "boolean"

    op_not_empty = op_empty

    # places
    def place(self, node, types, path, prefix, accepted, kind, pattern):
        a, _b = types
        if a not in accepted and a != UNKNOWN:
            self.mismatch(node, a, f"{prefix}args[0]")
        code = node.args[1]
        if not isinstance(code, Const):
            self.add("code_not_constant", f"{prefix}args[1]", type=TypeName(kind))
        elif not isinstance(code.value, str) or not pattern.fullmatch(code.value):
            self.add("bad_code", f"{prefix}args[1]", value=repr(thaw(code.value)), type=TypeName(kind))
        return "boolean"

    def op_in_province(self, node, types, path, prefix):
        return self.place(node, types, path, prefix, ("address", "province", "commune"), "province", _PROVINCE_CODE)

    def op_in_commune(self, node, types, path, prefix):
        return self.place(node, types, path, prefix, ("address", "commune"), "commune", _COMMUNE_CODE)
