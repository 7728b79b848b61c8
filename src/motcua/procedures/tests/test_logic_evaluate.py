"""Evaluating logic expressions and whole programs (no database)."""

from datetime import date, datetime

import pytest

from motcua.procedures.logic import FieldInfo, LogicItem, compile_program, evaluate_expression

TODAY = date(2025, 7, 1)


def var(name):
    return {"var": name}


def const(value):
    return {"const": value}


def op(name, *args, **extras):
    return {"op": name, "args": list(args), **extras}


def ev(ast, values=None, fields=None, **kwargs):
    return evaluate_expression(ast, values or {}, today=TODAY, fields=fields, **kwargs)


# --- logic ---------------------------------------------------------------------------------------

T, F, N = const(True), const(False), const(None)


@pytest.mark.parametrize(("args", "expected"), [
    ([T, T], True), ([T, F], False), ([F, N], False), ([T, N], None), ([T, T, T, F], False),
])
def test_and_uses_three_valued_logic(args, expected):
    assert ev(op("and", *args)) is expected


@pytest.mark.parametrize(("args", "expected"), [
    ([F, F], False), ([T, F], True), ([T, N], True), ([F, N], None),
])
def test_or_uses_three_valued_logic(args, expected):
    assert ev(op("or", *args)) is expected


def test_not_keeps_unknown_when_operand_is_null():
    assert ev(op("not", T)) is False
    assert ev(op("not", F)) is True
    assert ev(op("not", op("eq", var("a"), const("x")))) is None


def test_nested_mixed_logic_when_values_given():
    ast = op("or", op("and", op("eq", var("a"), const("x")), op("not", op("eq", var("b"), const(1)))), op("gt", var("c"), const(10)))
    assert ev(ast, {"a": "x", "b": 2, "c": 0}) is True
    assert ev(ast, {"a": "x", "b": 1, "c": 0}) is False
    assert ev(ast, {"a": "y", "b": 2, "c": "11"}) is True


# --- comparisons ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "a", "b", "expected"), [
    ("eq", "x", "x", True), ("eq", "x", "y", False), ("ne", "x", "y", True), ("ne", "x", "x", False),
    ("eq", "01", "1", False),  # codes are texts
    ("eq", "12,5", 12.5, True), ("eq", "12.5", 12.5, True), ("eq", " 12 ", 12, True),
    ("eq", "1.234.567,5", 1234567.5, True), ("eq", "1,234,567.5", 1234567.5, True),
    ("eq", True, True, True), ("eq", "true", False, False),
    ("lt", 1, 2, True), ("lte", 2, 2, True), ("gt", "10", 9, True), ("gte", "9,5", 10, False),
    ("lt", "2025-01-01", "2025-06-30", True), ("gt", date(2025, 7, 2), "2025-07-01", True),
    ("eq", date(2025, 7, 1), "2025-07-01T10:00:00", True),
    ("lt", "01/07/2025", "2025-07-02", True), ("eq", "01/07/2025", "2025-07-01", False),  # texts: exact
    ("eq", ["a", "b"], ["a", "b"], True), ("eq", ["a"], ["a", "b"], False),
])
def test_comparison_coerces_operands_when_types_differ(name, a, b, expected):
    assert ev(op(name, var("a"), const(b)), {"a": a}) is expected


@pytest.mark.parametrize("name", ["eq", "ne", "lt", "lte", "gt", "gte"])
@pytest.mark.parametrize("value", [None, "", "   ", [], {}, "abc", float("nan"), {"x": 1}, True])
def test_comparison_is_unknown_when_operand_is_null_or_unreadable(name, value):
    assert ev(op(name, var("a"), const(5)), {"a": value}) is None


def test_ordering_is_unknown_when_texts_are_not_numbers_or_dates():
    assert ev(op("lt", const("abc"), const("abd"))) is None


def test_ordering_is_unknown_when_datetimes_aware_and_naive():
    assert ev(op("lt", var("a"), var("b")), {"a": "2025-07-01T08:00:00+07:00", "b": datetime(2025, 7, 1, 9)}) is None


# --- membership and emptiness ------------------------------------------------------------------


def test_in_tests_membership_when_value_scalar_or_list():
    ast = op("in", var("a"), const(["x", "y"]))
    assert ev(ast, {"a": "x"}) is True
    assert ev(ast, {"a": "z"}) is False
    assert ev(ast, {"a": ["z", "y"]}) is True
    assert ev(ast, {}) is None
    assert ev(op("in", var("a"), const([1, 2])), {"a": "2,0"}) is True


def test_contains_searches_text_and_lists():
    assert ev(op("contains", var("a"), const("văn")), {"a": "Nguyễn VĂN A"}) is True
    assert ev(op("contains", var("a"), const("x")), {"a": "abc"}) is False
    assert ev(op("contains", var("a"), const("b")), {"a": ["a", "b"]}) is True
    assert ev(op("contains", var("a"), const(3)), {"a": [1, 2]}) is False
    assert ev(op("contains", var("a"), const("b")), {}) is None


@pytest.mark.parametrize(("value", "expected"), [
    (None, True), ("", True), ("  ", True), ([], True), ({}, True), ({"province_code": ""}, True),
    ("x", False), (0, False), (False, False), ([None], False), ({"province_code": "01"}, False),
])
def test_empty_is_never_unknown(value, expected):
    values = {} if value is None else {"a": value}
    assert ev(op("empty", var("a")), values) is expected
    assert ev(op("not_empty", var("a")), values) is (not expected)


# --- places ------------------------------------------------------------------------------------


def test_in_province_reads_addresses_and_codes():
    address = {"province_code": "01", "commune_code": "00004"}
    assert ev(op("in_province", var("a"), const("01")), {"a": address}) is True
    assert ev(op("in_province", var("a"), const("79")), {"a": address}) is False
    assert ev(op("in_province", var("a"), const("79")), {"a": "79"}) is True
    assert ev(op("in_province", var("a"), const("79")), {}) is None


def test_in_province_looks_up_commune_codes_when_lookup_given():
    ast = op("in_province", var("a"), const("01"))
    assert ev(ast, {"a": "00004"}) is None
    assert ev(ast, {"a": "00004"}, commune_province={"00004": "01"}.get) is True
    assert ev(ast, {"a": {"commune_code": "00004"}}, commune_province={"00004": "01"}.get) is True
    assert ev(ast, {"a": "99999"}, commune_province={"00004": "01"}.get) is None


def test_in_commune_reads_addresses_and_codes():
    assert ev(op("in_commune", var("a"), const("00004")), {"a": {"province_code": "01", "commune_code": "00004"}}) is True
    assert ev(op("in_commune", var("a"), const("00004")), {"a": "00007"}) is False
    assert ev(op("in_commune", var("a"), const("00004")), {"a": "01"}) is None


# --- arithmetic --------------------------------------------------------------------------------


@pytest.mark.parametrize(("ast", "expected"), [
    (op("add", const(1), const("2,5"), const(3)), 6.5),
    (op("sub", const(10), const(4)), 6),
    (op("mul", const("1,5"), const(2)), 3),
    (op("div", const(7), const(2)), 3.5),
    (op("div", const(6), const(3)), 2),
    (op("div", const(1), const(0)), None),
    (op("div", const(1), const("0,0")), None),
    (op("neg", const(5)), -5),
    (op("round", const(2.5)), 3),
    (op("round", const(2.675), const(2)), 2.68),
    (op("round", const(1234.5), const(-2)), 1200),
    (op("round", const(-2.5)), -3),
    (op("min", const(3), const(1), const(2)), 1),
    (op("max", const(3), const("4,5"), const(None)), 4.5),
    (op("min", const([])), None),
    (op("max", const(["2025-01-01", "2024-12-31"])), date(2025, 1, 1)),
    (op("sum", const([1, "2,5", None, "x"])), 3.5),
    (op("sum", const(None)), 0),
    (op("count", const([1, 2, 3])), 3),
    (op("count", const(None)), 0),
    (op("count", const("abc")), None),
    (op("add", const(1), const(None)), None),
    (op("add", const(1), const("abc")), None),
    (op("add", const(True), const(1)), None),
    (op("mul", const(1e308), const(10)), None),
    (op("mul", const(2**200), const(2**200)), float(2**400)),
    (op("mul", const(2**1000), const(2**1000)), None),
])
def test_arithmetic_propagates_null_when_operand_unreadable(ast, expected):
    result = ev(ast)
    assert result == expected
    assert type(result) is type(expected)


def test_sum_and_count_read_block_columns():
    fields = {"people": FieldInfo("people", "rows"), "age": FieldInfo("age", "number", parent="people")}
    values = {"people": [{"age": "30"}, {"age": 12.5}, {"name": "x"}, "junk"]}
    assert ev(op("sum", var("age")), values, fields) == 42.5
    assert ev(op("count", var("age")), values, fields) == 2  # cells with a value
    assert ev(op("count", var("people")), values) == 4
    assert ev(op("count", var("people")), {"people": []}) == 0


# --- dates -------------------------------------------------------------------------------------


def test_today_comes_from_the_call_when_evaluated():
    assert ev(op("today")) == TODAY
    assert evaluate_expression(op("today"), {}, today=date(2000, 1, 1)) == date(2000, 1, 1)


@pytest.mark.parametrize(("unit", "a", "b", "expected"), [
    ("days", "2025-06-01", "2025-07-01", 30),
    ("days", "2025-07-01", "2025-06-01", -30),
    ("months", "2025-01-31", "2025-02-28", 0),
    ("months", "2025-01-15", "2025-03-15", 2),
    ("months", "2025-03-15", "2025-01-16", -1),
    ("years", "2007-07-01", "2025-07-01", 18),
    ("years", "2007-07-02", "2025-07-01", 17),
    ("years", "2008-02-29", "2025-02-28", 16),
    ("years", "2025-07-01", "2007-07-02", -17),
])
def test_date_diff_counts_whole_units_from_a_to_b(unit, a, b, expected):
    assert ev(op("date_diff", const(a), const(b), unit=unit)) == expected


def test_date_diff_is_unknown_when_date_unreadable_or_unit_unknown():
    assert ev(op("date_diff", const("2025-13-01"), const("2025-01-01"), unit="days")) is None
    assert ev(op("date_diff", const("2025-01-01"), const("2025-01-02"), unit="weeks")) is None


def test_age_condition_uses_today_when_birth_date_given():
    adult = op("gte", op("date_diff", var("dob"), op("today"), unit="years"), const(18))
    assert ev(adult, {"dob": "2007-07-01"}) is True
    assert ev(adult, {"dob": "2007-07-02"}) is False
    assert ev(adult, {}) is None


def test_add_days_moves_a_date():
    assert ev(op("add_days", const("2025-07-01"), const(30))) == date(2025, 7, 31)
    assert ev(op("add_days", const("2025-07-01"), const("1,5"))) is None
    assert ev(op("add_days", const("9999-12-31"), const(1))) is None


# --- calculated fields -------------------------------------------------------------------------


def test_if_takes_else_branch_when_condition_unknown():
    ast = op("if", op("gt", var("a"), const(1)), const("big"), const("small"))
    assert ev(ast, {"a": 2}) == "big"
    assert ev(ast, {"a": 0}) == "small"
    assert ev(ast, {}) == "small"


def test_concat_reads_null_as_empty_text():
    assert ev(op("concat", const("Ông "), var("name"), const(" – "), const(3), var("missing")), {"name": "An"}) == "Ông An – 3"


# --- value types -------------------------------------------------------------------------------


def test_values_are_read_by_field_type_when_fields_given():
    fields = {"n": FieldInfo("n", "number"), "b": FieldInfo("b", "boolean"), "d": FieldInfo("d", "date")}
    assert ev(op("eq", var("n"), var("n2")), {"n": "12,5", "n2": 12.5}, fields=fields) is True
    assert ev(op("eq", var("b"), const(True)), {"b": "true"}, fields=fields) is True
    assert ev(op("lt", var("d"), const("2026-01-01")), {"d": "2025-07-01"}, fields=fields) is True


def test_evaluation_never_raises_when_values_are_hostile():
    ast = op("and", op("gt", op("mul", var("a"), var("a")), const(1)), op("contains", var("b"), var("a")))
    for value in [2**1000, 10**4000, float("inf"), -float("inf"), object(), {"x": [1]}, b"x", "1e999"]:
        assert ev(ast, {"a": value, "b": value}) in (None, False, True)


# --- programs ----------------------------------------------------------------------------------


def section_program():
    fields = {
        "age": FieldInfo("age", "number"),
        "married": FieldInfo("married", "boolean"),
        "spouse_section": FieldInfo("spouse_section", "none"),
        "spouse_name": FieldInfo("spouse_name", "text", parent="spouse_section"),
        "spouse_age": FieldInfo("spouse_age", "number", parent="spouse_section"),
        "total_age": FieldInfo("total_age", "number", is_calculated=True),
        "note": FieldInfo("note", "text"),
    }
    items = [
        LogicItem("spouse_section", "visibility", op("eq", var("married"), const(True))),
        LogicItem("total_age", "calculated", op("add", var("age"), op("if", op("not_empty", var("spouse_age")), var("spouse_age"), const(0)))),
        LogicItem("note", "visibility", op("gt", var("total_age"), const(60))),
        LogicItem("minor", "ineligibility", op("lt", var("age"), const(18)), payload="Người nộp phải đủ 18 tuổi."),
        LogicItem("to_hanoi", "routing", op("not_empty", var("spouse_name")), payload="group-a"),
    ]
    return compile_program(items, fields=fields)


def test_program_hides_section_children_when_section_hidden():
    result = section_program().evaluate({"age": 40, "married": False, "spouse_name": "B", "spouse_age": 50}, today=TODAY)
    assert {"spouse_section", "spouse_name", "spouse_age"} <= result.hidden
    assert "age" in result.visible and not result.is_visible("spouse_name")


def test_program_ignores_hidden_field_values_when_computing():
    result = section_program().evaluate({"age": 40, "married": False, "spouse_name": "B", "spouse_age": 50}, today=TODAY)
    assert result.calculated == {"total_age": 40}
    assert "note" in result.hidden
    assert result.routes == ()


def test_program_feeds_calculated_values_to_conditions_when_visible():
    result = section_program().evaluate({"age": "40", "married": "true", "spouse_name": "B", "spouse_age": "25,5"}, today=TODAY)
    assert result.calculated == {"total_age": 65.5}
    assert "note" in result.visible
    assert result.routes == (("to_hanoi", "group-a"),)
    assert result.ineligible == ()


def test_program_reports_ineligibility_message_when_rule_holds():
    result = section_program().evaluate({"age": 17}, today=TODAY)
    assert result.ineligible == (("minor", "Người nộp phải đủ 18 tuổi."),)


def test_program_never_raises_when_values_not_a_mapping():
    result = section_program().evaluate(["not", "a", "dict"], today=TODAY)
    assert "spouse_section" in result.hidden


def test_program_evaluates_each_shared_node_once_per_call():
    calls = []

    def lookup(code):
        calls.append(code)
        return "01"

    shared = op("in_province", var("commune"), const("01"))
    items = [LogicItem(f"f{i}", "visibility", op("and", shared, op("eq", var("x"), const(i)))) for i in range(5)]
    items.append(LogicItem("r", "routing", op("or", shared, const(False))))
    program = compile_program(items, fields={"commune": FieldInfo("commune", "commune")}, commune_province=lookup)
    program.evaluate({"commune": "00004", "x": 1}, today=TODAY)
    assert calls == ["00004"]
    program.evaluate({"commune": "00004", "x": 1}, today=TODAY)
    assert calls == ["00004", "00004"]


def test_program_orders_calculated_fields_by_dependency_when_declared_backwards():
    fields = {n: FieldInfo(n, "number", is_calculated=n != "a") for n in "abc"}
    items = [
        LogicItem("c", "calculated", op("mul", var("b"), const(2))),
        LogicItem("b", "calculated", op("add", var("a"), const(1))),
    ]
    assert compile_program(items, fields=fields).evaluate({"a": 1}, today=TODAY).calculated == {"c": 4, "b": 2}


def test_program_returns_dates_as_iso_text_when_calculated():
    items = [LogicItem("due", "calculated", op("add_days", op("today"), const(15)))]
    assert compile_program(items).evaluate({}, today=TODAY).calculated == {"due": "2025-07-16"}
