"""Evaluation of a revision's logic: visibility, calculated fields, ineligibility and routing.

Entry points:
- `compile_program(items, *, fields=None, commune_province=None) -> Program`, once per revision
  (cache the Program with the revision: it holds no per-request state);
- `Program.evaluate(values, *, today) -> Evaluation`, once per request;
- `evaluate_expression(ast, values, *, today, fields=None)` for a single form-level expression
  (tests, portal eligibility questions).

Modules: `context` (per-call state: the form, the rows), `compiler` (closures, interning,
scopes), `program` (steps, `Program`, `Evaluation`), `ops/` (one module per family of operators).

How a call runs: the expressions are compiled to closures; identical sub-expressions (anywhere
in the revision) are compiled once and memoised per call, so each node is evaluated at most once
(once per row for the nodes reading a row's cells). Steps run in dependency order (Kahn,
`deps.step_graph`): a field's visibility after the fields its condition reads, a calculated
field after the fields its formula reads, rules last in effect. A field is hidden when its
condition is not true or its parent (section, block) is hidden, and a hidden field reads as
empty in every expression (its stored value is ignored, as the applicant can neither see nor
correct it); a hidden calculated field's value is None.

Rows of repetition blocks: the condition and the formula of a block's column are evaluated for
each row (at most `MAX_ROWS`), in the same dependency order. In them `{"var": "<column id>"}`
naming a column of the same block is that row's cell, any other field its form-level value. A
column whose condition is not true is hidden in that row only (`Evaluation.rows`): it reads as
empty there, and a calculated column has its own value in each row. At form level (other
fields' conditions and formulas, rules), a column is read only through an aggregate: `sum`,
`count`, `avg`, `min`, `max` of `{"var": "<column id>"}` work on its non-empty cells over the
rows, leaving out the rows where it is hidden; `count` of `{"var": "<block id>"}` counts rows.

Value rules (never raise; see `values.py` for how stored JSON is read):
- SQL-like null propagation: an empty or unreadable operand (None, "", [], {}, text where a number
  is expected, NaN, overflow) makes comparisons, arithmetic and date operations unknown (None);
  and/or/not use three-valued logic (false and unknown = false; true or unknown = true; not
  unknown = unknown); a condition holds only when it is exactly true, so a condition on an empty
  field is false unless it tests emptiness (`empty`, `not_empty` always answer true or false);
- division by zero is None; `if` takes the else branch when its condition is unknown;
- aggregates skip empty entries like SQL: `sum` and `count` of nothing are 0, `avg`, `min` and
  `max` of nothing are None; `concat` reads None as "";
- texts compare exactly; numbers compare with numbers (the text "12,5" equals 12.5), dates with
  dates (ISO text accepted); ordering (lt...) only between numbers or between dates;
- `in_province` reads an address's `province_code`, a province code, or a commune code through
  `commune_province` (code -> province code) when given; `in_commune` an address's
  `commune_code` or a commune code;
- `date_diff(unit, a, b)` is b - a in whole elapsed units, truncated toward zero (an age in
  years with a = birth date, b = today); `today` comes from the call, never the clock.
"""

from .context import MAX_ROWS
from .program import Evaluation, Program, RowResult, compile_program, evaluate_expression

__all__ = ["MAX_ROWS", "Evaluation", "Program", "RowResult", "compile_program", "evaluate_expression"]
