"""Reading stored form values as logic values, without ever raising.

Entry points: `to_number`, `to_temporal`, `to_date`, `to_bool`, `is_empty`, `normalise(value,
value_type)`, `compare(a, b)`, `equals(a, b)`.

Rules (documented for builders in `evaluate.py`):
- numbers: int/float, or text such as "12", "-3", "12.5", "12,5" (Vietnamese decimal comma),
  "1.234.567,5" or "1,234,567.5". When both "." and "," appear, the last one is the decimal
  separator; a separator that appears several times separates thousands (groups of three digits);
  a single "." or "," is the decimal separator ("1,234" is 1.234). Spaces are ignored. Booleans
  are not numbers. NaN, infinities and overflow give None; integers beyond 2**53 become floats
  so arithmetic stays cheap on hostile input;
- dates: date/datetime objects, ISO text "2025-07-01" / "2025-07-01T08:30:00+07:00", or
  "01/07/2025" (day first). A date compared with a datetime compares the date part; an aware and
  a naive datetime cannot be compared (None);
- booleans: true/false, or the text "true"/"false" (also "1"/"0");
- empty: None, blank text, [], {}, or an object whose values are all empty.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

MAX_EXACT_INT = 2**53
MAX_TEXT_NUMBER = 64

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?")
_GROUPED = {
    ",": re.compile(r"[+-]?\d{1,3}(?:,\d{3})+"),
    ".": re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+"),
}
_DMY_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TRUE = frozenset({"true", "1"})
_FALSE = frozenset({"false", "0"})


def to_number(value: Any) -> int | float | None:
    kind = type(value)
    if kind is int:
        return value if -MAX_EXACT_INT <= value <= MAX_EXACT_INT else _float(value)
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is str:
        return _parse_number(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return to_number(int(value) if isinstance(value, int) else float(value))


def number_result(value: Any) -> int | float | None:
    """An arithmetic result as a logic number: finite, integral floats as ints."""
    kind = type(value)
    if kind is int:
        return value if -MAX_EXACT_INT <= value <= MAX_EXACT_INT else _float(value)
    if kind is float:
        if not math.isfinite(value):
            return None
        if value.is_integer() and -MAX_EXACT_INT <= value <= MAX_EXACT_INT:
            return int(value)
        return value
    return None


def _float(value: int) -> float | None:
    try:
        result = float(value)
    except OverflowError:
        return None
    return result if math.isfinite(result) else None


def _parse_number(text: str) -> int | float | None:
    if len(text) > MAX_TEXT_NUMBER:
        return None
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        integer_part, _sep, fraction = text.rpartition(decimal)
        if not (_GROUPED[thousands].fullmatch(integer_part) or thousands not in integer_part):
            return None
        text = integer_part.replace(thousands, "") + "." + fraction
    elif "," in text:
        if text.count(",") > 1:
            if not _GROUPED[","].fullmatch(text):
                return None
            text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
    elif text.count(".") > 1:
        if not _GROUPED["."].fullmatch(text):
            return None
        text = text.replace(".", "")
    if not _NUMBER_RE.fullmatch(text):
        return None
    if "." in text or "e" in text or "E" in text:
        return number_result(float(text))
    return number_result(int(text))


def to_temporal(value: Any) -> date | datetime | None:
    """A date or datetime (see the module rules), else None."""
    if isinstance(value, date):  # datetime is a date too
        return value
    if type(value) is not str or len(value) > 40:
        return None
    text = value.strip()
    try:
        if len(text) == 10 and text[4] == "-":
            return date.fromisoformat(text)
        if len(text) > 10 and text[4] == "-" and text[10] in "T ":
            return datetime.fromisoformat(text)
        match = _DMY_RE.fullmatch(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
    except (ValueError, IndexError):
        return None
    return None


def to_date(value: Any) -> date | None:
    temporal = to_temporal(value)
    if isinstance(temporal, datetime):
        return temporal.date()
    return temporal


def to_bool(value: Any) -> bool | None:
    if value is True or value is False:
        return value
    if type(value) is str:
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return not value
    if isinstance(value, dict):
        return all(is_empty(v) for v in value.values())
    return False


def _text(value: Any):
    return value if isinstance(value, str) else (str(value) if type(value) is int else value)


def _list_of_text(value: Any):
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [_text(v) for v in value]
    return value


def _rows(value: Any):
    if isinstance(value, (list, tuple)):
        return [row for row in value if isinstance(row, dict)]
    return None


_NORMALISERS = {
    "number": to_number,
    "date": to_temporal,
    "datetime": to_temporal,
    "boolean": to_bool,
    "text": _text,
    "choice": _text,
    "province": _text,
    "commune": _text,
    "choices": _list_of_text,
    "rows": _rows,
}


def normaliser(value_type: str | None):
    """The function reading a stored value of `value_type` as a logic value (empty -> None)."""
    convert = _NORMALISERS.get(value_type or "")

    if convert is None:
        def read(value):
            return None if is_empty(value) else value
    else:
        def read(value):
            if is_empty(value):
                return None
            try:
                return convert(value)
            except Exception:  # a stored value must never break evaluation
                return None
    return read


def normalise(value: Any, value_type: str | None = None) -> Any:
    return normaliser(value_type)(value)


def _is_number(value: Any) -> bool:
    kind = type(value)
    return kind is int or kind is float


def compare(a: Any, b: Any) -> int | None:
    """-1, 0 or 1 when `a` and `b` are both numbers or both dates (after coercion), else None."""
    if a is None or b is None:
        return None
    if _is_number(a) or _is_number(b):
        a, b = to_number(a), to_number(b)
    elif isinstance(a, date) or isinstance(b, date):
        a, b = _same_temporal(to_temporal(a), to_temporal(b))
    elif type(a) is str and type(b) is str:
        na, nb = to_number(a), to_number(b)
        if na is not None and nb is not None:
            a, b = na, nb
        else:
            a, b = _same_temporal(to_temporal(a), to_temporal(b))
    else:
        return None
    if a is None or b is None:
        return None
    try:
        return (a > b) - (a < b)
    except TypeError:  # naive vs aware datetime
        return None


def _same_temporal(a, b):
    if a is None or b is None:
        return None, None
    a_dt, b_dt = isinstance(a, datetime), isinstance(b, datetime)
    if a_dt != b_dt:
        return (a.date() if a_dt else a), (b.date() if b_dt else b)
    return a, b


def equals(a: Any, b: Any) -> bool | None:
    """Loose equality: numbers with numbers ("12,5" == 12.5), dates with dates, booleans with
    booleans; two texts compare exactly (codes such as "01" and "1" differ). None when either
    side is None."""
    if a is None or b is None:
        return None
    if a is True or a is False or b is True or b is False:
        a, b = to_bool(a), to_bool(b)
        return None if a is None or b is None else a == b
    if _is_number(a) or _is_number(b) or isinstance(a, date) or isinstance(b, date):
        result = compare(a, b)
        return None if result is None else result == 0
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return False
        return all(equals(x, y) is True for x, y in zip(a, b))
    try:
        return bool(a == b)
    except Exception:
        return None
