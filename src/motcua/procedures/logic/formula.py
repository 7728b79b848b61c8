"""The readable formula syntax of calculated fields: text <-> JSON AST of the logic language.

Entry points: `parse_formula(text) -> dict` (the JSON AST; raises `FormulaError` with a 1-based
character position), `to_text(ast) -> str` (raises `Unprintable` for ASTs outside the syntax),
`is_printable(ast)`, `text_at(ast, path)` (the text of the sub-expression a validation error
points at), `FUNCTIONS` (function name -> operator, for help pages).

Syntax, loosest binding first:

    a or b or c              or           (any number of operands)
    a and b                  and
    not a                    not
    a = b, a != b, a < b, a <= b, a > b, a >= b, a in [..]   comparisons (not chained)
    a + b - c                add / sub
    a * b / c                mul / div
    -a                       neg (a minus sign before a number is part of the number)
    {field_id}, {column_id}, 12, 1.5, "text", true, false, null, [1, "a"], f(x, y), (a)

Functions: every other operator under its own name (if, round, min, max, sum, count, avg,
concat, today, add_days, empty, not_empty, contains, in_province, in_commune), and date_diff as
days_between, months_between, years_between (`days_between(a, b)` is b - a, in whole days).
Keywords and function names ignore case.

Invariants: `parse_formula(to_text(x)) == x` for every printable `x` (the printer adds brackets
where the parser would otherwise regroup: `(a + b) + c` stays a nested node, `a + b + c` is one
`add` with three operands); the output of `parse_formula` passes `ast.parse` (size and depth
limits). Types, arities of operators and field names are checked by `validate.py`, except
function arities, checked here to point at the function. Pure Python: no ORM, no other app.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import ast as logic_ast
from .types import OPS

MAX_FORMULA_LENGTH = 5000

FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

DATE_DIFF_FUNCTIONS = {"days_between": "days", "months_between": "months", "years_between": "years"}

# Operators written with symbols or keywords; every other operator is a function of its own
# name, except date_diff, written as one function per unit.
INFIX_OPS = frozenset({"and", "or", "not", "eq", "ne", "lt", "lte", "gt", "gte", "in", "add", "sub", "mul", "div", "neg"})

# Function name -> operator of the logic language.
FUNCTIONS: dict[str, str] = {
    **{name: name for name in OPS if name not in INFIX_OPS and name != "date_diff"},
    **{name: "date_diff" for name in DATE_DIFF_FUNCTIONS},
}
_FUNCTION_OF_OP = {op: name for name, op in FUNCTIONS.items() if op != "date_diff"}
_FUNCTION_OF_UNIT = {unit: name for name, unit in DATE_DIFF_FUNCTIONS.items()}

COMPARISONS = {"=": "eq", "==": "eq", "!=": "ne", "<>": "ne", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte", "in": "in"}
_COMPARISON_SYMBOL = {"eq": "=", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">=", "in": "in"}
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})

# Binding levels of the printer (higher binds tighter).
OR, AND, NOT, COMPARISON, ADDITIVE, MULTIPLICATIVE, UNARY, ATOM = range(1, 9)

MESSAGES = {
    "empty": _("Write the formula."),
    "too_long": _("The formula is too long (at most %(max)s characters)."),
    "unexpected_character": _("Unexpected character “%(token)s” at character %(position)s."),
    "unexpected": _("Unexpected “%(token)s” at character %(position)s."),
    "unexpected_end": _("The formula stops too early: something is missing at character %(position)s."),
    "unclosed_bracket": _("The bracket “%(token)s” at character %(position)s is never closed."),
    "unclosed_text": _("The text starting at character %(position)s has no closing quote."),
    "bad_text": _("The text starting at character %(position)s cannot be read: write \\\" for a quote and \\\\ for a backslash."),
    "bad_number": _("The number “%(token)s” at character %(position)s is too large."),
    "unclosed_field": _("The field reference starting at character %(position)s has no closing “}”."),
    "bad_field": _("Write a field reference as {identifier}, like {so_luong} (character %(position)s)."),
    "unknown_function": _("Unknown function “%(name)s” at character %(position)s."),
    "unknown_name": _("“%(name)s” at character %(position)s is not a function nor a value: write a field between braces, like {%(name)s}."),
    "missing_call": _("Write brackets after “%(name)s” at character %(position)s, like %(name)s(…)."),
    "wrong_arity": _("The function %(name)s at character %(position)s takes %(expected)s values, not %(count)s."),
    "too_few_arguments": _("The function %(name)s at character %(position)s takes at least %(min)s value."),
    "chained_comparison": _("Comparisons cannot follow each other (character %(position)s): join them with “and” or “or”."),
    "list_of_values": _("A list between [ ] can only hold values, not fields or calculations (character %(position)s)."),
    "too_deep": _("The formula is nested too deeply (character %(position)s)."),
}


class FormulaError(ValueError):
    """The text is not a formula. `code` is stable, `position` is the 1-based character where
    the problem is, `message` is translated when read."""

    def __init__(self, code: str, position: int, template=None, params: dict | None = None):
        self.code, self.position = code, position
        self.template = template if template is not None else MESSAGES[code]
        self.params = {"position": position, **(params or {})}
        super().__init__(f"{code} at character {position}")

    @property
    def message(self) -> str:
        return str(self.template) % self.params


class Unprintable(ValueError):
    """The AST uses something the formula syntax cannot write (edit it as JSON)."""


# --- Tokenizer ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # number, text, field, name, symbol, end
    text: str  # as written
    value: Any
    position: int  # 0-based index in the formula


_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[^\W\d]\w*")
_SYMBOLS = ("<=", ">=", "!=", "<>", "==", "=", "<", ">", "+", "-", "*", "/", "(", ")", ",", "[", "]")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, length = 0, len(text)
    while i < length:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if "0" <= char <= "9":
            match = _NUMBER.match(text, i)
            raw = match.group()
            try:
                value: Any = int(raw) if raw.isdigit() else float(raw)
            except ValueError:  # more digits than Python converts
                value = math.inf
            if isinstance(value, float) and not math.isfinite(value):
                raise FormulaError("bad_number", i + 1, params={"token": raw})
            tokens.append(Token("number", raw, value, i))
            i = match.end()
            continue
        if char == '"':
            end = i + 1
            while end < length and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            if end >= length:
                raise FormulaError("unclosed_text", i + 1)
            raw = text[i:end + 1]
            try:
                value = json.loads(raw, strict=False)
            except ValueError:
                raise FormulaError("bad_text", i + 1) from None
            tokens.append(Token("text", raw, value, i))
            i = end + 1
            continue
        if char == "{":
            end = text.find("}", i + 1)
            if end < 0:
                raise FormulaError("unclosed_field", i + 1)
            name = text[i + 1:end].strip()
            if not FIELD_NAME.fullmatch(name):
                raise FormulaError("bad_field", i + 1)
            tokens.append(Token("field", text[i:end + 1], name, i))
            i = end + 1
            continue
        match = _NAME.match(text, i)
        if match:
            tokens.append(Token("name", match.group(), match.group().lower(), i))
            i = match.end()
            continue
        symbol = next((s for s in _SYMBOLS if text.startswith(s, i)), None)
        if symbol is None:
            raise FormulaError("unexpected_character", i + 1, params={"token": char})
        tokens.append(Token("symbol", symbol, symbol, i))
        i += len(symbol)
    tokens.append(Token("end", "", None, length))
    return tokens


# --- Parser (recursive descent) ----------------------------------------------------------------


def parse_formula(text: str) -> dict:
    """The JSON AST of a formula. Raises `FormulaError` (with the position) on bad syntax."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("empty", 1)
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError("too_long", 1, params={"max": MAX_FORMULA_LENGTH})
    result = _Parser(tokenize(text)).formula()
    try:
        logic_ast.parse(result)
    except logic_ast.ParseError as error:  # too large: the whole formula is concerned
        raise FormulaError(error.code, 1, error.template, error.params) from None
    return result


def _const(value: Any) -> dict:
    return {"const": value}


def _op(name: str, args: list, **extras) -> dict:
    return {"op": name, "args": args, **extras}


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    # helpers
    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def is_symbol(self, *symbols: str) -> bool:
        return self.current.kind == "symbol" and self.current.value in symbols

    def is_keyword(self, word: str) -> bool:
        return self.current.kind == "name" and self.current.value == word

    def unexpected(self, token: Token | None = None) -> FormulaError:
        token = token or self.current
        if token.kind == "end":
            return FormulaError("unexpected_end", token.position + 1)
        return FormulaError("unexpected", token.position + 1, params={"token": token.text})

    def expect_closing(self, opening: Token, symbol: str) -> None:
        if self.is_symbol(symbol):
            self.advance()
            return
        if self.current.kind == "end":
            raise FormulaError("unclosed_bracket", opening.position + 1, params={"token": opening.text})
        raise self.unexpected()

    def nested(self, token: Token) -> None:
        self.depth += 1
        if self.depth > logic_ast.MAX_DEPTH:
            raise FormulaError("too_deep", token.position + 1)

    # grammar
    def formula(self) -> dict:
        node = self.expression()
        if self.current.kind != "end":
            raise self.unexpected()
        return node

    def expression(self) -> dict:
        return self.logical("or", self.conjunction)

    def conjunction(self) -> dict:
        return self.logical("and", self.negation)

    def logical(self, word: str, operand) -> dict:
        operands = [operand()]
        while self.is_keyword(word):
            self.advance()
            operands.append(operand())
        return operands[0] if len(operands) == 1 else _op(word, operands)

    def negation(self) -> dict:
        if self.is_keyword("not"):
            token = self.advance()
            self.nested(token)
            node = _op("not", [self.negation()])
            self.depth -= 1
            return node
        return self.comparison()

    def comparison_operator(self) -> str | None:
        token = self.current
        if token.kind == "symbol" and token.value in COMPARISONS:
            return COMPARISONS[token.value]
        if token.kind == "name" and token.value == "in":
            return "in"
        return None

    def comparison(self) -> dict:
        left = self.additive()
        name = self.comparison_operator()
        if name is None:
            return left
        self.advance()
        node = _op(name, [left, self.additive()])
        if self.comparison_operator() is not None:
            raise FormulaError("chained_comparison", self.current.position + 1)
        return node

    def chain(self, symbols: dict[str, str], flat: str, operand) -> dict:
        """Left-associative chain: `flat` (add, mul) takes every operand of a run of its symbol,
        the other operator (sub, div) is binary."""
        node = operand()
        open_flat = False  # `node` is a `flat` node built by this chain: extend it
        while self.current.kind == "symbol" and self.current.value in symbols:
            name = symbols[self.advance().value]
            right = operand()
            if name == flat and open_flat:
                node["args"].append(right)
            else:
                node = _op(name, [node, right])
                open_flat = name == flat
        return node

    def additive(self) -> dict:
        return self.chain({"+": "add", "-": "sub"}, "add", self.multiplicative)

    def multiplicative(self) -> dict:
        return self.chain({"*": "mul", "/": "div"}, "mul", self.unary)

    def unary(self) -> dict:
        if self.is_symbol("-"):
            token = self.advance()
            if self.current.kind == "number":
                return _const(-self.advance().value)
            self.nested(token)
            node = _op("neg", [self.unary()])
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> dict:
        token = self.current
        if token.kind in ("number", "text"):
            self.advance()
            return _const(token.value)
        if token.kind == "field":
            self.advance()
            return {"var": token.value}
        if token.kind == "name":
            return self.name()
        if self.is_symbol("("):
            self.advance()
            self.nested(token)
            node = self.expression()
            self.expect_closing(token, ")")
            self.depth -= 1
            return node
        if self.is_symbol("["):
            return _const(self.list_value())
        raise self.unexpected()

    def name(self) -> dict:
        token = self.advance()
        word = token.value
        if word in ("true", "false", "null"):
            return _const({"true": True, "false": False, "null": None}[word])
        if word in KEYWORDS:
            raise self.unexpected(token)
        if word not in FUNCTIONS:
            if self.is_symbol("("):
                raise FormulaError("unknown_function", token.position + 1, params={"name": token.text})
            raise FormulaError("unknown_name", token.position + 1, params={"name": token.text})
        if not self.is_symbol("("):
            raise FormulaError("missing_call", token.position + 1, params={"name": token.text})
        opening = self.advance()
        self.nested(opening)
        args = []
        if not self.is_symbol(")"):
            args.append(self.expression())
            while self.is_symbol(","):
                self.advance()
                args.append(self.expression())
        self.expect_closing(opening, ")")
        self.depth -= 1
        op = FUNCTIONS[word]
        low, high = OPS[op]
        if high is None and len(args) < low:
            raise FormulaError("too_few_arguments", token.position + 1, params={"name": word, "min": low})
        if len(args) < low or (high is not None and len(args) > high):
            expected = str(low) if low == high else f"{low}–{high}"
            raise FormulaError("wrong_arity", token.position + 1, params={"name": word, "expected": expected, "count": len(args)})
        if op == "date_diff":
            return _op(op, args, unit=DATE_DIFF_FUNCTIONS[word])
        return _op(op, args)

    def list_value(self) -> list:
        opening = self.advance()
        self.nested(opening)
        items = []
        if not self.is_symbol("]"):
            items.append(self.list_item())
            while self.is_symbol(","):
                self.advance()
                items.append(self.list_item())
        self.expect_closing(opening, "]")
        self.depth -= 1
        return items

    def list_item(self) -> Any:
        token = self.current
        if self.is_symbol("["):
            return self.list_value()
        if self.is_symbol("-") and self.tokens[self.index + 1].kind == "number":
            self.advance()
            return -self.advance().value
        if token.kind in ("number", "text"):
            self.advance()
            return token.value
        if token.kind == "name" and token.value in ("true", "false", "null"):
            self.advance()
            return {"true": True, "false": False, "null": None}[token.value]
        if token.kind in ("field", "name") or self.is_symbol("(", "-"):
            raise FormulaError("list_of_values", token.position + 1)
        raise self.unexpected()


# --- Printer -----------------------------------------------------------------------------------


def to_text(ast_json: Any) -> str:
    """The formula text of a JSON AST; raises `Unprintable` when the syntax cannot write it
    (unknown operators, wrong arities, extra keys, object constants, unusual field names)."""
    if isinstance(ast_json, (logic_ast.Var, logic_ast.Const, logic_ast.Op)):
        ast_json = ast_json.to_json()
    try:
        logic_ast.parse(ast_json)
    except logic_ast.ParseError as error:
        raise Unprintable(error.code) from None
    return _print(ast_json)[0]


def is_printable(ast_json: Any) -> bool:
    try:
        to_text(ast_json)
    except Unprintable:
        return False
    return True


def text_at(ast_json: Any, path: str) -> str | None:
    """The text of the node at `path` ("args[1].args[0]", "" for the root), or None."""
    node = ast_json
    for part in filter(None, (path or "").split(".")):
        match = re.fullmatch(r"args\[(\d+)\]", part)
        if not match or not isinstance(node, dict) or not isinstance(node.get("args"), list):
            return None
        index = int(match.group(1))
        if index >= len(node["args"]):
            return None
        node = node["args"][index]
    try:
        return _print(node)[0]
    except Unprintable:
        return None


def _print(node: Any) -> tuple[str, int]:
    if not isinstance(node, dict):
        raise Unprintable("not a node")
    if set(node) == {"var"}:
        name = node["var"]
        if not isinstance(name, str) or not FIELD_NAME.fullmatch(name):
            raise Unprintable("field name")
        return "{" + name + "}", ATOM
    if set(node) == {"const"}:
        value = node["const"]
        text = _print_value(value)
        negative = isinstance(value, (int, float)) and not isinstance(value, bool) and text.startswith("-")
        return text, UNARY if negative else ATOM
    name, args = node.get("op"), node.get("args")
    if not isinstance(name, str) or not isinstance(args, list) or name not in OPS:
        raise Unprintable("operator")
    extras = {k: v for k, v in node.items() if k not in ("op", "args")}
    low, high = OPS[name]
    if len(args) < low or (high is not None and len(args) > high):
        raise Unprintable("arity")
    if name == "date_diff":
        if set(extras) != {"unit"} or extras["unit"] not in _FUNCTION_OF_UNIT:
            raise Unprintable("unit")
        return _call(_FUNCTION_OF_UNIT[extras["unit"]], args)
    if extras:
        raise Unprintable("extra keys")
    if name in ("and", "or"):
        if len(args) < 2:
            raise Unprintable("single operand")
        return f" {name} ".join(_wrap(arg, NOT) for arg in args), OR if name == "or" else AND
    if name == "not":
        return "not " + _wrap(args[0], NOT), NOT
    if name in _COMPARISON_SYMBOL:
        return f"{_wrap(args[0], ADDITIVE)} {_COMPARISON_SYMBOL[name]} {_wrap(args[1], ADDITIVE)}", COMPARISON
    if name in ("add", "mul"):
        level = ADDITIVE if name == "add" else MULTIPLICATIVE
        symbol = " + " if name == "add" else " * "
        first = _wrap(args[0], level, force=args[0].get("op") == name if isinstance(args[0], dict) else False)
        return symbol.join([first] + [_wrap(arg, level + 1) for arg in args[1:]]), level
    if name in ("sub", "div"):
        level = ADDITIVE if name == "sub" else MULTIPLICATIVE
        symbol = " - " if name == "sub" else " / "
        return f"{_wrap(args[0], level)}{symbol}{_wrap(args[1], level + 1)}", level
    if name == "neg":
        arg = args[0]
        if isinstance(arg, dict) and set(arg) == {"const"} and _is_number(arg["const"]):
            text, level = _print(arg)
            return ("-" + text if level == UNARY else f"-({text})"), UNARY
        return "-" + _wrap(arg, UNARY), UNARY
    return _call(_FUNCTION_OF_OP[name], args)


def _call(function: str, args: list) -> tuple[str, int]:
    return f"{function}({', '.join(_print(arg)[0] for arg in args)})", ATOM


def _wrap(node: Any, level: int, force: bool = False) -> str:
    text, own = _print(node)
    return f"({text})" if force or own < level else text


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _print_value(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # beyond Python's digit limit: no form means such a number
            raise Unprintable("number") from None
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unprintable("number")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_print_value(item) for item in value) + "]"
    raise Unprintable("constant")
