"""The problems validation reports: stable codes and their translated messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..types import FieldInfo, LogicError
from .families import NULL, UNKNOWN

MESSAGES = {
    "unknown_field": _("The condition refers to a field that no longer exists: %(field)s"),
    "no_value": _("The field %(field)s has no value and cannot be tested."),
    "self_reference": _("The field %(field)s cannot refer to itself."),
    "later_field": _("A field can only be shown depending on fields placed before it: %(field)s comes later."),
    "unknown_op": _("Unknown operation: %(op)s."),
    "wrong_arity": _("The operation %(op)s takes %(expected)s arguments, not %(count)s."),
    "unexpected_key": _("The operation %(op)s has no setting “%(key)s”."),
    "bad_unit": _("The unit must be days, months or years."),
    "type_mismatch": _("The operation %(op)s cannot be applied to a %(type)s."),
    "incompatible_types": _("The operation %(op)s cannot compare a %(left)s with a %(right)s."),
    "null_comparison": _("Comparing with an empty value is never true: test whether the field is empty instead."),
    "bad_constant": _("The value %(value)s is not a valid %(type)s."),
    "unknown_option": _("The value %(value)s is not one of the options of the field %(field)s."),
    "bad_code": _("The code %(value)s is not a valid %(type)s code."),
    "code_not_constant": _("The %(type)s code must be written as a value."),
    "wrong_result_type": _("The expression gives a %(type)s where a %(expected)s is expected."),
    "cycle": _("These fields depend on each other in a loop: %(cycle)s."),
    "missing_expression": _("The expression is missing."),
    "column_outside_aggregate": _(
        "The column %(field)s has a value in each row of its block: use it inside a sum, count, average, "
        "minimum or maximum."
    ),
    "other_block_column": _(
        "The column %(field)s belongs to another repetition block: a row can only use the columns of its own "
        "block and the fields outside blocks."
    ),
    "aggregate_in_row": _(
        "The operation %(op)s works on a whole column and cannot be used inside a row: compute it in a field "
        "outside the block, then use that field here."
    ),
}

_TYPE_NAMES = {
    "text": _("text"), "number": _("number"), "date": _("date"), "datetime": _("date and time"),
    "boolean": _("true/false condition"), "choice": _("choice"), "choices": _("multiple choice"), "file": _("file"),
    "geo": _("map location"), "rows": _("repetition block"), "address": _("address"), "province": _("province"),
    "commune": _("commune"), "none": _("field without value"), NULL: _("empty value"), "object": _("object"),
    "list": _("list"), UNKNOWN: _("value"),
}


class TypeName:
    """A value type's name, translated when shown."""

    def __init__(self, t: str):
        self.t = t

    def __str__(self) -> str:
        if self.t.startswith("list["):
            return f"{_TYPE_NAMES['list']} ({TypeName(self.t[5:-1])})"
        return str(_TYPE_NAMES.get(self.t, self.t))


def error(code: str, path: str, concerns: str = "", **params) -> LogicError:
    return LogicError(code=code, path=path, field=concerns, template=MESSAGES[code], params=params)


def label(info: FieldInfo) -> str:
    return f"{info.label} ({info.stable_id})" if info.label else info.stable_id
