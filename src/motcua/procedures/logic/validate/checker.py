"""The type checker of one expression: walks the tree, infers each node's static type and
collects every problem (it never stops at the first).

Scopes: the condition or formula of a block's column is checked in that block's scope, where a
sibling column is one value (the row's cell); a column of another block is refused. Everywhere
else a column is accepted only as the single argument of an aggregate (`types.AGGREGATES`),
where it is the list of its cells.
"""

from __future__ import annotations

from ..ast import Const, Node, Op, Var
from ..types import AGGREGATES, CONDITION_USAGES, OP_EXTRAS, OPS, ROWS, VISIBILITY, FieldInfo, LogicError
from .calculations import CalculationChecks
from .comparisons import ComparisonChecks
from .families import NULL, RESULT, UNKNOWN, compatible, const_type, family
from .messages import TypeName, error, label


class Checker(ComparisonChecks, CalculationChecks):
    def __init__(self, fields, usage, owner, order):
        self.fields = fields
        self.usage = usage
        self.owner = owner
        self.order = order
        self.errors: list[LogicError] = []
        self.blocks = {name for name, info in fields.items() if info.value_type == ROWS}
        self.scope = self.block_of(owner) if owner is not None else None

    def block_of(self, name: str) -> str | None:
        """The repetition block `name` is a column of, if it is one."""
        info = self.fields.get(name)
        if info is None or info.parent not in self.blocks or name in self.blocks:
            return None
        return info.parent

    def add(self, code: str, path: str, concerns: str = "", **params) -> str:
        self.errors.append(error(code, path, concerns or (self.owner or ""), **params))
        return UNKNOWN

    # --- results ---

    def check_result(self, result: str) -> None:
        if self.usage in CONDITION_USAGES:
            if family(result) not in ("boolean", UNKNOWN):
                self.add("wrong_result_type", "", type=TypeName(result), expected=TypeName("boolean"))
            return
        info = self.fields.get(self.owner) if self.owner else None
        if info is None or family(info.value_type) == UNKNOWN or result in (NULL, UNKNOWN):
            return
        if not compatible(result, info.value_type):
            self.add("wrong_result_type", "", type=TypeName(result), expected=TypeName(info.value_type))

    # --- nodes ---

    def infer(self, node: Node, path: str, aggregate: str | None = None) -> str:
        """The node's type; `aggregate` names the aggregate whose only argument the node is."""
        if isinstance(node, Var):
            return self.var(node.name, path, aggregate)
        if isinstance(node, Const):
            return const_type(node.value)
        return self.op(node, path)

    def resolve(self, name: str) -> FieldInfo | None:
        return self.fields.get(name)

    def var(self, name: str, path: str, aggregate: str | None = None) -> str:
        info = self.fields.get(name)
        if info is None:
            return self.add("unknown_field", path, name, field=name)
        stable_id = info.stable_id
        if self.owner is not None and stable_id == self.owner:
            return self.add("self_reference", path, stable_id, field=label(info))
        if info.value_type == "none":
            return self.add("no_value", path, stable_id, field=label(info))
        t = info.value_type
        block = self.block_of(name)
        if block is not None:
            if self.scope is not None and block != self.scope:
                return self.add("other_block_column", path, stable_id, field=label(info))
            if self.scope is None:
                if aggregate is None:
                    return self.add("column_outside_aggregate", path, stable_id, field=label(info))
                t = f"list[{t}]"
            elif aggregate is not None:
                return self.add("aggregate_in_row", path, stable_id, op=aggregate)
        if self.usage == VISIBILITY and self.owner is not None:
            position, owner_position = self.order.get(stable_id), self.order.get(self.owner)
            if position is not None and owner_position is not None and position >= owner_position:
                return self.add("later_field", path, stable_id, field=label(info))
        return t

    def op(self, node: Op, path: str) -> str:
        prefix = f"{path}." if path else ""
        aggregate = node.name if node.name in AGGREGATES and len(node.args) == 1 and isinstance(node.args[0], Var) else None
        types = [self.infer(arg, f"{prefix}args[{i}]", aggregate) for i, arg in enumerate(node.args)]
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
            return RESULT.get(node.name, UNKNOWN)
        return getattr(self, f"op_{node.name}")(node, types, path, prefix)

    def mismatch(self, node: Op, t: str, path: str) -> str:
        return self.add("type_mismatch", path, op=node.name, type=TypeName(t))

    def expect(self, node: Op, types, families, path, prefix) -> bool:
        ok = True
        for i, t in enumerate(types):
            if family(t) not in families and t != UNKNOWN:
                self.mismatch(node, t, f"{prefix}args[{i}]")
                ok = False
        return ok
