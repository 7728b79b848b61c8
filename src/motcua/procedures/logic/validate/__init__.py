"""Static checks of logic expressions against a revision's fields, run at publication and import.

Entry points:
- `validate_logic(ast_json, *, fields, usage, owner, order) -> list[LogicError]`: one expression;
- `validate_program(items, *, fields, order) -> list[LogicError]`: every expression of a revision,
  plus cycles across formulas and visibility conditions (errors carry the item's owner as
  `field` when the node concerns no other field; `path` is prefixed "<usage>:<owner>:");
- `find_cycles(formulas) -> list[list[str]]` (from `deps`).

Modules: `families` (static types), `messages` (codes and translated messages), `checker` (the
walk, field references and scopes), `comparisons` and `calculations` (the operators' rules).

What is checked: syntax and size limits (ast.py), unknown fields ("condition on a deleted field"),
fields without a value (sections, explanation text), unknown operators and extra keys, arity,
operand types, constants outside a choice field's options, province/commune code formats, the
result type for the usage (visibility/ineligibility/routing: true/false; calculated: the field's
own type), self references, and for visibility, references to fields placed at or after the owner
(`order` gives positions; ineligibility and routing rules run at submission and may read any
field; formulas may too, cycles aside).

Repetition blocks: the condition or formula of a block's column may read the other columns of
its block (the same row's cells) and fields outside blocks, never the columns of another block
(`other_block_column`) nor an aggregate of its own block's columns (`aggregate_in_row`). Every
other expression reads a column only as the single argument of `sum`, `count`, `avg`, `min` or
`max` (`column_outside_aggregate`). Loops among the columns of a row are cycles.

Static type rules (`families.family`): text, choice, province and commune are texts; date and
datetime are dates; number, boolean are themselves; choices and aggregated columns are lists of
their item type; address, file, geo and rows only support emptiness tests (and the place
operators for address, `count` for rows). A text constant stands for a number or a date when
compared with one, provided it reads as one ("12,5", "2025-07-01"). Comparing with the constant
null is refused: use `empty`.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..ast import ParseError, parse
from ..deps import CycleError, find_cycles, step_graph, topological_order
from ..types import CALCULATED, USAGES, VISIBILITY, FieldInfo, LogicError, LogicItem
from .checker import Checker
from .messages import MESSAGES, error

__all__ = ["MESSAGES", "validate_logic", "validate_program", "find_cycles"]


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
        return [] if usage == VISIBILITY else [error("missing_expression", "", owner or "")]
    try:
        node = parse(ast_json)
    except ParseError as problem:
        return [LogicError(code=problem.code, path=problem.path, field=owner or "", template=problem.template, params=problem.params)]
    checker = Checker(fields, usage, owner, order or {})
    result = checker.infer(node, "")
    if not checker.errors:
        checker.check_result(result)
    return checker.errors


def validate_program(
    items: Iterable[LogicItem], *, fields: Mapping[str, FieldInfo], order: Mapping[str, int] | None = None,
) -> list[LogicError]:
    """Every problem of a revision's expressions, then the cycles among formulas and visibility
    conditions (a formula reading a field whose visibility depends on that formula), within a
    block's rows as across the form."""
    items = list(items)
    errors: list[LogicError] = []
    valid: list[LogicItem] = []
    for item in items:
        owner = item.owner if item.usage in (VISIBILITY, CALCULATED) else None
        found = validate_logic(item.ast, fields=fields, usage=item.usage, owner=owner, order=order)
        for problem in found:
            errors.append(LogicError(
                code=problem.code, path=f"{item.usage}:{item.owner}:{problem.path}", field=problem.field or item.owner,
                template=problem.template, params=problem.params,
            ))
        if not found and item.ast is not None:
            valid.append(LogicItem(owner=item.owner, usage=item.usage, ast=parse(item.ast), payload=item.payload))
    formulas = {item.owner: item.ast for item in valid if item.usage == CALCULATED}
    reported = set()
    for cycle in find_cycles(formulas):
        reported.update(cycle)
        errors.append(error("cycle", f"{CALCULATED}:{cycle[0]}:", cycle[0], cycle=" → ".join(cycle)))
    parents = {name: info.parent for name, info in fields.items()}
    try:
        topological_order(step_graph(valid, parents))
    except CycleError as found_cycles:
        for cycle in found_cycles.cycles:
            names = list(dict.fromkeys(node.split(":", 1)[1] for node in cycle))
            if set(names) <= reported:
                continue
            errors.append(error("cycle", f"{cycle[0]}:", names[0], cycle=" → ".join(names)))
    return errors
