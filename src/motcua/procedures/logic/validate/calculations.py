"""Type rules of the arithmetic, aggregate, date and calculated-field operators (a mixin of
`checker.Checker`: each `op_<name>(node, types, path, prefix)` returns the result type)."""

from __future__ import annotations

from .. import values as v
from ..ast import Const, thaw
from .families import NULL, UNKNOWN, compatible, family, is_list, item
from .messages import TypeName


class CalculationChecks:
    # arithmetic
    def numeric(self, node, types, path, prefix):
        for i, t in enumerate(types):
            arg = node.args[i]
            if t == "text" and isinstance(arg, Const) and v.to_number(arg.value) is not None:
                continue
            if family(t) not in ("number", UNKNOWN):
                self.mismatch(node, t, f"{prefix}args[{i}]")
        return "number"

    op_add = op_sub = op_mul = op_div = op_neg = numeric

    def op_round(self, node, types, path, prefix):
        self.numeric(node, types, path, prefix)
        if len(node.args) == 2:
            digits = node.args[1]
            if not isinstance(digits, Const) or type(digits.value) is not int or not -15 <= digits.value <= 15:
                self.add("bad_constant", f"{prefix}args[1]", value=repr(thaw(getattr(digits, "value", None))), type=TypeName("number"))
        return "number"

    # aggregates
    def op_min(self, node, types, path, prefix):
        if len(types) == 1 and is_list(types[0]):
            items = [item(types[0])]
        else:
            items = list(types)
        families = {family(t) for t in items} - {UNKNOWN}
        if len(families) > 1 or not families <= {"number", "date"}:
            bad = next((t for t in items if family(t) not in ("number", "date", UNKNOWN)), items[0])
            return self.mismatch(node, bad, path)
        if families == {"date"}:
            return "date"
        return "number" if families else UNKNOWN

    op_max = op_min

    def op_sum(self, node, types, path, prefix):
        (t,) = types
        if not is_list(t) or family(item(t)) not in ("number", UNKNOWN):
            return self.mismatch(node, t, f"{prefix}args[0]")
        return "number"

    op_avg = op_sum

    def op_count(self, node, types, path, prefix):
        (t,) = types
        if not is_list(t):
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
        if family(t) not in ("date", UNKNOWN):
            self.mismatch(node, t, f"{prefix}args[{index}]")

    def op_date_diff(self, node, types, path, prefix):
        self.dated(node, types, prefix, 0)
        self.dated(node, types, prefix, 1)
        return "number"

    def op_add_days(self, node, types, path, prefix):
        self.dated(node, types, prefix, 0)
        if family(types[1]) not in ("number", UNKNOWN):
            self.mismatch(node, types[1], f"{prefix}args[1]")
        return "date"

    # calculated fields
    def op_if(self, node, types, path, prefix):
        condition, then, otherwise = types
        if family(condition) not in ("boolean", UNKNOWN):
            self.mismatch(node, condition, f"{prefix}args[0]")
        if UNKNOWN in (then, otherwise):
            return UNKNOWN
        if then == NULL:
            return otherwise
        if otherwise == NULL:
            return then
        if not compatible(then, otherwise):
            return self.add("incompatible_types", path, op=node.name, left=TypeName(then), right=TypeName(otherwise))
        return then if then == otherwise else (family(then) if family(then) in ("text", "date") else then)

    def op_concat(self, node, types, path, prefix):
        for i, t in enumerate(types):
            if family(t) in ("address", "file", "geo", "object") or t == "rows":
                self.mismatch(node, t, f"{prefix}args[{i}]")
        return "text"
