"""Property tests of the logic language (hypothesis, no database)."""

import json
from datetime import date

from hypothesis import HealthCheck, given, settings, strategies as st

from motcua.procedures.logic import (
    OPS, FieldInfo, LogicItem, ParseError, compile_program, find_cycles, parse, validate_program,
)
from motcua.procedures.logic.evaluate import Evaluation

PROPERTY_SETTINGS = settings(max_examples=int(__import__("os").environ.get("LOGIC_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
    st.sampled_from(["12", "12,5", "1.234,5", "2025-07-01", "2025-07-01T08:00:00+07:00", "01/07/2025", "true", "01", "00004", "", " "]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children, max_size=4)),
    max_leaves=12,
)
# Values as stored, plus what a buggy client or a hostile one might send.
field_values = st.one_of(
    json_values,
    st.sampled_from([float("nan"), float("inf"), 10**5000, {"province_code": "01", "commune_code": "00004"}]),
    st.lists(st.dictionaries(st.sampled_from(["c0", "c1", "x"]), json_values, max_size=3), max_size=4),
)

VALUE_TYPES = ["text", "number", "date", "datetime", "boolean", "choice", "choices", "file", "geo", "rows", "address", "province", "commune", "none"]


def expressions(names: list[str]):
    """Syntactically well-formed expressions over `names` (operators with a valid arity, any
    operand types: the evaluator must cope with type errors too)."""
    leaves = st.one_of(
        st.builds(lambda n: {"var": n}, st.sampled_from(names)) if names else st.nothing(),
        st.builds(lambda v: {"const": v}, json_values),
    )

    def extend(children):
        def build(name, data):
            low, high = OPS[name]
            count = data.draw(st.integers(min_value=low, max_value=high if high is not None else low + 3))
            node = {"op": name, "args": [data.draw(children) for _ in range(count)]}
            if name == "date_diff":
                node["unit"] = data.draw(st.sampled_from(["days", "months", "years", "weeks"]))
            return node
        return st.builds(build, st.sampled_from(sorted(OPS)), st.data())

    return st.recursive(leaves, extend, max_leaves=10)


@st.composite
def programs(draw):
    count = draw(st.integers(min_value=1, max_value=8))
    fields = {}
    for i in range(count):
        value_type = draw(st.sampled_from(VALUE_TYPES))
        parent = draw(st.one_of(st.none(), st.sampled_from([f"f{j}" for j in range(i)]))) if i else None
        fields[f"f{i}"] = FieldInfo(f"f{i}", value_type, parent=parent)
    names = list(fields)
    items = []
    for i in range(count):
        earlier = [f"f{j}" for j in range(i)]
        usage = draw(st.sampled_from(["visibility", "calculated", None]))
        if usage and earlier:  # only earlier fields: no cycles by construction
            items.append(LogicItem(f"f{i}", usage, draw(expressions(earlier))))
    for r in range(draw(st.integers(min_value=0, max_value=3))):
        items.append(LogicItem(f"r{r}", draw(st.sampled_from(["ineligibility", "routing"])), draw(expressions(names)), payload=r))
    values = draw(st.dictionaries(st.sampled_from(names + ["other"]), field_values))
    return fields, items, values


@PROPERTY_SETTINGS
@given(programs(), st.one_of(st.dates(), st.none()))
def test_evaluation_never_raises_when_values_are_arbitrary(program, today):
    fields, items, values = program
    result = compile_program(items, fields=fields, commune_province={"00004": "01"}.get).evaluate(values, today=today)
    assert isinstance(result, Evaluation)
    assert result.hidden | result.visible >= set(fields)
    json.dumps(result.calculated, allow_nan=False)  # JSON-ready, finite numbers


@PROPERTY_SETTINGS
@given(expressions(["a", "b", "a.b"]))
def test_parse_then_to_json_is_identity_when_expression_well_formed(expression):
    assert parse(expression).to_json() == expression


@PROPERTY_SETTINGS
@given(json_values)
def test_parse_raises_only_parse_error_when_input_is_arbitrary_json(value):
    try:
        parse(value)
    except ParseError as error:
        assert error.code and error.message


@st.composite
def graphs_with_a_cycle(draw):
    """A random DAG over n calculated fields (edges to lower indices only), plus a planted cycle."""
    n = draw(st.integers(min_value=1, max_value=12))
    edges = {i: set(draw(st.lists(st.integers(min_value=0, max_value=i - 1), max_size=3))) if i else set() for i in range(n)}
    cycle = draw(st.lists(st.integers(min_value=0, max_value=n - 1), min_size=1, max_size=n, unique=True))
    for a, b in zip(cycle, cycle[1:] + cycle[:1]):
        edges[a].add(b)
    return edges, cycle


def formulas_of(edges):
    return {
        f"f{i}": {"op": "add", "args": [{"var": f"f{j}"} for j in sorted(targets)] + [{"const": 1}, {"const": 0}]}
        for i, targets in edges.items()
    }


@PROPERTY_SETTINGS
@given(graphs_with_a_cycle())
def test_validation_rejects_program_when_formulas_contain_a_cycle(graph):
    edges, planted = graph
    formulas = formulas_of(edges)
    cycles = find_cycles(formulas)
    assert cycles
    for cycle in cycles:  # every reported cycle is a real one
        for a, b in zip(cycle, cycle[1:] + cycle[:1]):
            assert int(b[1:]) in edges[int(a[1:])]
    assert any(set(c) & {f"f{i}" for i in planted} for c in cycles)
    fields = {name: FieldInfo(name, "number", is_calculated=True) for name in formulas}
    items = [LogicItem(name, "calculated", ast) for name, ast in formulas.items()]
    errors = validate_program(items, fields=fields, order={name: i for i, name in enumerate(fields)})
    # A self loop is reported as a self reference, longer loops as cycles.
    assert {e.code for e in errors} & {"cycle", "self_reference"}


@PROPERTY_SETTINGS
@given(st.integers(min_value=1, max_value=15), st.data())
def test_validation_accepts_program_when_formulas_form_a_dag(n, data):
    edges = {i: set(data.draw(st.lists(st.integers(min_value=0, max_value=i - 1), max_size=3))) if i else set() for i in range(n)}
    formulas = formulas_of(edges)
    assert find_cycles(formulas) == []
    fields = {name: FieldInfo(name, "number", is_calculated=True) for name in formulas}
    items = [LogicItem(name, "calculated", ast) for name, ast in formulas.items()]
    assert validate_program(items, fields=fields, order={}) == []
    result = compile_program(items, fields=fields).evaluate({}, today=date(2025, 7, 1))
    assert result.calculated["f0"] == 1
