"""A revision's compiled logic (`Program`) and what one evaluation gives (`Evaluation`)."""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from datetime import date, datetime
from typing import Any, Callable, Iterable, Mapping

from .. import values as v
from ..ast import parse
from ..deps import hideable_fields, step_graph, topological_order
from ..types import CALCULATED, INELIGIBILITY, ROUTING, VISIBILITY, FieldInfo, LogicItem
from .compiler import Compiler, column_blocks
from .context import FormContext, Fn, run
from .ops.logic import op_and

# Step kinds.
_VISIBLE, _VALUE, _INELIGIBLE, _ROUTE, _ROW_VISIBLE, _ROW_VALUE = range(6)


@dataclass(frozen=True)
class RowResult:
    """The outcome of one row of a block."""

    hidden: frozenset[str]
    """Columns hidden in this row (by their condition, or because the block is hidden)."""
    calculated: dict[str, Any]
    """Calculated column -> its value in this row as JSON (None when hidden or unknown)."""

    def is_visible(self, column: str) -> bool:
        return column not in self.hidden


@dataclass(frozen=True)
class Evaluation:
    """The outcome of one evaluation."""

    hidden: frozenset[str]
    """Fields hidden by their condition or their parent's (a block's columns when the block is)."""
    visible: frozenset[str]
    """Known fields (from `fields` and visibility items) that are not hidden."""
    calculated: dict[str, Any]
    """Form-level calculated field -> value as JSON (dates as ISO text; None when hidden or
    unknown). Calculated columns are in `rows`."""
    ineligible: tuple[tuple[str, Any], ...]
    """(rule id, payload) of each ineligibility rule that holds, in the revision's order."""
    routes: tuple[tuple[str, Any], ...]
    """(rule id, payload) of each routing rule that holds, in the revision's order."""
    rows: Mapping[str, tuple[RowResult, ...]] = dataclass_field(default_factory=dict)
    """Block -> one result per row (in the rows' order, at most `MAX_ROWS`), for each block
    having a column that may be hidden or is calculated."""

    def is_visible(self, stable_id: str) -> bool:
        return stable_id not in self.hidden

    def row(self, block: str, index: int) -> RowResult | None:
        results = self.rows.get(block, ())
        return results[index] if 0 <= index < len(results) else None


class Program:
    """A revision's compiled logic. Immutable; safe to share between threads and requests."""

    def __init__(self, steps, cache_size, row_slots, known_fields, calculated, row_outputs):
        self._steps = steps
        self._cache_size = cache_size
        self._row_slots = row_slots
        self._known = known_fields
        self._calculated = calculated
        self._row_outputs = row_outputs

    def evaluate(self, values: Mapping[str, Any], *, today: date) -> Evaluation:
        """Evaluates everything against the stored `values` (keyed by stable id). Never raises
        on the values' content."""
        if not isinstance(values, Mapping):
            values = {}
        ctx = FormContext(values, today, self._cache_size, self._row_slots)
        hidden, calc = ctx.hidden, ctx.calc
        ineligible, routes = [], []
        for kind, owner, fn, parent, payload in self._steps:
            if kind == _VISIBLE:
                if parent is not None and parent in hidden:
                    hidden.add(owner)
                elif fn is not None and run(fn, ctx) is not True:
                    hidden.add(owner)
            elif kind == _VALUE:
                calc[owner] = run(fn, ctx)
            elif kind == _ROW_VISIBLE:  # parent: the block
                rows = ctx.rows_of(parent)
                if parent in hidden:
                    hidden.add(owner)
                    for row in rows:
                        row.hidden.add(owner)
                elif fn is not None:
                    for row in rows:
                        if run(fn, row) is not True:
                            row.hidden.add(owner)
            elif kind == _ROW_VALUE:
                for row in ctx.rows_of(parent):
                    row.calc[owner] = run(fn, row)
            elif run(fn, ctx) is True:
                (ineligible if kind == _INELIGIBLE else routes).append((owner, payload))
        calculated = {name: None if name in hidden else _to_json(calc.get(name)) for name in self._calculated}
        rows = {
            block: tuple(
                RowResult(
                    hidden=frozenset(row.hidden),
                    calculated={c: None if c in row.hidden else _to_json(row.calc.get(c)) for c in columns},
                )
                for row in ctx.rows_of(block)
            )
            for block, columns in self._row_outputs
        }
        frozen_hidden = frozenset(hidden)
        return Evaluation(
            hidden=frozen_hidden,
            visible=self._known - frozen_hidden,
            calculated=calculated,
            ineligible=tuple(ineligible),
            routes=tuple(routes),
            rows=rows,
        )


def _to_json(value: Any) -> Any:
    """A calculated value as JSON: dates as ISO text, finite numbers only, else None."""
    try:
        return _json_value(value)
    except RecursionError:
        return None


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool)):
        return value
    if type(value) is int or type(value) is float:
        return v.number_result(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(x) for x in value]
    if isinstance(value, Mapping):
        return {str(k): _json_value(x) for k, x in value.items()}
    return None


def compile_program(
    items: Iterable[LogicItem],
    *,
    fields: Mapping[str, FieldInfo] | None = None,
    commune_province: Callable[[str], str | None] | None = None,
) -> Program:
    """Compiles a revision's expressions. `items` are its visibility conditions, formulas and
    rules (`LogicItem`); `fields` gives value types (used to read stored values) and parents
    (sections, blocks: an item owned by a block's column is evaluated per row). Raises
    `ast.ParseError` on malformed JSON and `deps.CycleError` on cycles (both are refused earlier
    by `validate_program`); unknown operators evaluate to None."""
    items = list(items)
    fields = dict(fields or {})
    parents = {name: info.parent for name, info in fields.items()}
    block_of = column_blocks(fields)
    nodes = [parse(item.ast) for item in items]
    compiled_items = [
        LogicItem(owner=item.owner, usage=item.usage, ast=node, payload=item.payload)
        for item, node in zip(items, nodes)
    ]
    scopes = [block_of.get(item.owner) if item.usage in (VISIBILITY, CALCULATED) else None for item in items]
    visibility_owners = {item.owner for item in items if item.usage == VISIBILITY}
    calculated = tuple(dict.fromkeys(item.owner for item in items if item.usage == CALCULATED))
    hideable = hideable_fields(visibility_owners, parents)
    order = topological_order(step_graph(compiled_items, parents))

    compiler = Compiler(fields, hideable, frozenset(calculated), commune_province)
    compiler.intern_all(list(zip(nodes, scopes)))
    fns = [compiler.compile(node, scope) for node, scope in zip(nodes, scopes)]

    conditions: dict[str, list[Fn]] = {}
    formulas: dict[str, list[Fn]] = {}
    for item, fn in zip(items, fns):
        if item.usage == VISIBILITY:
            conditions.setdefault(item.owner, []).append(fn)
        elif item.usage == CALCULATED:
            formulas.setdefault(item.owner, []).append(fn)
    steps = []
    for key in order:
        kind, _sep, name = key.partition(":")
        block = block_of.get(name)
        if kind == "visible":
            if block is not None:
                steps.append((_ROW_VISIBLE, name, _all(conditions.get(name)), block, None))
            else:
                parent = parents.get(name)
                steps.append((_VISIBLE, name, _all(conditions.get(name)), parent if parent in hideable else None, None))
        elif kind == "value":
            steps.append((_ROW_VALUE if block is not None else _VALUE, name, formulas[name][-1], block, None))
        else:
            item = items[int(name)]
            if item.usage in (INELIGIBILITY, ROUTING):
                steps.append((_INELIGIBLE if item.usage == INELIGIBILITY else _ROUTE, item.owner, fns[int(name)], None, item.payload))
    known = frozenset(fields) | frozenset(visibility_owners)
    row_outputs = {}
    for name, block in block_of.items():
        if name in hideable or name in calculated:
            row_outputs.setdefault(block, [])
            if name in calculated:
                row_outputs[block].append(name)
    return Program(
        steps=tuple(steps), cache_size=compiler.cache_size, row_slots=dict(compiler.row_slots), known_fields=known,
        calculated=tuple(name for name in calculated if name not in block_of),
        row_outputs=tuple((block, tuple(columns)) for block, columns in sorted(row_outputs.items())),
    )


def _all(fns: list[Fn] | None) -> Fn | None:
    if not fns:
        return None
    if len(fns) == 1:
        return fns[0]
    return op_and(fns, None)


def evaluate_expression(
    ast: Any, values: Mapping[str, Any], *, today: date, fields: Mapping[str, FieldInfo] | None = None,
    commune_province: Callable[[str], str | None] | None = None,
) -> Any:
    """The value of one form-level expression against `values` (no visibility applied; a block
    column reads its stored cells)."""
    fields = dict(fields or {})
    node = parse(ast)
    compiler = Compiler(fields, frozenset(), frozenset(), commune_province)
    compiler.intern_all([(node, None)])
    fn = compiler.compile(node)
    ctx = FormContext(values if isinstance(values, Mapping) else {}, today, compiler.cache_size, compiler.row_slots)
    return run(fn, ctx)
