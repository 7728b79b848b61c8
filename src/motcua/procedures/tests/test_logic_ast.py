"""Parsing and serialising logic expressions (no database)."""

import dataclasses

import pytest

from motcua.procedures.logic import MAX_DEPTH, MAX_NODES, Const, Op, ParseError, Var, parse


def eq(var, value):
    return {"op": "eq", "args": [{"var": var}, {"const": value}]}


def test_parse_builds_typed_nodes_when_expression_is_nested():
    node = parse({"op": "and", "args": [eq("a", "x"), {"op": "not", "args": [eq("b", 2)]}]})
    assert isinstance(node, Op) and node.name == "and"
    assert node.args[0] == Op("eq", (Var("a"), Const("x")))
    assert node.args[1].args[0].args[1] == Const(2)


@pytest.mark.parametrize("expression", [
    eq("a", "x"),
    {"op": "and", "args": [eq("a", 1), eq("b", 1.5), eq("c", True), eq("d", None)]},
    {"op": "in", "args": [{"var": "kind"}, {"const": ["a", "b"]}]},
    {"op": "eq", "args": [{"var": "addr"}, {"const": {"province_code": "01", "nested": [1, {"x": None}]}}]},
    {"op": "date_diff", "unit": "years", "args": [{"var": "dob"}, {"op": "today", "args": []}]},
    {"op": "count", "args": [{"var": "block.column"}]},
])
def test_to_json_returns_the_input_when_parsed(expression):
    assert parse(expression).to_json() == expression


def test_to_json_keeps_int_float_and_bool_apart_when_round_tripped():
    out = parse({"op": "and", "args": [eq("a", 1), eq("a", 1.0), eq("a", True)]}).to_json()
    values = [arg["args"][1]["const"] for arg in out["args"]]
    assert [type(x) for x in values] == [int, float, bool]


def test_nodes_are_immutable_when_constant_is_a_list():
    node = parse({"const": [1, {"a": [2]}]})
    assert node.value[0] == 1 and isinstance(node.value, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.value = 3
    with pytest.raises(TypeError):
        node.value[1]["a"] = 4
    assert node.to_json() == {"const": [1, {"a": [2]}]}


@pytest.mark.parametrize(("expression", "code", "path"), [
    ("text", "malformed_node", ""),
    ([], "malformed_node", ""),
    ({}, "malformed_node", ""),
    ({"var": "a", "const": 1}, "malformed_node", ""),
    ({"var": ""}, "bad_var", ""),
    ({"var": 3}, "bad_var", ""),
    ({"const": 1, "x": 2}, "malformed_node", ""),
    ({"const": float("nan")}, "bad_const", ""),
    ({"const": {1: "a"}}, "bad_const", ""),
    ({"op": 3, "args": []}, "bad_op", ""),
    ({"op": "today"}, "bad_args", ""),
    ({"op": "and", "args": {"a": 1}}, "bad_args", ""),
    ({"op": "and", "args": [eq("a", 1), {"op": "or", "args": [eq("b", 1), {"foo": 1}]}]}, "malformed_node", "args[1].args[1]"),
])
def test_parse_raises_with_code_and_path_when_node_is_malformed(expression, code, path):
    with pytest.raises(ParseError) as caught:
        parse(expression)
    assert caught.value.code == code
    assert caught.value.path == path
    assert caught.value.message  # translated text, never empty


def test_parse_refuses_expression_when_too_deep():
    node = eq("a", 1)
    for _ in range(MAX_DEPTH):
        node = {"op": "not", "args": [node]}
    with pytest.raises(ParseError) as caught:
        parse(node)
    assert caught.value.code == "too_deep"


def test_parse_refuses_expression_when_very_deep_without_recursion_error():
    node = {"const": 1}
    for _ in range(50_000):
        node = {"op": "not", "args": [node]}
    with pytest.raises(ParseError):
        parse(node)


def test_parse_refuses_expression_when_too_many_nodes():
    with pytest.raises(ParseError) as caught:
        parse({"op": "or", "args": [eq("a", i) for i in range(MAX_NODES)]})
    assert caught.value.code == "too_large"


def test_parse_refuses_constant_when_too_large():
    with pytest.raises(ParseError) as caught:
        parse({"const": list(range(MAX_NODES + 1))})
    assert caught.value.code == "too_large"


def test_parse_accepts_expression_when_at_depth_limit():
    node = {"var": "a"}
    for _ in range(MAX_DEPTH - 1):
        node = {"op": "not", "args": [node]}
    assert parse(node).to_json() == node
