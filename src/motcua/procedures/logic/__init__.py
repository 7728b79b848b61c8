"""The procedure logic language: one JSON AST for field and section visibility, ineligibility
rules, routing rules and calculated fields. Pure Python (no ORM, no clock).

Modules: `types` (value types, `FieldInfo`, `LogicItem`, `LogicError`, operator arities), `ast`
(parse/serialise, size limits), `values` (reading stored JSON values), `validate` (static checks
at publication), `deps` (dependencies, cycles, evaluation order), `evaluate` (compile once per
revision, evaluate per request). The names below are the public API.
"""

from .ast import MAX_DEPTH, MAX_NODES, Const, Node, Op, ParseError, Var, parse
from .deps import CycleError, field_dependencies, find_cycles, topological_order
from .evaluate import Evaluation, Program, compile_program, evaluate_expression
from .types import OPS, USAGES, VALUE_TYPES, FieldInfo, LogicError, LogicItem
from .validate import validate_logic, validate_program

__all__ = [
    "MAX_DEPTH", "MAX_NODES", "OPS", "USAGES", "VALUE_TYPES",
    "Const", "CycleError", "Evaluation", "FieldInfo", "LogicError", "LogicItem", "Node", "Op", "ParseError",
    "Program", "Var",
    "compile_program", "evaluate_expression", "field_dependencies", "find_cycles", "parse", "topological_order",
    "validate_logic", "validate_program",
]
