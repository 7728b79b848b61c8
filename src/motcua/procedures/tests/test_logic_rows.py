"""Logic in repetition blocks: conditions and formulas of columns evaluated per row, and
aggregates of columns at form level (no database)."""

from datetime import date

import pytest

from motcua.procedures.logic import MAX_ROWS, FieldInfo, LogicItem, compile_program, evaluate_expression
from motcua.procedures.logic.evaluate.ops import BUILDERS

TODAY = date(2025, 7, 1)


def var(name):
    return {"var": name}


def const(value):
    return {"const": value}


def op(name, *args, **extras):
    return {"op": name, "args": list(args), **extras}


def fields(*infos):
    return {info.stable_id: info for info in infos}


# An invoice: a form-level VAT rate, then a block of lines.
INVOICE = fields(
    FieldInfo("vat", "number"),
    FieldInfo("lines", "rows"),
    FieldInfo("item", "text", parent="lines"),
    FieldInfo("qty", "number", parent="lines"),
    FieldInfo("price", "number", parent="lines"),
    FieldInfo("discounted", "boolean", parent="lines"),
    FieldInfo("discount", "number", parent="lines"),
    FieldInfo("line_total", "number", parent="lines", is_calculated=True),
    FieldInfo("line_vat", "number", parent="lines", is_calculated=True),
    FieldInfo("total", "number", is_calculated=True),
    FieldInfo("vat_total", "number", is_calculated=True),
)
INVOICE_ITEMS = [
    # declared out of dependency order on purpose
    LogicItem("line_vat", "calculated", op("round", op("div", op("mul", var("line_total"), var("vat")), const(100)))),
    LogicItem("line_total", "calculated", op("sub", op("mul", var("qty"), var("price")),
                                             op("if", op("empty", var("discount")), const(0), var("discount")))),
    LogicItem("discount", "visibility", op("eq", var("discounted"), const(True))),
    LogicItem("total", "calculated", op("sum", var("line_total"))),
    LogicItem("vat_total", "calculated", op("sum", var("line_vat"))),
]


def evaluate(items, field_infos, values):
    return compile_program(items, fields=field_infos).evaluate(values, today=TODAY)


def test_column_condition_reads_the_same_row_and_hides_that_row_only():
    result = evaluate(INVOICE_ITEMS, INVOICE, {"vat": 10, "lines": [
        {"qty": 2, "price": 100, "discounted": True, "discount": 20},
        {"qty": 1, "price": 50, "discounted": False, "discount": 999},
    ]})

    first, second = result.rows["lines"]
    assert first.is_visible("discount") and not second.is_visible("discount")
    assert "discount" not in result.hidden and "discount" in result.visible  # hidden in one row, not in the form


def test_calculated_columns_get_one_value_per_row_and_hidden_cells_read_as_empty():
    result = evaluate(INVOICE_ITEMS, INVOICE, {"vat": 10, "lines": [
        {"qty": 2, "price": 100, "discounted": True, "discount": 20},
        {"qty": 1, "price": 50, "discounted": False, "discount": 999},  # the hidden discount is ignored
    ]})

    assert [row.calculated for row in result.rows["lines"]] == [
        {"line_total": 180, "line_vat": 18}, {"line_total": 50, "line_vat": 5},
    ]
    assert result.calculated == {"total": 230, "vat_total": 23}  # form-level aggregates of calculated cells


def test_unknown_cells_propagate_null_per_row_and_are_skipped_by_aggregates():
    result = evaluate(INVOICE_ITEMS, INVOICE, {"vat": 10, "lines": [{"qty": 2, "price": 100}, {"qty": "", "price": 5}, {}]})

    assert [row.calculated["line_total"] for row in result.rows["lines"]] == [200, None, None]
    assert result.calculated["total"] == 200
    assert evaluate(INVOICE_ITEMS, INVOICE, {"lines": [{"qty": 1, "price": 1}]}).rows["lines"][0].calculated["line_vat"] is None


def test_rows_that_are_not_objects_are_empty_rows_and_rows_beyond_the_limit_are_ignored():
    result = evaluate(INVOICE_ITEMS, INVOICE, {"lines": ["junk", None, {"qty": 1, "price": 3}]})
    assert [row.calculated["line_total"] for row in result.rows["lines"]] == [None, None, 3]

    many = evaluate(INVOICE_ITEMS, INVOICE, {"lines": [{"qty": 1, "price": 1}] * (MAX_ROWS + 10)})
    assert len(many.rows["lines"]) == MAX_ROWS and many.calculated["total"] == MAX_ROWS


def test_no_rows_give_zero_sums_and_no_row_results():
    for values in ({}, {"lines": []}, {"lines": "not rows"}):
        result = evaluate(INVOICE_ITEMS, INVOICE, values)
        assert result.rows["lines"] == () and result.calculated["total"] == 0
        assert result.row("lines", 0) is None


def test_column_condition_may_read_form_fields_and_calculated_form_fields():
    info = fields(
        FieldInfo("budget", "number"), FieldInfo("people", "rows"), FieldInfo("age", "number", parent="people"),
        FieldInfo("share", "number", parent="people", is_calculated=True), FieldInfo("total_age", "number", is_calculated=True),
        FieldInfo("guardian", "text", parent="people"),
    )
    items = [
        LogicItem("total_age", "calculated", op("sum", var("age"))),
        LogicItem("share", "calculated", op("round", op("div", op("mul", var("age"), const(100)), var("total_age")), const(1))),
        LogicItem("guardian", "visibility", op("and", op("lt", var("age"), const(18)), op("gt", var("budget"), const(0)))),
    ]
    result = evaluate(items, info, {"budget": 1, "people": [{"age": 30}, {"age": 10}]})

    assert [row.calculated["share"] for row in result.rows["people"]] == [75.0, 25.0]
    assert [row.is_visible("guardian") for row in result.rows["people"]] == [False, True]
    assert all(not row.is_visible("guardian") for row in evaluate(items, info, {"people": [{"age": 10}]}).rows["people"])


def test_a_hidden_block_hides_every_cell_and_aggregates_see_nothing():
    info = dict(INVOICE, has_lines=FieldInfo("has_lines", "boolean"))
    items = [*INVOICE_ITEMS, LogicItem("lines", "visibility", op("eq", var("has_lines"), const(True)))]
    values = {"has_lines": False, "vat": 10, "lines": [{"qty": 2, "price": 100, "discounted": True, "discount": 1}]}

    result = evaluate(items, info, values)

    assert {"lines", "qty", "discount", "line_total"} <= result.hidden
    [row] = result.rows["lines"]
    assert {"discount", "line_total", "line_vat", "qty"} <= row.hidden and row.calculated == {"line_total": None, "line_vat": None}
    assert result.calculated == {"total": 0, "vat_total": 0}


def test_a_hidden_calculated_cell_is_none_and_skipped():
    info = fields(FieldInfo("b", "rows"), FieldInfo("x", "number", parent="b"), FieldInfo("double", "number", parent="b", is_calculated=True),
                  FieldInfo("sum_double", "number", is_calculated=True))
    items = [
        LogicItem("double", "calculated", op("mul", var("x"), const(2))),
        LogicItem("double", "visibility", op("gt", var("x"), const(1))),
        LogicItem("sum_double", "calculated", op("sum", var("double"))),
    ]
    result = evaluate(items, info, {"b": [{"x": 1}, {"x": 5}]})
    assert [row.calculated["double"] for row in result.rows["b"]] == [None, 10]
    assert result.calculated["sum_double"] == 10


AGGREGATED = fields(
    FieldInfo("kids", "rows"), FieldInfo("name", "text", parent="kids"), FieldInfo("age", "number", parent="kids"),
    FieldInfo("born", "date", parent="kids"),
)
KIDS = {"kids": [{"name": "An", "age": "4", "born": "2021-03-01"}, {"name": "Bình", "age": 10, "born": "2015-01-02"},
                 {"name": "", "age": None}]}


@pytest.mark.parametrize(("ast", "expected"), [
    (op("count", var("kids")), 3),
    (op("count", var("name")), 2),
    (op("count", var("born")), 2),
    (op("sum", var("age")), 14),
    (op("avg", var("age")), 7),
    (op("min", var("age")), 4),
    (op("max", var("age")), 10),
    (op("min", var("born")), date(2015, 1, 2)),
    (op("max", var("born")), date(2021, 3, 1)),
    (op("gt", op("sum", var("age")), const(13)), True),
])
def test_aggregates_read_a_column_over_the_rows(ast, expected):
    assert evaluate_expression(ast, KIDS, today=TODAY, fields=AGGREGATED) == expected


@pytest.mark.parametrize(("ast", "expected"), [
    (op("count", var("kids")), 0), (op("count", var("age")), 0), (op("sum", var("age")), 0),
    (op("avg", var("age")), None), (op("min", var("age")), None), (op("max", var("born")), None),
])
def test_aggregates_of_no_rows_follow_sql(ast, expected):
    for values in ({}, {"kids": []}, {"kids": [{}, {"age": ""}]} if ast["args"][0]["var"] != "kids" else {}):
        assert evaluate_expression(ast, values, today=TODAY, fields=AGGREGATED) == expected


def test_avg_skips_unreadable_cells_and_is_none_on_overflow():
    assert evaluate_expression(op("avg", var("age")), {"kids": [{"age": "abc"}, {"age": 3}]}, today=TODAY, fields=AGGREGATED) == 3
    assert evaluate_expression(op("avg", var("age")), {"kids": [{"age": 1e308}, {"age": 1e308}]}, today=TODAY, fields=AGGREGATED) is None
    assert evaluate_expression(op("avg", const([1, 2, "x"])), {}, today=TODAY) == 1.5


def test_rules_can_aggregate_columns():
    items = [LogicItem("too_many", "ineligibility", op("gt", op("count", var("kids")), const(2)), payload="Tối đa 2 con.")]
    assert evaluate(items, AGGREGATED, KIDS).ineligible == (("too_many", "Tối đa 2 con."),)
    assert evaluate(items, AGGREGATED, {"kids": KIDS["kids"][:2]}).ineligible == ()


def test_each_node_is_evaluated_once_per_row_and_form_nodes_once_per_call(monkeypatch):
    calls = {"neg": 0}
    original = BUILDERS["neg"]

    def counting(args, node, compiler):
        fn = original(args, node, compiler)

        def counted(ctx):
            calls["neg"] += 1
            return fn(ctx)
        return counted

    monkeypatch.setitem(BUILDERS, "neg", counting)
    info = fields(FieldInfo("k", "number"), FieldInfo("b", "rows"), FieldInfo("x", "number", parent="b"),
                  FieldInfo("y", "number", parent="b"), FieldInfo("c1", "number", parent="b", is_calculated=True),
                  FieldInfo("c2", "number", parent="b", is_calculated=True))
    row_node = op("neg", var("x"))  # reads the row: once per row
    form_node = op("neg", var("k"))  # reads the form only: once per call, even when used in rows
    items = [
        LogicItem("c1", "calculated", op("add", row_node, form_node)),
        LogicItem("c2", "calculated", op("mul", row_node, form_node)),
        LogicItem("y", "visibility", op("lt", row_node, form_node)),
    ]
    program = compile_program(items, fields=info)

    result = program.evaluate({"k": 2, "b": [{"x": 1}, {"x": 3}, {"x": 5}]}, today=TODAY)

    assert calls["neg"] == 3 + 1
    assert [(row.calculated["c1"], row.calculated["c2"], row.is_visible("y")) for row in result.rows["b"]] == [
        (-3, 2, False), (-5, 6, True), (-7, 10, True),
    ]


def test_the_same_column_name_reads_a_cell_in_its_block_and_a_list_outside():
    info = fields(FieldInfo("b", "rows"), FieldInfo("x", "number", parent="b"), FieldInfo("x2", "number", parent="b", is_calculated=True),
                  FieldInfo("n", "number", is_calculated=True))
    shared = op("add", var("x"), const(0))  # one JSON shape, two meanings
    items = [LogicItem("x2", "calculated", shared), LogicItem("n", "calculated", op("count", var("x")))]
    result = evaluate(items, info, {"b": [{"x": 4}, {"x": 6}]})
    assert [row.calculated["x2"] for row in result.rows["b"]] == [4, 6] and result.calculated["n"] == 2


def test_evaluation_row_helper_and_blocks_without_row_logic():
    result = evaluate(INVOICE_ITEMS, dict(INVOICE, other=FieldInfo("other", "rows"), cell=FieldInfo("cell", "text", parent="other")),
                      {"lines": [{"qty": 1, "price": 2}], "other": [{"cell": "x"}]})
    assert result.row("lines", 0).calculated["line_total"] == 2 and result.row("lines", 1) is None
    assert "other" not in result.rows  # no condition nor formula in that block: nothing to report
