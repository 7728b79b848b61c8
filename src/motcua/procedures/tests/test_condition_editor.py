"""The condition editor (forms.ConditionForm): nested groups, editing actions without JavaScript,
and the round trip AST -> form -> AST for everything the editor can write (no database)."""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from motcua.procedures.forms import (
    CONDITION_OPS, MAX_GROUP_DEPTH, NO_VALUE_OPS, ConditionForm, ConditionGroup, ConditionRow, tree_ast,
)

from .factories import condition_post

PROPERTY_SETTINGS = settings(max_examples=int(os.environ.get("LOGIC_EXAMPLES", "150")), deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])

VALUE_TYPES = {"a": "number", "b": "boolean", "c": "text", "d": "date", "e": "choices"}
SOURCES = [(name, f"Field {name.upper()}") for name in VALUE_TYPES]


def editor(data=None, ast=None):
    return ConditionForm(data, sources=SOURCES, value_types=VALUE_TYPES, ast=ast)


def round_trip(ast):
    """AST -> the editor's page -> what the page posts -> AST."""
    shown = editor(ast=ast)
    assert not shown.json_mode, ast
    posted = editor(shown.posted_data())
    assert posted.is_valid(), posted.errors
    return posted.to_ast()


def same(a, b) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def row(field, op, value=None):
    return {"op": op, "args": [{"var": field}] + ([] if value is None else [{"const": value}])}


A_OR_B_AND_C = {"op": "or", "args": [row("a", "gt", 3), {"op": "and", "args": [row("b", "eq", True), row("c", "contains", "x")]}]}


@pytest.mark.parametrize("ast", [
    None,
    row("a", "eq", 12),
    row("c", "empty"),
    A_OR_B_AND_C,
    {"op": "not", "args": [{"op": "or", "args": [row("a", "lt", 1.5), row("d", "gte", "2025-01-01")]}]},  # none of
    {"op": "not", "args": [{"op": "and", "args": [row("a", "lt", 1), row("b", "eq", False)]}]},  # not all of
    {"op": "not", "args": [row("c", "not_empty")]},
    {"op": "and", "args": [row("a", "ne", 0), {"op": "or", "args": [row("b", "eq", True), {"op": "not", "args": [
        {"op": "or", "args": [row("c", "eq", "x"), {"op": "and", "args": [row("e", "contains", "y"), row("d", "empty")]}]}]}]}]},
])
def test_every_condition_the_editor_writes_comes_back_identical(ast):
    assert same(round_trip(ast), ast)


@pytest.mark.parametrize("ast", [
    {"op": "eq", "args": [{"var": "a"}, {"var": "c"}]},  # field against field
    row("gone", "eq", 1),  # a field the editor does not offer
    row("a", "eq", "12"),  # a text where the editor would write the number 12
    row("a", "eq", 12.0),  # the editor writes 12
    row("c", "eq", " padded "),
    {"op": "and", "args": [row("a", "eq", 1)]},  # a group of one has no shape of its own
    {"op": "in", "args": [{"var": "c"}, {"const": ["x", "y"]}]},
    {"op": "and", "args": [row("a", "eq", 1), {"op": "or", "args": [row("a", "eq", 2), {"op": "and", "args": [row("a", "eq", 3), {
        "op": "or", "args": [row("a", "eq", 4), {"op": "and", "args": [row("a", "eq", 5), row("a", "eq", 6)]}]}]}]}]},  # 5 levels
])
def test_conditions_the_editor_cannot_write_are_shown_as_json(ast):
    shown = editor(ast=ast)

    assert shown.json_mode
    assert json.loads(shown["json"].value()) == ast
    posted = editor(shown.posted_data())
    assert posted.is_valid()
    assert posted.to_ast() == ast  # saved unchanged when nothing is edited


def test_emptying_the_json_box_uses_the_editor_instead():
    data = {**condition_post(("all", [("a", "gt", "5")])), "condition-json": ""}

    form = editor(data)

    assert form.is_valid() and form.to_ast() == row("a", "gt", 5)


def test_invalid_json_is_kept_with_an_error():
    form = editor({**condition_post(("all", [])), "condition-json": "{oops"})

    assert form.is_valid() and form.to_ast() is None
    assert form.errors["json"] and form["json"].value() == "{oops"


def test_adding_a_group_keeps_everything_typed_and_focuses_the_new_group():
    data = {**condition_post(("any", [("a", "gt", "3"), ("all", [("b", "eq", "true")])])), "condition-action": "add_group:n"}

    form = editor(data)

    assert form.changed and not form.is_bound  # an editing step: nothing is validated yet
    layout = form.layout
    assert [item["kind"] for item in layout["items"]] == ["row", "group", "group"]
    assert form["n_0-value"].value() == "3" and form["n_1_0-field"].value() == "b" and form["n-mode"].value() == "any"
    assert form.fields["n_2-mode"].widget.attrs.get("autofocus")
    assert [item["kind"] for item in layout["items"][2]["items"]] == ["row"]


def test_removing_a_row_renumbers_the_rest_and_keeps_their_values():
    data = {**condition_post(("all", [("a", "gt", "1"), ("c", "eq", "second"), ("c", "eq", "third")])), "condition-action": "remove:n_1"}

    form = editor(data)

    assert [form[f"n_{i}-value"].value() for i in range(2)] == ["1", "third"]
    assert "n_2-field" not in form.fields
    assert form.layout["focus_add"]  # the focus goes to the group's "Add a test"


def test_groups_nest_up_to_the_limit():
    tree = ("all", [("all", [("all", [("all", [("a", "eq", "1")])])])])
    deepest = "n_0_0_0"

    form = editor({**condition_post(tree), "condition-action": f"add_group:{deepest}"})

    assert deepest.count("_") + 1 == MAX_GROUP_DEPTH
    assert f"{deepest}_1-mode" not in form.fields  # refused: one level too deep
    assert f"{deepest}_1-field" not in form.fields
    group = form.layout["items"][0]["items"][0]["items"][0]
    assert group["can_add_group"] is False


def test_a_row_without_its_value_gets_an_error_on_that_box():
    form = editor(condition_post(("any", [("a", "gt", "3"), ("all", [("c", "eq", "  ")])])))

    assert form.is_valid()
    assert form.to_ast() == row("a", "gt", 3)
    assert form.errors["n_1_0-value"]  # under the box left empty


# --- Round trip on generated trees (hypothesis) ---------------------------------------------------

values = st.one_of(
    st.text(alphabet="abcxyz019,.-é ", min_size=1, max_size=8).map(str.strip).filter(bool),
    st.sampled_from(["12", "12,5", "0.1", "-0", "1e20", "true", "false", "có", "2025-07-01", "1e999999", "NaN"]),
)
rows = st.builds(
    lambda field, op, value: ConditionRow(field, op, "" if op in NO_VALUE_OPS else value),
    st.sampled_from(list(VALUE_TYPES) + [""]), st.sampled_from([op for op, _label in CONDITION_OPS]), values,
)


def groups(depth=1):
    children = rows if depth >= MAX_GROUP_DEPTH else st.one_of(rows, rows, st.deferred(lambda: groups(depth + 1)))
    return st.builds(ConditionGroup, st.sampled_from(["all", "any", "none", "not_all"]), st.lists(children, max_size=3))


@PROPERTY_SETTINGS
@given(groups())
def test_what_the_editor_builds_round_trips_through_the_editor(tree):
    ast = tree_ast(tree, VALUE_TYPES)

    assert same(round_trip(ast), ast)
