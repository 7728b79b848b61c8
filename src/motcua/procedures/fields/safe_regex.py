"""Patterns written by procedure administrators, checked before use (no ReDoS).

`check_pattern(pattern)` returns the problems of a pattern (an empty list when it is safe), by
walking Python's parsed form of the pattern:
- at most MAX_PATTERN_LENGTH characters;
- no nested variable quantifiers (`(a+)+`, `(\\d{1,3})*`): a quantified group may only contain
  fixed-count repeats (`(\\d{3}-)+` is fine);
- no alternation inside a variable quantifier (`(a|ab)*`);
- no back-references or look-arounds;
- at most MAX_VARIABLE_QUANTIFIERS variable quantifiers in the whole pattern, which keeps the
  worst case of adjacent overlapping quantifiers (`\\d*\\d*`) polynomial and small.

`full_match(pattern, value)` then matches with a time limit when the `regex` module is installed
(`timeout=`), and otherwise relies on the checks above plus MAX_VALUE_LENGTH on the value.
"""

from __future__ import annotations

import functools
import re

try:  # Python 3.11+: the parser is private but stable
    import re._constants as sre_constants
    import re._parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

try:
    import regex as _regex_module  # optional: adds a hard time limit
except ImportError:  # pragma: no cover - depends on the environment
    _regex_module = None

from django.utils.translation import gettext_lazy as _

MAX_PATTERN_LENGTH = 300
MAX_VALUE_LENGTH = 500
MAX_VARIABLE_QUANTIFIERS = 3
MATCH_TIMEOUT_SECONDS = 0.1
HAS_TIMEOUT = _regex_module is not None

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_POSSESSIVE = getattr(sre_constants, "POSSESSIVE_REPEAT", None)
if _POSSESSIVE is not None:
    _REPEATS.add(_POSSESSIVE)
_ATOMIC = getattr(sre_constants, "ATOMIC_GROUP", object())
_FORBIDDEN = {
    sre_constants.GROUPREF: "backreference",
    sre_constants.GROUPREF_EXISTS: "backreference",
    sre_constants.ASSERT: "lookaround",
    sre_constants.ASSERT_NOT: "lookaround",
}

MESSAGES = {
    "too_long": _("The pattern is too long (300 characters at most)."),
    "invalid": _("The pattern is not a valid regular expression."),
    "nested_quantifier": _("The pattern repeats a part that itself repeats, like (a+)+: this can freeze the server. Write it without nested repetition."),
    "alternation_in_repeat": _("The pattern repeats a choice, like (a|ab)*: this can freeze the server. Write it differently."),
    "backreference": _("Back-references like \\1 are not allowed in patterns."),
    "lookaround": _("Look-ahead and look-behind are not allowed in patterns."),
    "too_many_quantifiers": _("The pattern has too many variable repetitions (3 at most)."),
}


def _is_variable(av) -> bool:
    low, high = av[0], av[1]
    return low != high


def _walk(items, inside_variable_repeat: bool, found: list[str], counter: list[int]) -> None:
    for op, av in items:
        if op in _FORBIDDEN:
            found.append(_FORBIDDEN[op])
            # still walk the assertion body for other problems
            if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                _walk(av[1], inside_variable_repeat, found, counter)
            continue
        if op in _REPEATS:
            variable = _is_variable(av)
            if variable:
                counter[0] += 1
                if inside_variable_repeat:
                    found.append("nested_quantifier")
            _walk(av[2], inside_variable_repeat or variable, found, counter)
        elif op == sre_constants.SUBPATTERN:
            _walk(av[-1], inside_variable_repeat, found, counter)
        elif op == _ATOMIC:
            _walk(av, inside_variable_repeat, found, counter)
        elif op == sre_constants.BRANCH:
            if inside_variable_repeat:
                found.append("alternation_in_repeat")
            for branch in av[1]:
                _walk(branch, inside_variable_repeat, found, counter)


@functools.lru_cache(maxsize=512)
def check_pattern(pattern: str) -> tuple[tuple[str, str], ...]:
    """(code, translated message) of each problem of `pattern`; empty when it is safe to use."""
    if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN_LENGTH:
        return (("too_long", MESSAGES["too_long"]),)
    try:
        re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return (("invalid", MESSAGES["invalid"]),)
    found: list[str] = []
    counter = [0]
    _walk(parsed, False, found, counter)
    if counter[0] > MAX_VARIABLE_QUANTIFIERS:
        found.append("too_many_quantifiers")
    codes = list(dict.fromkeys(found))
    return tuple((code, MESSAGES[code]) for code in codes)


def full_match(pattern: str, value: str) -> bool:
    """Whether all of `value` matches a pattern that passed `check_pattern`.

    Values longer than MAX_VALUE_LENGTH never match. With the `regex` module the match also
    stops after MATCH_TIMEOUT_SECONDS (and counts as no match)."""
    if len(value) > MAX_VALUE_LENGTH or check_pattern(pattern):
        return False
    if _regex_module is not None:
        try:
            return _regex_module.fullmatch(pattern, value, timeout=MATCH_TIMEOUT_SECONDS) is not None
        except TimeoutError:
            return False
    return re.fullmatch(pattern, value) is not None
