"""Node types of the logic language and the JSON parser.

Owns the syntax: `{"var": "<stable_id>"}`, `{"const": <json>}`, `{"op": "<name>", "args": [...],
<extra keys>}`. Entry points: `parse(json_value) -> Node`, `Node.to_json()`, `ParseError`.

Invariants:
- nodes are immutable (frozen dataclasses; constant lists become tuples and objects read-only
  mappings) and `parse(x).to_json() == x` for every accepted `x`;
- parsing refuses input deeper than `MAX_DEPTH` or larger than `MAX_NODES` (constants count
  their nested values) before doing any other work on it, so abusive input costs little;
- syntax only: operator names, arities and types are checked by `validate.py`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping, Union

from django.utils.translation import gettext_lazy as _

MAX_DEPTH = 32
MAX_NODES = 2000
MAX_NAME_LENGTH = 100


class ParseError(ValueError):
    """The JSON is not a well-formed expression. `code` is stable, `path` locates the node
    ("args[1].args[0]"), `message` is translated when read."""

    def __init__(self, code: str, path: str, template, params: dict | None = None):
        self.code, self.path, self.template, self.params = code, path, template, params or {}
        super().__init__(f"{code} at {path or '<root>'}")

    @property
    def message(self) -> str:
        text = str(self.template)
        return text % self.params if self.params else text


@dataclass(frozen=True, slots=True)
class Var:
    """A field's value. A block column names the current row's cell in its own block's
    conditions and formulas, and the column over all rows inside an aggregate (`sum`...)."""

    name: str

    def to_json(self) -> dict:
        return {"var": self.name}


@dataclass(frozen=True, slots=True)
class Const:
    """A JSON constant (lists held as tuples, objects as read-only mappings)."""

    value: Any

    def to_json(self) -> dict:
        return {"const": thaw(self.value)}


@dataclass(frozen=True, slots=True)
class Op:
    """An operator applied to `args`; `extras` holds its other keys (e.g. `unit` of date_diff)."""

    name: str
    args: tuple["Node", ...] = ()
    extras: tuple[tuple[str, Any], ...] = ()

    def extra(self, key: str, default: Any = None) -> Any:
        for k, v in self.extras:
            if k == key:
                return v
        return default

    def to_json(self) -> dict:
        out: dict[str, Any] = {"op": self.name, "args": [a.to_json() for a in self.args]}
        for k, v in self.extras:
            out[k] = thaw(v)
        return out


Node = Union[Var, Const, Op]


def parse(value: Any) -> Node:
    """The node tree of a JSON expression (an already parsed node is returned as is)."""
    if isinstance(value, (Var, Const, Op)):
        return value
    counter = [0]
    return _parse(value, "", 1, counter)


def _count(path: str, depth: int, counter: list[int]) -> None:
    if depth > MAX_DEPTH:
        raise ParseError("too_deep", path, _("The expression is nested too deeply (at most %(max)s levels)."), {"max": MAX_DEPTH})
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise ParseError("too_large", path, _("The expression is too large (at most %(max)s parts)."), {"max": MAX_NODES})


def _parse(value: Any, path: str, depth: int, counter: list[int]) -> Node:
    _count(path, depth, counter)
    if not isinstance(value, dict):
        raise ParseError("malformed_node", path, _("Each part of the expression must be an object with “var”, “const” or “op”."))
    if "var" in value:
        name = value["var"]
        if len(value) != 1:
            raise ParseError("malformed_node", path, _("A field reference has only the key “var”."))
        if not isinstance(name, str) or not name or len(name) > MAX_NAME_LENGTH:
            raise ParseError("bad_var", path, _("A field reference names the field by its identifier."))
        return Var(name)
    if "const" in value:
        if len(value) != 1:
            raise ParseError("malformed_node", path, _("A constant has only the key “const”."))
        return Const(_freeze(value["const"], path, depth, counter, top=True))
    if "op" in value:
        name = value["op"]
        if not isinstance(name, str) or not name or len(name) > MAX_NAME_LENGTH:
            raise ParseError("bad_op", path, _("An operation is named by a text."))
        raw_args = value.get("args", None)
        if not isinstance(raw_args, list):
            raise ParseError("bad_args", path, _("An operation lists its arguments in “args”."))
        prefix = f"{path}." if path else ""
        args = tuple(_parse(arg, f"{prefix}args[{i}]", depth + 1, counter) for i, arg in enumerate(raw_args))
        extras = tuple(
            (k, _freeze(v, f"{prefix}{k}", depth, counter, top=True))
            for k, v in value.items() if k not in ("op", "args")
        )
        return Op(name, args, extras)
    raise ParseError("malformed_node", path, _("Each part of the expression must be an object with “var”, “const” or “op”."))


def _freeze(value: Any, path: str, depth: int, counter: list[int], top: bool = False) -> Any:
    """An immutable copy of a JSON value, counting its parts against the limits."""
    if not top:
        _count(path, depth, counter)
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParseError("bad_const", path, _("A constant number must be finite."))
        return value
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v, path, depth + 1, counter) for v in value)
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise ParseError("bad_const", path, _("A constant is a JSON value."))
        return MappingProxyType({k: _freeze(v, path, depth + 1, counter) for k, v in value.items()})
    raise ParseError("bad_const", path, _("A constant is a JSON value."))


def thaw(value: Any) -> Any:
    """The plain JSON value (lists and dicts) of a frozen constant."""
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    return value


def walk(node: Node, path: str = ""):
    """Yields (node, path) for `node` and all its descendants, parents first."""
    stack = [(node, path)]
    while stack:
        current, current_path = stack.pop()
        yield current, current_path
        if isinstance(current, Op):
            prefix = f"{current_path}." if current_path else ""
            for i in range(len(current.args) - 1, -1, -1):
                stack.append((current.args[i], f"{prefix}args[{i}]"))


def variables(node: Node) -> frozenset[str]:
    """The names of every `var` in the expression."""
    return frozenset(n.name for n, _path in walk(node) if isinstance(n, Var))
