"""Evaluation of a revision's logic: visibility, calculated fields, ineligibility and routing.

Entry points:
- `compile_program(items, *, fields=None, commune_province=None) -> Program`, once per revision
  (cache the Program with the revision: it holds no per-request state);
- `Program.evaluate(values, *, today) -> Evaluation`, once per request;
- `evaluate_expression(ast, values, *, today, fields=None)` for a single expression (tests,
  portal eligibility questions).

How a call runs: the expressions are compiled to closures; identical sub-expressions (anywhere
in the revision) are compiled once and memoised per call, so each node is evaluated at most once.
Steps run in dependency order (Kahn, `deps.step_graph`): a field's visibility after the fields its
condition reads, a calculated field after the fields its formula reads, rules last in effect.
A field is hidden when its condition is not true or its parent (section, block) is hidden, and a
hidden field reads as empty in every expression (its stored value is ignored, as the applicant
can neither see nor correct it); a hidden calculated field's value is None.

Value rules (never raise; see `values.py` for how stored JSON is read):
- SQL-like null propagation: an empty or unreadable operand (None, "", [], {}, text where a number
  is expected, NaN, overflow) makes comparisons, arithmetic and date operations unknown (None);
  and/or/not use three-valued logic (false and unknown = false; true or unknown = true; not
  unknown = unknown); a condition holds only when it is exactly true, so a condition on an empty
  field is false unless it tests emptiness (`empty`, `not_empty` always answer true or false);
- division by zero is None; `if` takes the else branch when its condition is unknown;
- aggregates skip empty entries like SQL: `min`/`max` of nothing is None, `sum` of nothing is 0,
  `count` of an empty block or list is 0; `concat` reads None as "";
- texts compare exactly; numbers compare with numbers (the text "12,5" equals 12.5), dates with
  dates (ISO text accepted); ordering (lt...) only between numbers or between dates;
- `in_province` reads an address's `province_code`, a province code, or a commune code through
  `commune_province` (code -> province code) when given; `in_commune` an address's
  `commune_code` or a commune code;
- `date_diff(unit, a, b)` is b - a in whole elapsed units, truncated toward zero (an age in
  years with a = birth date, b = today); `today` comes from the call, never the clock.

Block columns: `{"var": "b.c"}` is the list of column `c` over the rows of block `b`; column
conditions and formulas are evaluated once for the form, not per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Iterable, Mapping

from . import values as v
from .ast import Const, Node, Op, Var, parse, thaw
from .deps import hideable_fields, step_graph, topological_order
from .types import CALCULATED, INELIGIBILITY, OPS, ROUTING, VISIBILITY, FieldInfo, LogicItem

_MISSING = object()
MAX_CONCAT = 10_000
MAX_ADD_DAYS = 1_000_000

Fn = Callable[["_Context"], Any]


class _Context:
    __slots__ = ("values", "today", "cache", "hidden", "calc")

    def __init__(self, values, today, size):
        self.values = values
        self.today = today
        self.cache = [_MISSING] * size
        self.hidden: set[str] = set()
        self.calc: dict[str, Any] = {}


@dataclass(frozen=True)
class Evaluation:
    """The outcome of one evaluation."""

    hidden: frozenset[str]
    """Fields hidden by their condition or their parent's."""
    visible: frozenset[str]
    """Known fields (from `fields` and visibility items) that are not hidden."""
    calculated: dict[str, Any]
    """Calculated field -> value as JSON (dates as ISO text; None when hidden or unknown)."""
    ineligible: tuple[tuple[str, Any], ...]
    """(rule id, payload) of each ineligibility rule that holds, in the revision's order."""
    routes: tuple[tuple[str, Any], ...]
    """(rule id, payload) of each routing rule that holds, in the revision's order."""

    def is_visible(self, stable_id: str) -> bool:
        return stable_id not in self.hidden


class Program:
    """A revision's compiled logic. Immutable; safe to share between threads and requests."""

    def __init__(self, steps, cache_size, known_fields, calculated):
        self._steps = steps
        self._cache_size = cache_size
        self._known = known_fields
        self._calculated = calculated

    def evaluate(self, values: Mapping[str, Any], *, today: date) -> Evaluation:
        """Evaluates everything against the stored `values` (keyed by stable id). Never raises
        on the values' content."""
        if not isinstance(values, Mapping):
            values = {}
        ctx = _Context(values, today, self._cache_size)
        hidden, calc = ctx.hidden, ctx.calc
        ineligible, routes = [], []
        for kind, owner, fn, parent, payload in self._steps:
            if kind == 0:  # visibility
                if parent is not None and parent in hidden:
                    hidden.add(owner)
                elif fn is not None and _run(fn, ctx) is not True:
                    hidden.add(owner)
            elif kind == 1:  # calculated
                calc[owner] = _run(fn, ctx)
            elif _run(fn, ctx) is True:
                (ineligible if kind == 2 else routes).append((owner, payload))
        calculated = {name: None if name in hidden else _to_json(calc.get(name)) for name in self._calculated}
        frozen_hidden = frozenset(hidden)
        return Evaluation(
            hidden=frozen_hidden,
            visible=self._known - frozen_hidden,
            calculated=calculated,
            ineligible=tuple(ineligible),
            routes=tuple(routes),
        )


def _run(fn: Fn, ctx: _Context) -> Any:
    try:
        return fn(ctx)
    except Exception:  # safety net: the operators are written not to raise
        return None


def _to_json(value: Any) -> Any:
    """A calculated value as JSON: dates as ISO text, finite numbers only, else None."""
    try:
        return _json_value(value)
    except RecursionError:
        return None


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool)):
        return value
    if type(value) is int or type(value) is float:
        return v.number_result(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(x) for x in value]
    if isinstance(value, Mapping):
        return {str(k): _json_value(x) for k, x in value.items()}
    return None


def compile_program(
    items: Iterable[LogicItem],
    *,
    fields: Mapping[str, FieldInfo] | None = None,
    commune_province: Callable[[str], str | None] | None = None,
) -> Program:
    """Compiles a revision's expressions. `items` are its visibility conditions, formulas and
    rules (`LogicItem`); `fields` gives value types (used to read stored values) and parents
    (sections, blocks). Raises `ast.ParseError` on malformed JSON and `deps.CycleError` on cycles
    (both are refused earlier by `validate_program`); unknown operators evaluate to None."""
    items = list(items)
    fields = dict(fields or {})
    parents = {name: info.parent for name, info in fields.items()}
    nodes = [parse(item.ast) for item in items]
    compiled_items = [
        LogicItem(owner=item.owner, usage=item.usage, ast=node, payload=item.payload)
        for item, node in zip(items, nodes)
    ]
    visibility_owners = {item.owner for item in items if item.usage == VISIBILITY}
    calculated = tuple(dict.fromkeys(item.owner for item in items if item.usage == CALCULATED))
    hideable = hideable_fields(visibility_owners, parents)
    order = topological_order(step_graph(compiled_items, parents))

    compiler = _Compiler(fields, hideable, frozenset(calculated), commune_province)
    compiler.intern_all(nodes)
    fns = [compiler.compile(node) for node in nodes]

    conditions: dict[str, list[Fn]] = {}
    formulas: dict[str, list[Fn]] = {}
    for item, fn in zip(items, fns):
        if item.usage == VISIBILITY:
            conditions.setdefault(item.owner, []).append(fn)
        elif item.usage == CALCULATED:
            formulas.setdefault(item.owner, []).append(fn)
    steps = []
    for key in order:
        kind, _sep, name = key.partition(":")
        if kind == "visible":
            parent = parents.get(name)
            steps.append((0, name, _all(conditions.get(name)), parent if parent in hideable else None, None))
        elif kind == "value":
            steps.append((1, name, formulas[name][-1], None, None))
        else:
            item = items[int(name)]
            if item.usage in (INELIGIBILITY, ROUTING):
                steps.append((2 if item.usage == INELIGIBILITY else 3, item.owner, fns[int(name)], None, item.payload))
    known = frozenset(fields) | frozenset(visibility_owners)
    return Program(tuple(steps), compiler.cache_size, known, calculated)


def _all(fns: list[Fn] | None) -> Fn | None:
    if not fns:
        return None
    if len(fns) == 1:
        return fns[0]
    return _op_and(fns, None)


def evaluate_expression(
    ast: Any, values: Mapping[str, Any], *, today: date, fields: Mapping[str, FieldInfo] | None = None,
    commune_province: Callable[[str], str | None] | None = None,
) -> Any:
    """The value of one expression against `values` (no visibility applied)."""
    fields = dict(fields or {})
    node = parse(ast)
    compiler = _Compiler(fields, frozenset(), frozenset(), commune_province)
    compiler.intern_all([node])
    fn = compiler.compile(node)
    return _run(fn, _Context(values if isinstance(values, Mapping) else {}, today, compiler.cache_size))


# --- Compilation -------------------------------------------------------------------------------


class _Compiler:
    """Interns structurally equal nodes (hash-consing), then builds one closure per distinct node;
    closures of nodes used more than once read and fill a per-call cache slot."""

    def __init__(self, fields, hideable, calculated, commune_province):
        self.fields = fields
        self.hideable = hideable
        self.calculated = calculated
        self.commune_province = commune_province
        self.ids: dict[Any, int] = {}  # structural key -> id
        self.node_ids: dict[int, int] = {}  # id(node object) -> id, for this compilation
        self.children: list[tuple[int, ...]] = []
        self.uses: list[int] = []
        self.fns: dict[int, Fn] = {}
        self.slots: dict[int, int] = {}
        self.cache_size = 0
        self._keep = []  # keeps interned node objects alive so id() stays unique

    def intern_all(self, roots: list[Node]) -> None:
        for root in roots:
            self.uses[self._intern(root)] += 1

    def _intern(self, node: Node) -> int:
        known = self.node_ids.get(id(node))
        if known is not None:
            return known
        if isinstance(node, Var):
            key = ("v", node.name)
            child_ids: tuple[int, ...] = ()
        elif isinstance(node, Const):
            key = ("c", _const_key(node.value))
            child_ids = ()
        else:
            child_ids = tuple(self._intern(arg) for arg in node.args)
            key = ("o", node.name, _const_key(node.extras), child_ids)
        index = self.ids.get(key)
        if index is None:
            index = self.ids[key] = len(self.children)
            self.children.append(child_ids)
            self.uses.append(0)
            for child in child_ids:
                self.uses[child] += 1
        self.node_ids[id(node)] = index
        self._keep.append(node)
        return index

    def compile(self, node: Node) -> Fn:
        index = self.node_ids[id(node)]
        fn = self.fns.get(index)
        if fn is not None:
            return fn
        if isinstance(node, Var):
            fn = self._var(node.name)
        elif isinstance(node, Const):
            fn = _constant(_const_value(node.value))
        else:
            fn = self._op(node)
        if self.uses[index] > 1 and not isinstance(node, Const):
            slot = self.cache_size
            self.cache_size += 1
            fn = _memo(fn, slot)
        self.fns[index] = fn
        return fn

    def _var(self, name: str) -> Fn:
        if "." in name and name not in self.fields:
            return self._column(name)
        info = self.fields.get(name)
        read = v.normaliser(info.value_type if info else None)
        hideable = name in self.hideable
        calculated = name in self.calculated
        if calculated:
            def var(ctx):
                if hideable and name in ctx.hidden:
                    return None
                value = ctx.calc.get(name)
                return None if v.is_empty(value) else value
        elif hideable:
            def var(ctx):
                if name in ctx.hidden:
                    return None
                return read(ctx.values.get(name))
        else:
            def var(ctx):
                return read(ctx.values.get(name))
        return var

    def _column(self, name: str) -> Fn:
        block, column = name.split(".", 1)
        info = self.fields.get(column)
        read = v.normaliser(info.value_type if info else None)
        hidden_names = [n for n in (block, column) if n in self.hideable]

        def var(ctx):
            for n in hidden_names:
                if n in ctx.hidden:
                    return None
            rows = ctx.values.get(block)
            if not isinstance(rows, (list, tuple)):
                return None
            return [read(row.get(column)) for row in rows if isinstance(row, dict)]
        return var

    def _op(self, node: Op) -> Fn:
        arity = OPS.get(node.name)
        builder = _BUILDERS.get(node.name)
        if arity is None or builder is None:
            return _constant(None)
        low, high = arity
        if len(node.args) < low or (high is not None and len(node.args) > high):
            return _constant(None)
        args = [self.compile(arg) for arg in node.args]
        return builder(args, node, self)


def _const_key(value: Any) -> Any:
    """A hashable key distinguishing 1, 1.0 and True, lists and objects."""
    if isinstance(value, tuple):
        return ("l", tuple(_const_key(x) for x in value))
    if isinstance(value, Mapping):
        return ("d", tuple(sorted((k, _const_key(x)) for k, x in value.items())))
    return (type(value).__name__, value)


def _const_value(value: Any) -> Any:
    value = thaw(value)
    return None if v.is_empty(value) else value


def _constant(value: Any) -> Fn:
    def const(ctx):
        return value
    return const


def _memo(fn: Fn, slot: int) -> Fn:
    def memo(ctx):
        cache = ctx.cache
        value = cache[slot]
        if value is _MISSING:
            value = cache[slot] = fn(ctx)
        return value
    return memo


# --- Operators ---------------------------------------------------------------------------------


def _op_and(args, node, compiler=None):
    def op_and(ctx):
        unknown = False
        for arg in args:
            value = arg(ctx)
            if value is False:
                return False
            if value is not True:
                unknown = True
        return None if unknown else True
    return op_and


def _op_or(args, node, compiler=None):
    def op_or(ctx):
        unknown = False
        for arg in args:
            value = arg(ctx)
            if value is True:
                return True
            if value is not False:
                unknown = True
        return None if unknown else False
    return op_or


def _op_not(args, node, compiler):
    (a,) = args

    def op_not(ctx):
        value = a(ctx)
        if value is True:
            return False
        if value is False:
            return True
        return None
    return op_not


def _comparison(test):
    def build(args, node, compiler):
        a, b = args

        def op(ctx):
            result = v.compare(a(ctx), b(ctx))
            return None if result is None else test(result)
        return op
    return build


def _op_eq(args, node, compiler):
    a, b = args

    def op_eq(ctx):
        return v.equals(a(ctx), b(ctx))
    return op_eq


def _op_ne(args, node, compiler):
    a, b = args

    def op_ne(ctx):
        result = v.equals(a(ctx), b(ctx))
        return None if result is None else not result
    return op_ne


def _op_in(args, node, compiler):
    a, b = args

    def op_in(ctx):
        value, choices = a(ctx), b(ctx)
        if value is None or not isinstance(choices, (list, tuple)):
            return None
        wanted = value if isinstance(value, (list, tuple)) else (value,)
        return any(v.equals(x, y) is True for x in wanted for y in choices)
    return op_in


def _op_contains(args, node, compiler):
    a, b = args

    def op_contains(ctx):
        haystack, needle = a(ctx), b(ctx)
        if haystack is None or needle is None:
            return None
        if isinstance(haystack, (list, tuple)):
            return any(v.equals(x, needle) is True for x in haystack)
        if isinstance(haystack, str):
            if type(needle) is int or type(needle) is float:
                needle = str(needle)
            if isinstance(needle, str):
                return needle.casefold() in haystack.casefold()
        return None
    return op_contains


def _op_empty(args, node, compiler):
    (a,) = args

    def op_empty(ctx):
        return v.is_empty(a(ctx))
    return op_empty


def _op_not_empty(args, node, compiler):
    (a,) = args

    def op_not_empty(ctx):
        return not v.is_empty(a(ctx))
    return op_not_empty


def _code(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) else None


def _op_in_province(args, node, compiler):
    a, b = args
    lookup = compiler.commune_province

    def province_of(value):
        if isinstance(value, Mapping):
            province = _code(value.get("province_code"))
            if province:
                return province
            value = value.get("commune_code")
        code = _code(value)
        if code is None:
            return None
        if len(code) == 2:
            return code
        if len(code) == 5 and lookup is not None:
            try:
                return _code(lookup(code))
            except Exception:
                return None
        return None

    def op_in_province(ctx):
        province, wanted = province_of(a(ctx)), _code(b(ctx))
        if province is None or not wanted:
            return None
        return province == wanted
    return op_in_province


def _op_in_commune(args, node, compiler):
    a, b = args

    def op_in_commune(ctx):
        value, wanted = a(ctx), _code(b(ctx))
        if isinstance(value, Mapping):
            value = value.get("commune_code")
        code = _code(value)
        if not code or len(code) != 5 or not wanted:
            return None
        return code == wanted
    return op_in_commune


def _numbers(args, ctx):
    out = []
    for arg in args:
        number = v.to_number(arg(ctx))
        if number is None:
            return None
        out.append(number)
    return out


def _op_add(args, node, compiler):
    def op_add(ctx):
        numbers = _numbers(args, ctx)
        return None if numbers is None else v.number_result(sum(numbers))
    return op_add


def _op_mul(args, node, compiler):
    def op_mul(ctx):
        numbers = _numbers(args, ctx)
        if numbers is None:
            return None
        result = 1
        for number in numbers:
            result = v.number_result(result * number)
            if result is None:
                return None
        return result
    return op_mul


def _op_sub(args, node, compiler):
    def op_sub(ctx):
        numbers = _numbers(args, ctx)
        return None if numbers is None else v.number_result(numbers[0] - numbers[1])
    return op_sub


def _op_div(args, node, compiler):
    def op_div(ctx):
        numbers = _numbers(args, ctx)
        if numbers is None or numbers[1] == 0:
            return None
        return v.number_result(numbers[0] / numbers[1])
    return op_div


def _op_neg(args, node, compiler):
    def op_neg(ctx):
        numbers = _numbers(args, ctx)
        return None if numbers is None else v.number_result(-numbers[0])
    return op_neg


def _op_round(args, node, compiler):
    def op_round(ctx):
        numbers = _numbers(args, ctx)
        if numbers is None:
            return None
        digits = numbers[1] if len(numbers) > 1 else 0
        if digits != int(digits) or not -15 <= digits <= 15:
            return None
        digits = int(digits)
        try:
            rounded = Decimal(repr(numbers[0])).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        except Exception:  # decimal.InvalidOperation on numbers beyond the context precision
            return None
        return v.number_result(int(rounded) if digits <= 0 else float(rounded))
    return op_round


def _items(args, ctx):
    if len(args) == 1:
        value = args[0](ctx)
        if isinstance(value, (list, tuple)):
            return [x for x in value if x is not None]
        return [] if value is None else [value]
    return [x for x in (arg(ctx) for arg in args) if x is not None]


def _extreme(pick):
    def build(args, node, compiler):
        def op(ctx):
            items = _items(args, ctx)
            if not items:
                return None
            numbers = [v.to_number(x) for x in items]
            if None not in numbers:
                return pick(numbers)
            temporals = [v.to_temporal(x) for x in items]
            if None in temporals:
                return None
            if len({type(t) is datetime for t in temporals}) > 1:
                temporals = [t.date() if isinstance(t, datetime) else t for t in temporals]
            try:
                return pick(temporals)
            except TypeError:
                return None
        return op
    return build


def _op_sum(args, node, compiler):
    (a,) = args

    def op_sum(ctx):
        value = a(ctx)
        items = value if isinstance(value, (list, tuple)) else ([] if value is None else [value])
        total = 0
        for item in items:
            number = v.to_number(item)
            if number is not None:
                total = v.number_result(total + number)
                if total is None:
                    return None
        return total
    return op_sum


def _op_count(args, node, compiler):
    (a,) = args

    def op_count(ctx):
        value = a(ctx)
        if value is None:
            return 0
        if isinstance(value, (list, tuple)):
            return len(value)
        return None
    return op_count


def _op_today(args, node, compiler):
    def op_today(ctx):
        today = ctx.today
        if isinstance(today, datetime):
            return today.date()
        return today if isinstance(today, date) else None
    return op_today


def _months_between(a: date, b: date) -> int:
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if months > 0 and b.day < a.day:
        months -= 1
    elif months < 0 and b.day > a.day:
        months += 1
    return months


def _op_date_diff(args, node, compiler):
    a, b = args
    unit = node.extra("unit")

    def op_date_diff(ctx):
        start, end = v.to_date(a(ctx)), v.to_date(b(ctx))
        if start is None or end is None:
            return None
        if unit == "days":
            return (end - start).days
        if unit == "months":
            return _months_between(start, end)
        if unit == "years":
            months = _months_between(start, end)
            return months // 12 if months >= 0 else -((-months) // 12)
        return None
    return op_date_diff


def _op_add_days(args, node, compiler):
    a, b = args

    def op_add_days(ctx):
        start, days = v.to_temporal(a(ctx)), v.to_number(b(ctx))
        if start is None or days is None or days != int(days) or abs(days) > MAX_ADD_DAYS:
            return None
        try:
            return start + timedelta(days=int(days))
        except OverflowError:
            return None
    return op_add_days


def _op_if(args, node, compiler):
    condition, then, otherwise = args

    def op_if(ctx):
        return then(ctx) if condition(ctx) is True else otherwise(ctx)
    return op_if


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(x) for x in value)
    if type(value) is int or type(value) is float:
        return repr(value)
    return ""


def _op_concat(args, node, compiler):
    def op_concat(ctx):
        parts = []
        length = 0
        for arg in args:
            part = _text(arg(ctx))
            length += len(part)
            if length > MAX_CONCAT:
                return None
            parts.append(part)
        return "".join(parts)
    return op_concat


_BUILDERS = {
    "and": _op_and, "or": _op_or, "not": _op_not,
    "eq": _op_eq, "ne": _op_ne,
    "lt": _comparison(lambda r: r < 0), "lte": _comparison(lambda r: r <= 0),
    "gt": _comparison(lambda r: r > 0), "gte": _comparison(lambda r: r >= 0),
    "in": _op_in, "contains": _op_contains, "empty": _op_empty, "not_empty": _op_not_empty,
    "in_province": _op_in_province, "in_commune": _op_in_commune,
    "add": _op_add, "sub": _op_sub, "mul": _op_mul, "div": _op_div, "neg": _op_neg, "round": _op_round,
    "min": _extreme(min), "max": _extreme(max), "sum": _op_sum, "count": _op_count,
    "today": _op_today, "date_diff": _op_date_diff, "add_days": _op_add_days,
    "if": _op_if, "concat": _op_concat,
}
