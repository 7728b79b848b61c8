"""The procedure logic language: one JSON AST for field and section visibility, ineligibility
rules, routing rules and calculated fields. Pure Python (no ORM, no clock).

Modules: `types` (value types, `FieldInfo`, `LogicItem`, `LogicError`, operator arities), `ast`
(parse/serialise, size limits), `values` (reading stored JSON values), `validate/` (static checks
at publication), `deps` (dependencies, cycles, evaluation order), `evaluate/` (compile once per
revision, evaluate per request, per row in repetition blocks). The names below are the public API.
"""

from .ast import MAX_DEPTH, MAX_NODES, Const, Node, Op, ParseError, Var, parse
from .deps import CycleError, field_dependencies, find_cycles, topological_order
from .evaluate import MAX_ROWS, Evaluation, Program, RowResult, compile_program, evaluate_expression
from .types import AGGREGATES, OPS, USAGES, VALUE_TYPES, FieldInfo, LogicError, LogicItem
from .validate import validate_logic, validate_program

__all__ = [
    "AGGREGATES", "MAX_DEPTH", "MAX_NODES", "MAX_ROWS", "OPS", "USAGES", "VALUE_TYPES",
    "Const", "CycleError", "Evaluation", "FieldInfo", "LogicError", "LogicItem", "Node", "Op", "ParseError",
    "Program", "RowResult", "Var",
    "compile_program", "evaluate_expression", "field_dependencies", "find_cycles", "parse", "topological_order",
    "validate_logic", "validate_program",
]
