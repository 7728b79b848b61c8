"""Compilation of expressions to closures.

The compiler interns structurally equal nodes (hash-consing), then builds one closure per
distinct node; a closure of a node used more than once reads and fills a memo slot, so each node
is evaluated at most once per call (form-level nodes) or once per row (nodes reading the row).

Every expression is compiled in a scope: None for the form, a block's stable id for the
condition or formula of one of its columns. In a block's scope `{"var": "<column>"}` naming a
column of that block reads the current row's cell; everywhere else a column reads as the list
of its non-empty cells over the rows (what aggregates take). A node reading a cell, and every
node above it, belongs to the block's scope: it is memoised per row; the other nodes are
memoised per call even when a row's expression uses them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import values as v
from ..ast import Const, Node, Op, Var, thaw
from ..types import OPS, ROWS, FieldInfo
from .context import MISSING, Fn
from .ops import BUILDERS


def column_blocks(fields: Mapping[str, FieldInfo]) -> dict[str, str]:
    """Column stable id -> its block, for every field whose parent is a repetition block."""
    blocks = {name for name, info in fields.items() if info.value_type == ROWS}
    return {name: info.parent for name, info in fields.items() if info.parent in blocks and name not in blocks}


class Compiler:
    def __init__(self, fields, hideable, calculated, commune_province):
        self.fields = fields
        self.hideable = hideable
        self.calculated = calculated
        self.commune_province = commune_province
        self.block_of = column_blocks(fields)
        self.ids: dict[Any, int] = {}  # structural key -> id
        self.node_ids: dict[tuple[int, str | None], int] = {}  # (id(node object), scope) -> id
        self.children: list[tuple[int, ...]] = []
        self.scopes: list[str | None] = []  # id -> the block whose row the node reads (None: form)
        self.uses: list[int] = []
        self.fns: dict[int, Fn] = {}
        self.cache_size = 0
        self.row_slots: dict[str, int] = {}
        self._keep = []  # keeps interned node objects alive so id() stays unique

    def intern_all(self, roots: list[tuple[Node, str | None]]) -> None:
        """Interns each (expression, scope) and counts it as used once."""
        for root, scope in roots:
            self.uses[self._intern(root, scope)] += 1

    def _intern(self, node: Node, scope: str | None) -> int:
        known = self.node_ids.get((id(node), scope))
        if known is not None:
            return known
        node_scope = None
        if isinstance(node, Var):
            if scope is not None and self.block_of.get(node.name) == scope:
                key, node_scope = ("r", scope, node.name), scope
            else:
                key = ("v", node.name)
            child_ids: tuple[int, ...] = ()
        elif isinstance(node, Const):
            key = ("c", const_key(node.value))
            child_ids = ()
        else:
            child_ids = tuple(self._intern(arg, scope) for arg in node.args)
            node_scope = next((self.scopes[child] for child in child_ids if self.scopes[child] is not None), None)
            key = ("o", node.name, const_key(node.extras), child_ids)
        index = self.ids.get(key)
        if index is None:
            index = self.ids[key] = len(self.children)
            self.children.append(child_ids)
            self.scopes.append(node_scope)
            self.uses.append(0)
            for child in child_ids:
                self.uses[child] += 1
        self.node_ids[(id(node), scope)] = index
        self._keep.append(node)
        return index

    def compile(self, node: Node, scope: str | None = None) -> Fn:
        index = self.node_ids[(id(node), scope)]
        fn = self.fns.get(index)
        if fn is not None:
            return fn
        if isinstance(node, Var):
            fn = self._var(node.name, scope)
        elif isinstance(node, Const):
            fn = constant(const_value(node.value))
        else:
            fn = self._op(node, scope)
        if self.uses[index] > 1 and not isinstance(node, Const):
            block = self.scopes[index]
            if block is None:
                fn = _memo_form(fn, self.cache_size)
                self.cache_size += 1
            else:
                slot = self.row_slots.get(block, 0)
                self.row_slots[block] = slot + 1
                fn = _memo_row(fn, slot)
        self.fns[index] = fn
        return fn

    def _var(self, name: str, scope: str | None) -> Fn:
        block = self.block_of.get(name)
        if block is None:
            return self._field(name)
        if block == scope:
            return self._cell(name)
        return self._column(name, block)

    def _reader(self, name: str):
        info = self.fields.get(name)
        return v.normaliser(info.value_type if info else None)

    def _field(self, name: str) -> Fn:
        """A form-level field."""
        read = self._reader(name)
        hideable = name in self.hideable
        if name in self.calculated:
            def var(ctx):
                form = ctx.form
                if hideable and name in form.hidden:
                    return None
                value = form.calc.get(name)
                return None if v.is_empty(value) else value
        elif hideable:
            def var(ctx):
                form = ctx.form
                if name in form.hidden:
                    return None
                return read(form.values.get(name))
        else:
            def var(ctx):
                return read(ctx.form.values.get(name))
        return var

    def _cell(self, name: str) -> Fn:
        """A column's cell in the current row (`ctx` is a `RowContext`)."""
        read = self._reader(name)
        hideable = name in self.hideable
        if name in self.calculated:
            def cell(ctx):
                if hideable and name in ctx.hidden:
                    return None
                value = ctx.calc.get(name)
                return None if v.is_empty(value) else value
        elif hideable:
            def cell(ctx):
                if name in ctx.hidden:
                    return None
                return read(ctx.values.get(name))
        else:
            def cell(ctx):
                return read(ctx.values.get(name))
        return cell

    def _column(self, name: str, block: str) -> Fn:
        """A column read at form level: the list of its non-empty cells, hidden cells left out."""
        read = self._reader(name)
        hideable = name in self.hideable
        block_hideable = block in self.hideable
        calculated = name in self.calculated

        def column(ctx):
            form = ctx.form
            if block_hideable and block in form.hidden:
                return []
            out = []
            for row in form.rows_of(block):
                if hideable and name in row.hidden:
                    continue
                value = row.calc.get(name) if calculated else read(row.values.get(name))
                if not v.is_empty(value):
                    out.append(value)
            return out
        return column

    def _op(self, node: Op, scope: str | None) -> Fn:
        arity = OPS.get(node.name)
        builder = BUILDERS.get(node.name)
        if arity is None or builder is None:
            return constant(None)
        low, high = arity
        if len(node.args) < low or (high is not None and len(node.args) > high):
            return constant(None)
        args = [self.compile(arg, scope) for arg in node.args]
        return builder(args, node, self)


def const_key(value: Any) -> Any:
    """A hashable key distinguishing 1, 1.0 and True, lists and objects."""
    if isinstance(value, tuple):
        return ("l", tuple(const_key(x) for x in value))
    if isinstance(value, Mapping):
        return ("d", tuple(sorted((k, const_key(x)) for k, x in value.items())))
    return (type(value).__name__, value)


def const_value(value: Any) -> Any:
    value = thaw(value)
    return None if v.is_empty(value) else value


def constant(value: Any) -> Fn:
    def const(ctx):
        return value
    return const


def _memo_form(fn: Fn, slot: int) -> Fn:
    def memo(ctx):
        cache = ctx.form.cache
        value = cache[slot]
        if value is MISSING:
            value = cache[slot] = fn(ctx)
        return value
    return memo


def _memo_row(fn: Fn, slot: int) -> Fn:
    def memo(ctx):
        cache = ctx.cache
        value = cache[slot]
        if value is MISSING:
            value = cache[slot] = fn(ctx)
        return value
    return memo
