"""The formula syntax of calculated fields: parsing text to the logic AST, printing it back,
and where parse errors point (no database)."""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from motcua.procedures.logic import OPS, parse
from motcua.procedures.logic.formula import (
    MAX_FORMULA_LENGTH, FormulaError, Unprintable, is_printable, parse_formula, text_at, to_text,
)

PROPERTY_SETTINGS = settings(max_examples=int(os.environ.get("LOGIC_EXAMPLES", "200")), deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


def var(name):
    return {"var": name}


def const(value):
    return {"const": value}


def op(name, *args, **extras):
    return {"op": name, "args": list(args), **extras}


def same(a, b) -> bool:
    """Identical JSON: 1 and 1.0, 1 and true are different constants."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@pytest.mark.parametrize(("text", "expected"), [
    ("{so_luong} * {don_gia} + 5000", op("add", op("mul", var("so_luong"), var("don_gia")), const(5000))),
    ("days_between({ngay_sinh}, today())", op("date_diff", var("ngay_sinh"), op("today"), unit="days")),
    ("if({a} > 3, 1, 0)", op("if", op("gt", var("a"), const(3)), const(1), const(0))),
    ("years_between({ngay_sinh}, today()) >= 18", op("gte", op("date_diff", var("ngay_sinh"), op("today"), unit="years"), const(18))),
    ("1 + 2 + 3", op("add", const(1), const(2), const(3))),
    ("(1 + 2) + 3", op("add", op("add", const(1), const(2)), const(3))),
    ("10 - 2 - 3", op("sub", op("sub", const(10), const(2)), const(3))),
    ("{a} - -2.5", op("sub", var("a"), const(-2.5))),
    ("-{a} * 2", op("mul", op("neg", var("a")), const(2))),
    ("-(5)", op("neg", const(5))),
    ("{a} / {b} * 100", op("mul", op("div", var("a"), var("b")), const(100))),
    ('{tinh} in ["01", "79"] or not {b}', op("or", op("in", var("tinh"), const(["01", "79"])), op("not", var("b")))),
    ("{a} = 1 and {b} != 2 and {c} <> 3", op("and", op("eq", var("a"), const(1)), op("ne", var("b"), const(2)), op("ne", var("c"), const(3)))),
    ('concat({ho}, " ", {ten})', op("concat", var("ho"), const(" "), var("ten"))),
    ("sum({amount}) + count({items})", op("add", op("sum", var("amount")), op("count", var("items")))),
    ("ROUND({a} / 3, 2)", op("round", op("div", var("a"), const(3)), const(2))),
    ("add_days({ngay_nop}, 15)", op("add_days", var("ngay_nop"), const(15))),
    ("not_empty({a}) and TRUE", op("and", op("not_empty", var("a")), const(True))),
    ("{ a }", var("a")),
    ('"xin \\"chào\\""', const('xin "chào"')),
    ("1.5e3", const(1500.0)),
])
def test_formulas_parse_to_the_logic_ast(text, expected):
    ast = parse_formula(text)

    assert same(ast, expected)
    assert parse(ast).to_json() == ast  # a well-formed AST of the logic language


@pytest.mark.parametrize(("ast", "text"), [
    (op("add", op("mul", var("so_luong"), var("don_gia")), const(5000)), "{so_luong} * {don_gia} + 5000"),
    (op("mul", op("add", var("a"), var("b")), const(2)), "({a} + {b}) * 2"),
    (op("sub", var("a"), op("add", var("b"), var("c"))), "{a} - ({b} + {c})"),
    (op("or", op("and", var("a"), var("b")), var("c")), "({a} and {b}) or {c}"),
    (op("not", op("or", var("a"), var("b"))), "not ({a} or {b})"),
    (op("eq", op("eq", var("a"), var("b")), const(False)), "({a} = {b}) = false"),
    (op("neg", const(-5)), "--5"),
    (op("date_diff", var("a"), var("b"), unit="months"), "months_between({a}, {b})"),
    (op("in", var("a"), const([1, "x", None, [True]])), '{a} in [1, "x", null, [true]]'),
])
def test_asts_print_as_readable_text(ast, text):
    assert to_text(ast) == text
    assert same(parse_formula(text), ast)


@pytest.mark.parametrize("ast", [
    op("unknown_op", var("a")),
    op("sub", const(1), const(2), const(3)),  # wrong arity
    op("and", var("a")),  # a single operand has no infix form
    op("date_diff", var("a"), var("b"), unit="weeks"),
    op("add", var("a"), const(1), precision=2),  # unknown extra key
    const({"an": "object"}),
    var("has space"),
    {"not": "a node"},
])
def test_asts_outside_the_syntax_are_unprintable(ast):
    assert not is_printable(ast)
    with pytest.raises(Unprintable):
        to_text(ast)


@pytest.mark.parametrize(("text", "code", "position"), [
    ("{a} + (1 * 2))", "unexpected", 14),
    ("{so_luong} * )", "unexpected", 14),
    ("{a} +", "unexpected_end", 6),
    ("round({a}, 2", "unclosed_bracket", 6),
    ("[1, 2", "unclosed_bracket", 1),
    ('concat("abc, {a})', "unclosed_text", 8),
    ("{a} + {b", "unclosed_field", 7),
    ("{so luong} + 1", "bad_field", 1),
    ("{a} + sqrt(4)", "unknown_function", 7),
    ("so_luong * 2", "unknown_name", 1),
    ("today + 1", "missing_call", 1),
    ("1 + round(1, 2, 3)", "wrong_arity", 5),
    ("max()", "too_few_arguments", 1),
    ("1 < {a} < 3", "chained_comparison", 9),
    ("{a} in [{b}]", "list_of_values", 9),
    ("{a} # 2", "unexpected_character", 5),
    ("   ", "empty", 1),
    ("9" * 400 + "e9999", "bad_number", 1),
    ("(" * 40 + "1" + ")" * 40, "too_deep", 33),
    ("1 " * (MAX_FORMULA_LENGTH // 2 + 1), "too_long", 1),
])
def test_parse_errors_say_where(text, code, position):
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)

    assert (caught.value.code, caught.value.position) == (code, position)
    assert str(position) in caught.value.message or code in ("empty", "too_long")


def test_parse_error_messages_are_translated(settings):
    from django.utils import translation

    with pytest.raises(FormulaError) as caught:
        parse_formula("{a} + (1 * 2))")
    with translation.override("en"):
        assert caught.value.message == "Unexpected “)” at character 14."
    with translation.override("vi"):
        assert "14" in caught.value.message


def test_text_at_shows_the_part_a_validation_error_points_at():
    ast = parse_formula('{a} * 2 + if({b}, "x", 1)')

    assert text_at(ast, "args[1]") == 'if({b}, "x", 1)'
    assert text_at(ast, "args[0].args[0]") == "{a}"
    assert text_at(ast, "") == '{a} * 2 + if({b}, "x", 1)'
    assert text_at(ast, "args[7]") is None


# --- Round trip on generated ASTs (hypothesis) ----------------------------------------------------

field_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
)
constants = st.one_of(scalars, st.lists(st.one_of(scalars, st.lists(scalars, max_size=2)), max_size=3))
leaves = st.one_of(st.builds(var, field_names), st.builds(const, constants))


def _extend(children):
    def build(name, data):
        low, high = OPS[name]
        if name in ("and", "or"):
            low = 2  # the infix form needs two operands
        count = data.draw(st.integers(min_value=low, max_value=high if high is not None else low + 2))
        node = {"op": name, "args": [data.draw(children) for _ in range(count)]}
        if name == "date_diff":
            node["unit"] = data.draw(st.sampled_from(["days", "months", "years"]))
        return node

    return st.builds(build, st.sampled_from(sorted(OPS)), st.data())


printable_asts = st.recursive(leaves, _extend, max_leaves=14)


@PROPERTY_SETTINGS
@given(printable_asts)
def test_printing_then_parsing_gives_the_same_ast(ast):
    text = to_text(ast)

    assert same(parse_formula(text), ast), text


@PROPERTY_SETTINGS
@given(st.text(alphabet='{}()[]",.+-*/=<>! abxy019_eE', max_size=30))
def test_any_text_parses_or_fails_with_a_position(text):
    try:
        ast = parse_formula(text)
    except FormulaError as error:
        assert 1 <= error.position <= len(text) + 1
        assert error.message
    else:
        assert same(parse_formula(to_text(ast)), ast)
