"""Shared vocabulary of the logic language: value types, usages, operator arities, and the small
plain records the rest of the package exchanges (`FieldInfo`, `LogicItem`, `LogicError`).

Entry points: `FieldInfo` (what validation and evaluation know about a field), `LogicItem` (one
expression of a revision: a visibility condition, a formula, an ineligibility or routing rule),
`LogicError` (one problem found by validation), `OPS` (operator name -> arity).

Invariants: the value type names are exactly those of the field-type registry
(`procedures.fields.base.VALUE_TYPES`); nothing here touches the ORM or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field
from typing import Any

# --- Value types (one per field type; declared by the field-type registry) ---------------------

TEXT = "text"
NUMBER = "number"
DATE = "date"
DATETIME = "datetime"
BOOLEAN = "boolean"
CHOICE = "choice"  # one option value (a string)
CHOICES = "choices"  # a list of option values
FILE = "file"
GEO = "geo"
ROWS = "rows"  # a repetition block: a list of {column_id: value} rows
ADDRESS = "address"  # {"province_code": "01", "commune_code": "00004", ...}
PROVINCE = "province"  # a 2-digit province code
COMMUNE = "commune"  # a 5-digit commune code
NONE = "none"  # no value: section headers, explanation text

VALUE_TYPES = frozenset({
    TEXT, NUMBER, DATE, DATETIME, BOOLEAN, CHOICE, CHOICES, FILE, GEO, ROWS, ADDRESS, PROVINCE, COMMUNE, NONE,
})

# --- Usages -------------------------------------------------------------------------------------

VISIBILITY = "visibility"  # a field or section is shown when its condition is true
CALCULATED = "calculated"  # the formula of a calculated field
INELIGIBILITY = "ineligibility"  # the applicant cannot file when the rule is true
ROUTING = "routing"  # the dossier goes to a group when the rule is true

USAGES = (VISIBILITY, CALCULATED, INELIGIBILITY, ROUTING)
CONDITION_USAGES = frozenset({VISIBILITY, INELIGIBILITY, ROUTING})

# --- Operators: name -> (minimum, maximum) number of arguments (None: no maximum) -------------

OPS: dict[str, tuple[int, int | None]] = {
    # logic
    "and": (1, None), "or": (1, None), "not": (1, 1),
    # comparison
    "eq": (2, 2), "ne": (2, 2), "lt": (2, 2), "lte": (2, 2), "gt": (2, 2), "gte": (2, 2),
    # membership and emptiness
    "in": (2, 2), "contains": (2, 2), "empty": (1, 1), "not_empty": (1, 1),
    # places
    "in_province": (2, 2), "in_commune": (2, 2),
    # arithmetic
    "add": (2, None), "sub": (2, 2), "mul": (2, None), "div": (2, 2), "neg": (1, 1),
    "round": (1, 2),
    # aggregates (one list: a block column, a block for count, a multiple choice, a constant list)
    "sum": (1, 1), "count": (1, 1), "avg": (1, 1), "min": (1, None), "max": (1, None),
    # dates
    "today": (0, 0), "date_diff": (2, 2), "add_days": (2, 2),
    # calculated fields
    "if": (3, 3), "concat": (1, None),
}

# Keys an op node may carry besides "op" and "args", with their allowed values.
OP_EXTRAS: dict[str, dict[str, frozenset]] = {
    "date_diff": {"unit": frozenset({"days", "months", "years"})},
}

# Operators that may take a block column (`{"var": "<column id>"}`) as their only argument.
AGGREGATES = frozenset({"sum", "count", "avg", "min", "max"})

COMPARISONS = frozenset({"eq", "ne", "lt", "lte", "gt", "gte"})
ORDERINGS = frozenset({"lt", "lte", "gt", "gte"})


@dataclass(frozen=True)
class FieldInfo:
    """What the logic language knows about one field of a revision."""

    stable_id: str
    value_type: str
    """One of `VALUE_TYPES`; an unknown name is treated as "anything" (no type check)."""
    label: str = ""
    options: tuple[str, ...] = ()
    """Option values of a choice/choices field (empty: not checked)."""
    is_calculated: bool = False
    formula: Any = None
    """The JSON AST of a calculated field's formula."""
    parent: str | None = None
    """The section or repetition block the field belongs to. A field is hidden when its parent
    is; a field whose parent is a "rows" field is a column of that block: its condition and
    formula are evaluated per row."""


@dataclass(frozen=True)
class LogicItem:
    """One expression of a revision, as given to `compile_program`."""

    owner: str
    """The field's stable id (visibility, calculated) or the rule's id (ineligibility, routing)."""
    usage: str
    """One of `USAGES`."""
    ast: Any
    """The JSON AST (or an already parsed node)."""
    payload: Any = None
    """Returned untouched when the rule fires (the ineligibility message, the routing group)."""


@dataclass(frozen=True)
class LogicError:
    """One problem in an expression: a stable `code`, the `path` of the node inside the expression
    ("args[1].args[0]", "" for the root), the `field` concerned (stable id, may be empty) and a
    `message` translated in the language active when it is read."""

    code: str
    path: str
    field: str = ""
    template: Any = ""
    params: dict = dataclass_field(default_factory=dict)

    @property
    def message(self) -> str:
        text = str(self.template)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return f"{self.code} at {self.path or '<root>'}: {self.message}"

