"""Number field types: integer, decimal, money in đồng and percentage.

Numbers are accepted the way people type them in Vietnam and France: decimal comma ("12,5"),
thousands separated by dots or spaces ("1.500.000"), and the English forms too ("12.5",
"1,500,000") when unambiguous. Integers are stored as JSON integers, decimals as strings
("12.5") so that no precision is lost.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from pydantic import Field

from .base import FieldOptions, FieldType, FieldValueError, OptionProblem, lazy_format
from .registry import field_types

_GROUPED_DOTS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_GROUPED_COMMAS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^-?\d+([.,]\d+)?$")


def parse_number(raw) -> Decimal:
    """A Decimal from a JSON number or typed text; raises ValueError when unreadable."""
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if not isinstance(raw, str):
        raise ValueError(raw)
    text = raw.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("−", "-")
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", "", text)  # "1 500 000"
    if _GROUPED_DOTS.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _GROUPED_COMMAS.match(text) and "." in text:
        text = text.replace(",", "")
    elif _PLAIN.match(text):
        text = text.replace(",", ".")
    else:
        raise ValueError(raw)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(raw) from None


def format_decimal(number: Decimal, places: int | None = None, *, group: bool = True) -> str:
    """Vietnamese/French style in vi and fr (1.234,5 / 1 234,5), English style in en."""
    language = (translation.get_language() or "vi")[:2]
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    text = f"{number:,f}" if group else f"{number:f}"
    if language == "en":
        return text
    thousands = "\u202f" if language == "fr" else "."
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", thousands)


def _decimal_text(number: Decimal) -> str:
    text = f"{number.normalize():f}"
    return "0" if text in ("-0", "") else text


class _Bounds:
    def check_options(self, options):
        if options.min_value is not None and options.max_value is not None and options.min_value > options.max_value:
            return [OptionProblem("min_value", "min_above_max", _("The minimum is above the maximum."))]
        return []

    def check_bounds(self, number, options, shown) -> None:
        if options.min_value is not None and number < options.min_value:
            raise FieldValueError("too_small", lazy_format(_("Enter a number of at least %(min)s."), min=shown(options.min_value)))
        if options.max_value is not None and number > options.max_value:
            raise FieldValueError("too_large", lazy_format(_("Enter a number of at most %(max)s."), max=shown(options.max_value)))


class IntegerOptions(FieldOptions):
    min_value: int | None = Field(None, title=_("Minimum"))
    max_value: int | None = Field(None, title=_("Maximum"))


@field_types.register
class Integer(_Bounds, FieldType):
    id = "integer"
    label = _("Whole number")
    family = "number"
    options_schema = IntegerOptions
    value_type = "number"
    filter_kind = "range"
    inputmode = "numeric"
    fill_seconds_default = 8

    def clean_value(self, raw, options, *, context):
        try:
            number = parse_number(raw)
        except ValueError:
            raise FieldValueError("not_a_number", _("Enter a whole number using digits only, like 12.")) from None
        if number != number.to_integral_value():
            raise FieldValueError("not_an_integer", _("Enter a whole number, without decimals, like 12."))
        value = int(number)
        if abs(value) > 10**15:
            raise FieldValueError("too_large", _("This number is too large."))
        self.check_bounds(value, options, str)
        return value

    def display(self, value, options) -> str:
        return "" if value is None else format_decimal(Decimal(value))

    def export_cells(self, value, options):
        return [value]

    def json_schema(self, options):
        schema = {"type": ["integer", "null"]}
        if options.min_value is not None:
            schema["minimum"] = options.min_value
        if options.max_value is not None:
            schema["maximum"] = options.max_value
        return schema


class DecimalOptions(FieldOptions):
    min_value: Decimal | None = Field(None, title=_("Minimum"))
    max_value: Decimal | None = Field(None, title=_("Maximum"))
    decimal_places: int = Field(2, ge=0, le=10, title=_("Digits after the decimal comma"))
    unit: str = Field("", max_length=20, title=_("Unit shown after the box"), description=_("For example m², kg, ha."))


@field_types.register
class DecimalNumber(_Bounds, FieldType):
    id = "decimal"
    label = _("Decimal number")
    family = "number"
    options_schema = DecimalOptions
    value_type = "number"
    filter_kind = "range"
    inputmode = "decimal"
    fill_seconds_default = 8

    def clean_value(self, raw, options, *, context):
        try:
            number = parse_number(raw)
        except ValueError:
            raise FieldValueError("not_a_number", _("Enter a number like 12,5 (with a comma before the decimals).")) from None
        if not number.is_finite() or abs(number) > Decimal(10) ** 15:
            raise FieldValueError("too_large", _("This number is too large."))
        exponent = number.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > options.decimal_places:
            if options.decimal_places == 0:
                raise FieldValueError("too_many_decimals", _("Enter a whole number, without decimals."))
            raise FieldValueError("too_many_decimals", lazy_format(_("Enter at most %(places)s digits after the decimal comma."),
                                                                   places=options.decimal_places))
        self.check_bounds(number, options, lambda n: format_decimal(n, group=False))
        return _decimal_text(number)

    def display(self, value, options) -> str:
        if value in (None, ""):
            return ""
        text = format_decimal(Decimal(value))
        return f"{text} {options.unit}" if options.unit else text

    def export_cells(self, value, options):
        return [value or ""]

    def json_schema(self, options):
        return {"type": ["string", "null"], "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}

    def widget_value(self, value, options):
        if value in (None, ""):
            return ""
        if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
            return format_decimal(Decimal(value), group=False)
        return value

    def widget_context(self, field_name, value, options):
        return {**super().widget_context(field_name, value, options), "suffix": options.unit}


class MoneyOptions(FieldOptions):
    min_value: int | None = Field(0, ge=0, title=_("Minimum (đồng)"))
    max_value: int | None = Field(None, ge=0, title=_("Maximum (đồng)"))


@field_types.register
class MoneyVnd(_Bounds, FieldType):
    """An amount in đồng (integer): "1.500.000", "1 500 000 đ", "1,500,000 VND" → 1500000."""

    id = "money_vnd"
    label = _("Amount in đồng")
    family = "number"
    options_schema = MoneyOptions
    value_type = "number"
    filter_kind = "range"
    inputmode = "numeric"
    fill_seconds_default = 10

    def clean_value(self, raw, options, *, context):
        if isinstance(raw, str):
            raw = re.sub(r"(?i)\s*(₫|đồng|đ|vnd|vnđ)\s*$", "", raw.strip())
            if re.fullmatch(r"\d{1,3}(,\d{3})+", raw.strip()):  # "1,500,000"
                raw = raw.replace(",", "")
        try:
            number = parse_number(raw)
        except ValueError:
            raise FieldValueError("not_a_number", _("Enter the amount in đồng using digits, like 1.500.000.")) from None
        if number != number.to_integral_value():
            raise FieldValueError("not_an_integer", _("Enter the amount in whole đồng, without decimals."))
        if number < 0:
            raise FieldValueError("negative", _("Enter a positive amount."))
        if number > 10**15:
            raise FieldValueError("too_large", _("This amount is too large."))
        value = int(number)
        self.check_bounds(value, options, lambda n: self.display(n, options))
        return value

    def display(self, value, options) -> str:
        if value is None:
            return ""
        return f"{int(value):,}".replace(",", ".") + " ₫"

    def export_cells(self, value, options):
        return [value]

    def json_schema(self, options):
        schema = {"type": ["integer", "null"], "minimum": options.min_value or 0}
        if options.max_value is not None:
            schema["maximum"] = options.max_value
        return schema

    def widget_value(self, value, options):
        if isinstance(value, int):
            return f"{value:,}".replace(",", ".")
        return "" if value is None else value

    def widget_context(self, field_name, value, options):
        return {**super().widget_context(field_name, value, options), "suffix": "₫"}


class PercentageOptions(FieldOptions):
    min_value: Decimal | None = Field(Decimal(0), title=_("Minimum"))
    max_value: Decimal | None = Field(Decimal(100), title=_("Maximum"))
    decimal_places: int = Field(2, ge=0, le=6, title=_("Digits after the decimal comma"))


@field_types.register
class Percentage(DecimalNumber):
    id = "percentage"
    label = _("Percentage")
    options_schema = PercentageOptions

    def clean_value(self, raw, options, *, context):
        if isinstance(raw, str):
            raw = raw.strip().removesuffix("%").strip()
        return super().clean_value(raw, options, context=context)

    def display(self, value, options) -> str:
        if value in (None, ""):
            return ""
        return f"{format_decimal(Decimal(value))} %"

    def widget_context(self, field_name, value, options):
        return {"input_type": "text", "attrs": self.input_attrs(options), "suffix": "%"}
