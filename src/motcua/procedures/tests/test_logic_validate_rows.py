"""Static validation of logic in repetition blocks: scopes of column expressions, aggregates,
cycles inside a row (no database)."""

import pytest
from django.utils import translation

from motcua.procedures.logic import FieldInfo, LogicItem, compile_program, validate_logic, validate_program

FIELDS = {
    f.stable_id: f for f in [
        FieldInfo("vat", "number", label="VAT rate"),
        FieldInfo("lines", "rows", label="Lines"),
        FieldInfo("qty", "number", parent="lines", label="Quantity"),
        FieldInfo("price", "number", parent="lines"),
        FieldInfo("unit", "choice", parent="lines", options=("kg", "box")),
        FieldInfo("line_total", "number", parent="lines", is_calculated=True),
        FieldInfo("note", "text", parent="lines"),
        FieldInfo("kids", "rows"),
        FieldInfo("kid_name", "text", parent="kids", label="Child's name"),
        FieldInfo("kid_born", "date", parent="kids"),
        FieldInfo("total", "number", is_calculated=True),
        FieldInfo("youngest", "date", is_calculated=True),
        FieldInfo("later", "text"),
    ]
}
ORDER = {name: index for index, name in enumerate(FIELDS)}


def var(name):
    return {"var": name}


def const(value):
    return {"const": value}


def op(name, *args, **extras):
    return {"op": name, "args": list(args), **extras}


def codes(ast, usage="visibility", owner="later"):
    return [(e.code, e.path) for e in validate_logic(ast, fields=FIELDS, usage=usage, owner=owner, order=ORDER)]


@pytest.mark.parametrize(("ast", "usage", "owner"), [
    (op("gt", var("qty"), const(0)), "visibility", "note"),  # a sibling placed before
    (op("and", op("eq", var("unit"), const("kg")), op("gt", var("vat"), const(5))), "visibility", "note"),  # + form field
    (op("gt", op("count", var("lines")), const(1)), "visibility", "note"),  # its own block is a form-level field
    (op("mul", var("qty"), var("price")), "calculated", "line_total"),
    (op("max", op("sub", var("qty"), const(1)), const(0)), "calculated", "line_total"),  # min/max of values, not a column
    (op("mul", var("qty"), var("vat")), "calculated", "line_total"),  # a form-level field
])
def test_column_expressions_may_read_siblings_and_form_fields(ast, usage, owner):
    assert codes(ast, usage=usage, owner=owner) == []


@pytest.mark.parametrize("ast", [
    op("gt", op("sum", var("line_total")), const(100)),
    op("gt", op("avg", var("qty")), const(1)),
    op("eq", op("count", var("kid_name")), op("count", var("kids"))),
    op("lt", op("max", var("kid_born")), const("2020-01-01")),
])
def test_form_level_expressions_aggregate_columns(ast):
    assert codes(ast) == []
    assert codes(ast, usage="ineligibility", owner=None) == []


def test_aggregates_of_columns_have_the_column_item_type():
    assert codes(op("min", var("kid_born")), usage="calculated", owner="youngest") == []
    assert codes(op("sum", var("qty")), usage="calculated", owner="total") == []
    assert codes(op("sum", var("kid_born")), usage="calculated", owner="total") == [("type_mismatch", "args[0]")]
    assert codes(op("avg", var("kid_name")), usage="calculated", owner="total") == [("type_mismatch", "args[0]")]
    assert codes(op("min", var("kid_born")), usage="calculated", owner="total") == [("wrong_result_type", "")]


@pytest.mark.parametrize(("ast", "usage", "owner", "expected"), [
    (op("eq", var("qty"), const(1)), "visibility", "later", [("column_outside_aggregate", "args[0]")]),
    (op("contains", var("note"), const("x")), "routing", None, [("column_outside_aggregate", "args[0]")]),
    (op("min", var("qty"), const(3)), "calculated", "total", [("column_outside_aggregate", "args[0]")]),
    (op("add", var("line_total"), const(1)), "calculated", "total", [("column_outside_aggregate", "args[0]")]),
    (op("gt", op("count", var("kid_name")), const(0)), "visibility", "note", [("other_block_column", "args[0].args[0]")]),
    (op("empty", var("kid_name")), "visibility", "note", [("other_block_column", "args[0]")]),
    (op("sum", var("qty")), "calculated", "line_total", [("aggregate_in_row", "args[0]")]),
    (op("eq", var("note"), const("x")), "visibility", "qty", [("later_field", "args[0]")]),  # a later sibling
    (op("eq", var("later"), const("x")), "visibility", "qty", [("later_field", "args[0]")]),  # a later form field
    (op("add", var("line_total"), const(1)), "calculated", "line_total", [("self_reference", "args[0]")]),
    (op("eq", var("unit"), const("ton")), "visibility", "note", [("unknown_option", "args[1]")]),
])
def test_misplaced_column_references_are_reported(ast, usage, owner, expected):
    assert codes(ast, usage=usage, owner=owner) == expected


def test_messages_of_row_problems_are_translated_and_name_the_field():
    with translation.override("en"):
        [outside] = validate_logic(op("eq", var("qty"), const(1)), fields=FIELDS, usage="routing", order=ORDER)
        [other] = validate_logic(op("empty", var("kid_name")), fields=FIELDS, usage="visibility", owner="note", order=ORDER)
        [in_row] = validate_logic(op("sum", var("qty")), fields=FIELDS, usage="calculated", owner="line_total", order=ORDER)
        # Messages are translated when read: read them in English.
        assert outside.message.startswith("The column Quantity (qty) has a value in each row") and outside.field == "qty"
        assert "Child's name (kid_name) belongs to another repetition block" in other.message and other.field == "kid_name"
        assert in_row.message.startswith("The operation sum works on a whole column")
    with translation.override("vi"):
        assert validate_logic(op("eq", var("qty"), const(1)), fields=FIELDS, usage="routing", order=ORDER)[0].message.startswith("Cột Quantity (qty)")


def _program_errors(items, info=FIELDS):
    return [(e.code, e.field) for e in validate_program(items, fields=info, order={name: i for i, name in enumerate(info)})]


def test_a_loop_between_columns_of_a_row_is_a_cycle():
    info = {f.stable_id: f for f in [
        FieldInfo("b", "rows"), FieldInfo("x", "number", parent="b", is_calculated=True),
        FieldInfo("y", "number", parent="b", is_calculated=True),
    ]}
    items = [LogicItem("x", "calculated", op("add", var("y"), const(1))), LogicItem("y", "calculated", op("add", var("x"), const(1)))]
    assert _program_errors(items, info) == [("cycle", "x")]


def test_a_column_shown_depending_on_a_formula_that_reads_it_is_a_cycle():
    info = {f.stable_id: f for f in [
        FieldInfo("b", "rows"), FieldInfo("y", "number", parent="b", is_calculated=True), FieldInfo("x", "number", parent="b"),
    ]}
    items = [LogicItem("y", "calculated", op("add", var("x"), const(1))), LogicItem("x", "visibility", op("gt", var("y"), const(1)))]
    assert [code for code, _f in _program_errors(items, info)] == ["cycle"]


def test_a_loop_through_a_form_aggregate_is_a_cycle():
    items = [
        LogicItem("total", "calculated", op("sum", var("line_total"))),
        LogicItem("line_total", "calculated", op("mul", var("qty"), var("total"))),
    ]
    assert _program_errors(items) == [("cycle", "line_total")]


def test_a_sound_program_with_rows_is_accepted_and_compiles():
    items = [
        LogicItem("line_total", "calculated", op("mul", var("qty"), var("price"))),
        LogicItem("note", "visibility", op("gt", var("line_total"), var("vat"))),
        LogicItem("total", "calculated", op("sum", var("line_total"))),
        LogicItem("youngest", "calculated", op("max", var("kid_born"))),
        LogicItem("r1", "routing", op("gt", op("count", var("kids")), const(3)), payload="big_family"),
    ]
    assert _program_errors(items) == []
    result = compile_program(items, fields=FIELDS).evaluate({"vat": 5, "lines": [{"qty": 2, "price": 3}, {"qty": 1, "price": 1}]}, today=None)
    assert [row.is_visible("note") for row in result.rows["lines"]] == [True, False] and result.calculated["total"] == 7
