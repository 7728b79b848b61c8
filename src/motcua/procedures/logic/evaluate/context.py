"""Per-call state of an evaluation: the form's context and one context per row of a block.

Compiled closures take one argument, a context. Form-level nodes read the form through
`ctx.form` (the form context's `form` is itself), so the same closure works whether it is
called for the form or for a row; nodes reading the current row's cells read `ctx.values`,
`ctx.hidden`, `ctx.calc` and `ctx.cache` of a `RowContext`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

MISSING = object()
"""An empty memo slot (None is a value)."""

MAX_ROWS = 500
"""Rows of a block taken into account (the most a repetition block accepts); rows after it are
ignored by conditions, formulas and aggregates."""

Fn = Callable[[Any], Any]


class FormContext:
    """The form: stored values, visibility and calculated values found so far, the memo slots
    of form-level nodes, and the rows of each block (built when first needed)."""

    __slots__ = ("values", "today", "cache", "hidden", "calc", "form", "rows", "row_slots")

    def __init__(self, values: Mapping[str, Any], today: Any, size: int, row_slots: Mapping[str, int]):
        self.values = values
        self.today = today
        self.cache = [MISSING] * size
        self.hidden: set[str] = set()
        self.calc: dict[str, Any] = {}
        self.form = self
        self.rows: dict[str, list[RowContext]] = {}
        self.row_slots = row_slots

    def rows_of(self, block: str) -> list[RowContext]:
        """The rows of `block` (at most `MAX_ROWS`); a row that is not an object is an empty row."""
        rows = self.rows.get(block)
        if rows is None:
            raw = self.values.get(block)
            size = self.row_slots.get(block, 0)
            if isinstance(raw, (list, tuple)):
                rows = [RowContext(row if isinstance(row, Mapping) else {}, self, size) for row in raw[:MAX_ROWS]]
            else:
                rows = []
            self.rows[block] = rows
        return rows


class RowContext:
    """One row of a block: its stored cells, the columns hidden in it, its calculated cells and
    the memo slots of the nodes that read its cells."""

    __slots__ = ("values", "cache", "hidden", "calc", "form")

    def __init__(self, values: Mapping[str, Any], form: FormContext, size: int):
        self.values = values
        self.cache = [MISSING] * size
        self.hidden: set[str] = set()
        self.calc: dict[str, Any] = {}
        self.form = form


def run(fn: Fn, ctx: Any) -> Any:
    try:
        return fn(ctx)
    except Exception:  # safety net: the operators are written not to raise
        return None
