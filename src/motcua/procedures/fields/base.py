"""The field-type contract: one `FieldType` subclass gathers everything about a type of field.

A field type knows its options (a ninja `Schema` with defaults, `parse_options`), how to clean
what a form or the API sends into the JSON-storable value (`clean`), how to show that value
(`display`, `pdf_cells`), export it (`export_columns`, `export_cells`), describe it to API
clients (`json_schema`), filter on it in the inbox (`filter_kind`), test it in the logic language
(`value_type`, `operators`) and render its no-JavaScript form control (`render_widget`).

Cleaning never queries the database per field: what it needs comes through `CleanContext`
(today's date, the cached administrative-unit codes...).

Errors: `FieldConfigError` lists every problem of a field's options; `FieldValueError` carries a
stable code and a translated message saying how to fix the value. Messages stay lazy so they
are rendered in the language active when shown.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field as dataclass_field
from typing import Any, ClassVar

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict, ValidationError

from motcua.core.errors import MotcuaError
from motcua.core.registry import Plugin

# The value types of the logic language (procedures/logic uses these names).
VALUE_TYPES = frozenset({
    "text", "number", "date", "datetime", "boolean", "choice", "choices", "file", "geo", "rows",
    "address", "province", "commune", "none",
})

FAMILIES = {
    "layout": _("Layout"),
    "text": _("Text"),
    "number": _("Numbers"),
    "date": _("Dates and times"),
    "choice": _("Choices"),
    "identity": _("Identity and numbers"),
    "location": _("Places"),
    "file": _("Files"),
    "special": _("Special"),
}

FILTER_KINDS = frozenset({"text", "range", "choice", "date_range"})

# Logic operators allowed on each value type (the names of the logic language).
OPERATORS_BY_VALUE_TYPE: dict[str, tuple[str, ...]] = {
    "text": ("eq", "ne", "contains", "in", "empty", "not_empty"),
    "number": ("eq", "ne", "gt", "gte", "lt", "lte", "in", "empty", "not_empty"),
    "date": ("eq", "ne", "gt", "gte", "lt", "lte", "empty", "not_empty"),
    "datetime": ("eq", "ne", "gt", "gte", "lt", "lte", "empty", "not_empty"),
    "boolean": ("eq", "ne", "empty", "not_empty"),
    "choice": ("eq", "ne", "in", "empty", "not_empty"),
    "choices": ("contains", "empty", "not_empty"),
    "file": ("empty", "not_empty"),
    "geo": ("empty", "not_empty"),
    "rows": ("empty", "not_empty"),
    "address": ("in_province", "in_commune", "empty", "not_empty"),
    "province": ("eq", "ne", "in", "in_province", "empty", "not_empty"),
    "commune": ("eq", "ne", "in", "in_province", "in_commune", "empty", "not_empty"),
    "none": (),
}


def lazy_format(message, /, **params) -> str:
    """`message % params`, evaluated when shown (in the language active then)."""
    return lazy(lambda: str(message) % params, str)()


# --- Errors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionProblem:
    """One problem in a field's options: the option's path ("max_length", "choices[2].value"),
    a stable code and a translated message."""

    path: str
    code: str
    message: str


class FieldConfigError(MotcuaError):
    """The options of a field are invalid; `problems` lists each of them."""

    code = "invalid_field_options"
    default_message = _("The settings of this field are not valid.")

    def __init__(self, problems: list[OptionProblem], message=None):
        super().__init__(message)
        self.problems = problems

    def __str__(self) -> str:
        return "; ".join(f"{p.path}: {p.message}" if p.path else str(p.message) for p in self.problems)


class FieldValueError(MotcuaError):
    """A submitted value is invalid: stable `code`, translated `message` telling how to fix it,
    and optionally the `part` of a composite value it concerns ("street", "commune_code")."""

    code = "invalid"

    def __init__(self, code: str, message, *, part: str = ""):
        super().__init__(message, code=code)
        self.part = part

    def __str__(self) -> str:
        return str(self.message)


# --- Clean context -----------------------------------------------------------------------------


def _admin_unit_codes():
    from motcua.agencies.selectors import admin_unit_codes

    return admin_unit_codes()


@dataclass(frozen=True)
class CleanContext:
    """What cleaning may need besides the value: today's date and time (frozen in tests) and the
    administrative-unit codes, loaded once per process. Build one per request or step."""

    today: dt.date = dataclass_field(default_factory=timezone.localdate)
    now: dt.datetime = dataclass_field(default_factory=timezone.localtime)
    admin_units: Callable[[], Mapping[str, Mapping]] = _admin_unit_codes
    # "form" (strings and lists from a POST) or "api" (JSON)
    source: str = "form"

    def province_name(self, code: str) -> str | None:
        return self.admin_units()["provinces"].get(code)

    def commune(self, code: str) -> tuple[str, str] | None:
        """(name, province code) of a commune, or None when the code is unknown."""
        return self.admin_units()["communes"].get(code)


# --- Options -----------------------------------------------------------------------------------


class FieldOptions(Schema):
    """Base of every options schema: unknown options are refused (typos in imports)."""

    model_config = ConfigDict(extra="forbid")


class NoOptions(FieldOptions):
    pass


_PYDANTIC_MESSAGES = {
    "missing": _("This setting is required."),
    "extra_forbidden": _("This setting does not exist for this type of field."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "float_parsing": _("Enter a number."),
    "decimal_parsing": _("Enter a number."),
    "bool_parsing": _("Enter true or false."),
    "bool_type": _("Enter true or false."),
    "string_type": _("Enter a text."),
    "list_type": _("Enter a list."),
    "literal_error": _("Choose one of the values offered."),
    "greater_than_equal": _("This number is too small."),
    "greater_than": _("This number is too small."),
    "less_than_equal": _("This number is too large."),
    "less_than": _("This number is too large."),
    "string_too_long": _("This text is too long."),
    "string_too_short": _("This text is too short."),
    "too_long": _("This list has too many items."),
    "too_short": _("This list has too few items."),
    "date_from_datetime_parsing": _("Enter a date like 2025-12-31."),
    "date_parsing": _("Enter a date like 2025-12-31."),
    "date_type": _("Enter a date like 2025-12-31."),
    "model_type": _("Enter an object with the expected settings."),
    "dict_type": _("Enter an object with the expected settings."),
}


def _loc_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


# --- The contract ------------------------------------------------------------------------------


class FieldType(Plugin):
    """Base of every field type. Subclasses set the class attributes and override the hooks;
    `clean` handles emptiness and `required`, then calls `clean_value` on a non-empty value."""

    id: ClassVar[str]
    label: ClassVar[str]
    family: ClassVar[str] = "special"
    options_schema: ClassVar[type[FieldOptions]] = NoOptions
    value_type: ClassVar[str] = "text"
    can_be_logic_source: ClassVar[bool] = True
    has_value: ClassVar[bool] = True
    empty_value: ClassVar[Any] = None
    filter_kind: ClassVar[str | None] = None
    prefill_allowed: ClassVar[bool] = True
    widget_template: ClassVar[str] = "procedures/fields/input.html"
    # A group of controls (radios, checkboxes, several inputs): fieldset + legend, not label.
    grouped: ClassVar[bool] = False
    fill_seconds_default: ClassVar[int] = 10
    # Read-only fields (calculated): never take submitted input.
    read_only: ClassVar[bool] = False
    # For the generic input widget: <input type=...> and attributes helping phones and autofill.
    input_type: ClassVar[str] = "text"
    inputmode: ClassVar[str | None] = None
    autocomplete: ClassVar[str | None] = None
    spellcheck: ClassVar[bool] = True

    @property
    def family_label(self) -> str:
        return FAMILIES.get(self.family, self.family)

    @property
    def operators(self) -> tuple[str, ...]:
        return OPERATORS_BY_VALUE_TYPE[self.value_type] if self.can_be_logic_source else ()

    # --- Options ---

    def parse_options(self, raw: dict | None) -> FieldOptions:
        """The validated options (defaults filled in). Raises FieldConfigError listing every
        problem, each with a translated message."""
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise FieldConfigError([OptionProblem("", "not_an_object", _("The settings must be an object."))])
        try:
            options = self.options_schema.model_validate(raw)
        except ValidationError as error:
            problems = [
                OptionProblem(_loc_path(e["loc"]), e["type"], _PYDANTIC_MESSAGES.get(e["type"], _("This setting is not valid.")))
                for e in error.errors()
            ]
            raise FieldConfigError(problems) from None
        problems = self.check_options(options)
        if problems:
            raise FieldConfigError(problems)
        return options

    def check_options(self, options) -> list[OptionProblem]:
        """Problems across options (minimum above maximum, unsafe pattern...)."""
        return []

    def default_options(self) -> FieldOptions:
        return self.parse_options({})

    # --- Values ---

    def new_empty(self):
        return copy.deepcopy(self.empty_value)

    def is_empty(self, value) -> bool:
        """True when `value` (raw or cleaned) means "no answer"."""
        if value is None:
            return True
        if isinstance(value, str):
            return value.strip() == ""
        if isinstance(value, (list, tuple, dict, set)):
            if isinstance(value, dict):
                return all(self.is_empty(v) for v in value.values())
            return len(value) == 0
        return False

    def clean(self, raw, options, *, context: CleanContext | None = None, required: bool = False):
        """The normalised, JSON-storable value of `raw`, or `empty_value` when nothing was
        given. Raises FieldValueError (code "required" when a required field is empty)."""
        if not self.has_value:
            return self.new_empty()
        if context is None:
            context = CleanContext()
        if self.read_only or self.is_empty(raw):
            if required and not self.read_only:
                raise FieldValueError("required", self.required_message(options))
            return self.new_empty()
        return self.clean_value(raw, options, context=context)

    def required_message(self, options) -> str:
        return _("Answer this question.")

    def clean_value(self, raw, options, *, context: CleanContext):
        """Clean a non-empty raw value. Override in subclasses."""
        return raw

    def value_from_post(self, data, field_name: str):
        """The raw value of this field in a submitted form (a QueryDict or a dict)."""
        return data.get(field_name)

    # --- Showing and exporting ---

    def display(self, value, options) -> str:
        """Plain-text summary of a cleaned value (summary page), in the active language."""
        if self.is_empty(value):
            return ""
        return str(value)

    def pdf_cells(self, value, options) -> list[tuple[str, str]]:
        """(label, text) rows the PDF receipt shows; the empty label means the field's own."""
        return [("", self.display(value, options))]

    def export_columns(self, field) -> list[tuple[str, str]]:
        """(column key, header) of the CSV/XLSX export; `field` is the FieldDefinition."""
        return [(field.stable_id, str(field.label))]

    def export_cells(self, value, options) -> list:
        """One cell per export column (same order)."""
        return [self.display(value, options)]

    def json_schema(self, options) -> dict:
        """JSON Schema fragment of the cleaned value (null allowed: the field may be empty)."""
        return {"type": ["string", "null"]}

    def fill_seconds(self, options) -> int:
        """Estimated seconds an applicant needs to fill this field."""
        return self.fill_seconds_default

    # --- Widget ---

    def widget_value(self, value, options):
        """What the control shows for a stored value or a re-displayed raw submission."""
        if value is None:
            return ""
        return value

    def input_attrs(self, options) -> dict[str, str]:
        """Extra attributes of the generic <input> (inputmode, autocomplete, maxlength...)."""
        attrs = {}
        if self.inputmode:
            attrs["inputmode"] = self.inputmode
        if self.autocomplete:
            attrs["autocomplete"] = self.autocomplete
        if not self.spellcheck:
            attrs["spellcheck"] = "false"
        return attrs

    def widget_context(self, field_name: str, value, options) -> dict:
        """Extra template context for this type's widget template."""
        return {"input_type": self.input_type, "attrs": self.input_attrs(options)}

    def render_widget(self, field_name: str, value, options, errors, *, label: str = "", help_text: str = "",
                      required: bool = False) -> SafeString:
        """The accessible, script-free form control, wrapped with its label (legend for
        groups), hint and errors (components/_field.html conventions)."""
        input_id = f"id_{field_name}"
        errors = [str(e) for e in (errors or [])]
        describedby = " ".join(
            [f"{input_id}-hint"] * bool(help_text) + [f"{input_id}-error"] * bool(errors)
        )
        context = {
            "type_id": self.id,
            "field_name": field_name,
            "input_id": input_id,
            "label": label or field_name,
            "help_text": help_text,
            "required": required or self.read_only,  # a calculated value is never "optional"
            "errors": errors,
            "describedby": describedby,
            "value": self.widget_value(value, options),
            "options": options,
            "grouped": self.grouped,
            "has_value": self.has_value,
            "widget_template": self.widget_template,
            "language": translation.get_language() or "vi",
        }
        context.update(self.widget_context(field_name, value, options))
        return mark_safe(render_to_string("procedures/fields/_wrapper.html", context))

    def check_config(self) -> list[str]:
        problems = []
        if self.value_type not in VALUE_TYPES:
            problems.append(f"{self.id}: unknown value type {self.value_type!r}")
        if self.family not in FAMILIES:
            problems.append(f"{self.id}: unknown family {self.family!r}")
        if self.filter_kind is not None and self.filter_kind not in FILTER_KINDS:
            problems.append(f"{self.id}: unknown filter kind {self.filter_kind!r}")
        try:
            self.default_options()
        except FieldConfigError as error:
            problems.append(f"{self.id}: default options invalid: {error}")
        return problems


def localized(item: Mapping, prefix: str = "label") -> str:
    """`item[prefix_<lang>]` in the active language, falling back to Vietnamese then English."""
    language = (translation.get_language() or "vi")[:2]
    for code in (language, "vi", "en", "fr"):
        text = item.get(f"{prefix}_{code}") if isinstance(item, Mapping) else getattr(item, f"{prefix}_{code}", "")
        if text:
            return str(text)
    return ""
