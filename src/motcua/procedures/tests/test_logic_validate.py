"""Static validation of logic expressions (no database)."""

import pytest
from django.utils import translation

from motcua.procedures.logic import FieldInfo, LogicItem, find_cycles, validate_logic, validate_program

FIELDS = {
    f.stable_id: f for f in [
        FieldInfo("name", "text", label="Full name"),
        FieldInfo("age", "number"),
        FieldInfo("dob", "date"),
        FieldInfo("married", "boolean"),
        FieldInfo("kind", "choice", options=("a", "b")),
        FieldInfo("langs", "choices", options=("vi", "en")),
        FieldInfo("addr", "address"),
        FieldInfo("prov", "province"),
        FieldInfo("comm", "commune"),
        FieldInfo("photo", "file"),
        FieldInfo("header", "none"),
        FieldInfo("people", "rows"),
        FieldInfo("person_age", "number", parent="people"),
        FieldInfo("total", "number", is_calculated=True),
        FieldInfo("label", "text", is_calculated=True),
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


@pytest.mark.parametrize("ast", [
    op("eq", var("name"), const("x")),
    op("and", op("gte", var("age"), const(18)), op("not", op("empty", var("photo")))),
    op("gt", var("age"), const("12,5")),
    op("lt", var("dob"), const("2000-01-01")),
    op("gte", op("date_diff", var("dob"), op("today"), unit="years"), const(18)),
    op("eq", var("married"), const(True)),
    op("in", var("kind"), const(["a", "b"])),
    op("contains", var("langs"), const("vi")),
    op("in_province", var("addr"), const("01")),
    op("in_province", var("comm"), const("01")),
    op("in_commune", var("addr"), const("00004")),
    op("eq", var("prov"), const("79")),
    op("gt", op("sum", var("person_age")), const(100)),
    op("gt", op("count", var("people")), const(2)),
    op("or", op("contains", var("name"), const("Văn")), op("empty", var("addr"))),
])
def test_validate_logic_accepts_well_typed_condition(ast):
    assert codes(ast) == []


@pytest.mark.parametrize(("ast", "owner"), [
    (op("add", var("age"), op("mul", const(2), const("1,5"))), "total"),
    (op("round", op("div", var("age"), const(3)), const(2)), "total"),
    (op("if", op("gt", var("age"), const(1)), var("age"), const(None)), "total"),
    (op("max", var("person_age")), "total"),
    (op("concat", var("name"), const(" "), var("age")), "label"),
    (op("if", var("married"), const("yes"), var("kind")), "label"),
])
def test_validate_logic_accepts_formula_when_result_matches_field_type(ast, owner):
    assert codes(ast, usage="calculated", owner=owner) == []


@pytest.mark.parametrize(("ast", "code", "path"), [
    (op("eq", var("gone"), const(1)), "unknown_field", "args[0]"),
    (op("eq", var("header"), const(1)), "no_value", "args[0]"),
    (op("eq", var("later"), const("x")), "self_reference", "args[0]"),
    (op("frobnicate", var("age")), "unknown_op", ""),
    (op("not", const(True), const(False)), "wrong_arity", ""),
    (op("eq", var("age")), "wrong_arity", ""),
    (op("gt", var("dob"), const(3)), "incompatible_types", ""),
    (op("eq", var("dob"), var("age")), "incompatible_types", ""),
    (op("lt", var("dob"), const("not a date")), "bad_constant", "args[1]"),
    (op("gt", var("age"), const("abc")), "bad_constant", "args[1]"),
    (op("gt", op("add", var("name"), const(1)), const(3)), "type_mismatch", "args[0].args[0]"),
    (op("lt", var("name"), const("b")), "type_mismatch", "args[0]"),
    (op("in_province", var("age"), const("01")), "type_mismatch", "args[0]"),
    (op("in_commune", var("prov"), const("00004")), "type_mismatch", "args[0]"),
    (op("in_province", var("addr"), const("1")), "bad_code", "args[1]"),
    (op("in_province", var("addr"), var("prov")), "code_not_constant", "args[1]"),
    (op("eq", var("kind"), const("z")), "unknown_option", "args[1]"),
    (op("in", var("kind"), const(["a", "z"])), "unknown_option", "args[1]"),
    (op("contains", var("langs"), const("fr")), "unknown_option", "args[1]"),
    (op("eq", var("name"), const(None)), "null_comparison", ""),
    (op("eq", var("addr"), const("x")), "type_mismatch", ""),
    (op("and", var("age"), const(True)), "type_mismatch", "args[0]"),
    (op("date_diff", var("dob"), op("today")), "bad_unit", "unit"),
    (op("date_diff", var("dob"), op("today"), unit="weeks"), "bad_unit", "unit"),
    (op("eq", var("age"), const(1), extra=1), "unexpected_key", "extra"),
    (op("add", var("age"), const(1)), "wrong_result_type", ""),
    (var("married"), None, None),
    ({"op": "and"}, "bad_args", ""),
    ({"op": "and", "args": ["x"]}, "malformed_node", "args[0]"),
])
def test_validate_logic_reports_code_and_path_when_condition_wrong(ast, code, path):
    expected = [] if code is None else [(code, path)]
    assert codes(ast) == expected


def test_validate_logic_refuses_reference_to_later_field_when_visibility():
    ast = op("eq", var("later"), const("x"))
    assert codes(ast, owner="name") == [("later_field", "args[0]")]
    assert codes(ast, usage="ineligibility", owner=None) == []
    assert codes(ast, usage="routing", owner=None) == []


def test_validate_logic_refuses_formula_when_result_type_differs():
    assert codes(op("concat", var("name")), usage="calculated", owner="total") == [("wrong_result_type", "")]
    assert codes(op("gt", var("age"), const(1)), usage="calculated", owner="label") == [("wrong_result_type", "")]


def test_validate_logic_refuses_self_reference_when_formula():
    assert codes(op("add", var("total"), const(1)), usage="calculated", owner="total") == [("self_reference", "args[0]")]


def test_validate_logic_refuses_expression_when_too_deep():
    node = op("eq", var("age"), const(1))
    for _ in range(40):
        node = op("not", node)
    assert [c for c, _p in codes(node)] == ["too_deep"]


def test_validate_logic_reports_every_problem_when_several():
    ast = op("and", op("eq", var("gone"), const(1)), op("eq", var("kind"), const("z")), op("nope"))
    assert codes(ast) == [("unknown_field", "args[0].args[0]"), ("unknown_option", "args[1].args[1]"), ("unknown_op", "args[2]")]


def test_validate_logic_message_names_the_field_in_english():
    with translation.override("en"):
        [error] = validate_logic(op("eq", var("gone"), const(1)), fields=FIELDS, usage="routing", owner=None, order=ORDER)
        assert error.message == "The condition refers to a field that no longer exists: gone"
        assert error.field == "gone"


def test_find_cycles_lists_each_loop_in_dependency_order():
    formulas = {
        "a": op("add", var("b"), const(1)),
        "b": op("mul", var("c"), const(2)),
        "c": op("sub", var("a"), const(1)),
        "d": op("add", var("a"), var("d")),
        "e": op("neg", var("x")),
    }
    assert find_cycles(formulas) == [["a", "b", "c"], ["d"]]
    assert find_cycles({"a": op("neg", var("b")), "b": op("neg", var("x"))}) == []


def test_validate_program_reports_cycle_when_formulas_loop():
    fields = {n: FieldInfo(n, "number", is_calculated=True) for n in ("x", "y")}
    items = [LogicItem("x", "calculated", op("add", var("y"), const(1))), LogicItem("y", "calculated", op("add", var("x"), const(1)))]
    errors = validate_program(items, fields=fields, order={"x": 0, "y": 1})
    assert [(e.code, e.field) for e in errors] == [("cycle", "x")]


def test_validate_program_reports_cycle_when_visibility_depends_on_a_formula_reading_the_field():
    fields = {"x": FieldInfo("x", "number"), "y": FieldInfo("y", "number", is_calculated=True)}
    items = [LogicItem("y", "calculated", op("add", var("x"), const(1))), LogicItem("x", "visibility", op("gt", var("y"), const(1)))]
    errors = validate_program(items, fields=fields, order={"y": 0, "x": 1})
    assert [e.code for e in errors] == ["cycle"]


def test_validate_program_prefixes_paths_with_usage_and_owner():
    items = [LogicItem("r1", "ineligibility", op("eq", var("gone"), const(1)), payload="x")]
    [error] = validate_program(items, fields=FIELDS, order=ORDER)
    assert (error.code, error.path, error.field) == ("unknown_field", "ineligibility:r1:args[0]", "gone")
