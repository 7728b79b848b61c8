"""Property tests of the logic language in repetition blocks (hypothesis, no database)."""

import json
from datetime import date

from hypothesis import given, strategies as st

from motcua.procedures.logic import (
    MAX_ROWS, CycleError, FieldInfo, LogicItem, compile_program, evaluate_expression, validate_program,
)
from motcua.procedures.logic.evaluate import Evaluation

from .test_logic_properties import PROPERTY_SETTINGS, VALUE_TYPES, expressions, field_values

CELL_TYPES = [t for t in VALUE_TYPES if t != "rows"]


@st.composite
def forms_with_blocks(draw):
    """Fields f0..fn in form order: some are blocks, a column's block comes before it, a form
    field's parent (section) too."""
    count = draw(st.integers(min_value=2, max_value=8))
    fields: dict[str, FieldInfo] = {}
    blocks: list[str] = []
    for i in range(count):
        name = f"f{i}"
        if i == 0 or draw(st.integers(min_value=0, max_value=3)) == 0:
            fields[name] = FieldInfo(name, "rows")
            blocks.append(name)
        elif blocks and draw(st.booleans()):
            fields[name] = FieldInfo(name, draw(st.sampled_from(CELL_TYPES)), parent=draw(st.sampled_from(blocks)))
        else:
            parent = draw(st.one_of(st.none(), st.sampled_from(list(fields))))
            fields[name] = FieldInfo(name, draw(st.sampled_from(CELL_TYPES)), parent=parent)
    return fields, blocks


def row_values(fields, blocks):
    columns = {block: [name for name, info in fields.items() if info.parent == block] or ["x"] for block in blocks}

    def rows_of(block):
        row = st.dictionaries(st.sampled_from(columns[block] + ["other"]), field_values, max_size=3)
        return st.lists(st.one_of(row, st.sampled_from([None, "junk", []])), max_size=4)

    return st.fixed_dictionaries(
        {block: st.one_of(rows_of(block), st.sampled_from([None, "", {}, 3])) for block in blocks},
        optional={name: field_values for name in fields if name not in blocks},
    )


@st.composite
def acyclic_programs(draw):
    """Every expression reads only fields placed before its owner: no cycles by construction,
    whatever the scopes (cells, aggregates, other blocks' columns, misplaced references)."""
    fields, blocks = draw(forms_with_blocks())
    names = list(fields)
    owners = draw(st.lists(st.tuples(st.integers(min_value=1, max_value=len(names) - 1), st.sampled_from(["visibility", "calculated"])),
                           max_size=6, unique=True))
    items = [LogicItem(names[i], usage, draw(expressions(names[:i]))) for i, usage in owners]
    for r in range(draw(st.integers(min_value=0, max_value=2))):
        items.append(LogicItem(f"r{r}", draw(st.sampled_from(["ineligibility", "routing"])), draw(expressions(names)), payload=r))
    return fields, blocks, items, draw(row_values(fields, blocks))


@PROPERTY_SETTINGS
@given(acyclic_programs(), st.one_of(st.dates(), st.none()))
def test_row_evaluation_never_raises_and_gives_one_result_per_row(program, today):
    fields, blocks, items, values = program
    result = compile_program(items, fields=fields).evaluate(values, today=today)

    assert isinstance(result, Evaluation)
    json.dumps(result.calculated, allow_nan=False)
    for block, rows in result.rows.items():
        stored = values.get(block)
        assert len(rows) == (min(len(stored), MAX_ROWS) if isinstance(stored, list) else 0)
        for row in rows:
            json.dumps(row.calculated, allow_nan=False)
            assert all(row.calculated[c] is None for c in row.hidden if c in row.calculated)
            assert {c for c in fields if fields[c].parent == block and c in result.hidden} <= row.hidden


@st.composite
def any_programs(draw):
    """Expressions reading any field, loops included."""
    fields, blocks = draw(forms_with_blocks())
    names = list(fields)
    owners = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(["visibility", "calculated"])), max_size=5, unique=True))
    items = [LogicItem(name, usage, draw(expressions(names))) for name, usage in owners]
    return fields, items


@PROPERTY_SETTINGS
@given(any_programs())
def test_validation_never_raises_when_expressions_read_any_field(program):
    fields, items = program
    errors = validate_program(items, fields=fields, order={name: i for i, name in enumerate(fields)})
    assert all(error.code and error.message for error in errors)


@st.composite
def numeric_programs(draw):
    """Number fields and columns, formulas and conditions whose references respect the scopes
    (siblings in a row, aggregates at form level) but may loop: validation must report a loop
    exactly when compilation meets one."""
    fields, blocks = draw(forms_with_blocks())
    fields = {name: info if info.value_type == "rows" else FieldInfo(name, "number", parent=info.parent, is_calculated=True)
              for name, info in fields.items()}
    block_of = {name: info.parent for name, info in fields.items() if info.parent in blocks and name not in blocks}
    form_fields = [name for name in fields if name not in blocks and name not in block_of]

    def expression(owner):
        scope = block_of.get(owner)
        if scope is None:
            scalars = [n for n in form_fields if n != owner]
            aggregated = [{"op": op, "args": [{"var": n}]} for n in block_of for op in ("sum", "avg", "min", "max", "count")]
            aggregated += [{"op": "count", "args": [{"var": b}]} for b in blocks]
        else:
            scalars = [n for n in form_fields + [c for c, b in block_of.items() if b == scope] if n != owner]
            aggregated = []
        leaves = st.one_of(
            st.builds(lambda n: {"var": n}, st.sampled_from(scalars)) if scalars else st.nothing(),
            st.sampled_from(aggregated) if aggregated else st.nothing(),
            st.builds(lambda x: {"const": x}, st.integers(min_value=-5, max_value=5)),
        )
        return st.recursive(leaves, lambda children: st.builds(
            lambda op, args: {"op": op, "args": args}, st.sampled_from(["add", "mul", "sub"]), st.lists(children, min_size=2, max_size=2),
        ), max_leaves=4)

    items = []
    for name in fields:
        if name in blocks:
            continue
        if draw(st.booleans()):
            items.append(LogicItem(name, "calculated", draw(expression(name))))
        if draw(st.integers(min_value=0, max_value=2)) == 0:
            items.append(LogicItem(name, "visibility", {"op": "gt", "args": [draw(expression(name)), {"const": 0}]}))
    return fields, items


@PROPERTY_SETTINGS
@given(numeric_programs())
def test_validation_reports_a_cycle_exactly_when_compilation_meets_one(program):
    fields, items = program
    errors = validate_program(items, fields=fields, order={})
    assert {error.code for error in errors} <= {"cycle"}, [str(e) for e in errors]
    try:
        compile_program(items, fields=fields).evaluate({}, today=date(2025, 7, 1))
    except CycleError:
        assert errors
    else:
        assert not errors


@st.composite
def one_block_formula(draw):
    """A block of plain columns, a calculated column whose formula reads the siblings and a form
    field, and rows of values."""
    column_types = draw(st.lists(st.sampled_from(CELL_TYPES), min_size=1, max_size=3))
    columns = [f"c{i}" for i in range(len(column_types))]
    formula = draw(expressions(columns + ["k"]))
    rows = draw(st.lists(st.dictionaries(st.sampled_from(columns), field_values, max_size=3), max_size=4))
    form = draw(st.dictionaries(st.just("k"), field_values))
    return column_types, formula, rows, form


@PROPERTY_SETTINGS
@given(one_block_formula())
def test_a_calculated_column_gives_in_each_row_what_the_formula_gives_on_that_row_alone(case):
    column_types, formula, rows, form = case
    columns = {f"c{i}": t for i, t in enumerate(column_types)}
    fields = {"k": FieldInfo("k", "number"), "b": FieldInfo("b", "rows"),
              **{name: FieldInfo(name, t, parent="b") for name, t in columns.items()},
              "calc": FieldInfo("calc", "unknown", parent="b", is_calculated=True)}
    result = compile_program([LogicItem("calc", "calculated", formula)], fields=fields).evaluate({**form, "b": rows}, today=date(2025, 7, 1))

    alone = {"k": fields["k"], **{name: FieldInfo(name, t) for name, t in columns.items()}, "calc": FieldInfo("calc", "unknown")}
    expected = compile_program([LogicItem("calc", "calculated", formula)], fields=alone)
    for row, row_result in zip(rows, result.rows["b"], strict=True):
        assert row_result.calculated["calc"] == expected.evaluate({**form, **row}, today=date(2025, 7, 1)).calculated["calc"]


def test_evaluate_expression_aggregates_stored_cells():
    fields = {"b": FieldInfo("b", "rows"), "n": FieldInfo("n", "number", parent="b")}
    assert evaluate_expression({"op": "sum", "args": [{"var": "n"}]}, {"b": [{"n": "1,5"}, {"n": 2}]}, today=None, fields=fields) == 3.5
