"""Special field types: link to another dossier, calculated value, signed acknowledgement and
registry lookup.

- `dossier_link`: another dossier's code `{agency e-ID code}-{yyMMdd}-{NNNN}`
  (H18.40-251123-0001); only the format and the date are checked here, the dossier's existence
  and the applicant's right to cite it belong to the dossiers app.
- `calculated`: read-only; the formula (a logic AST) is validated by procedures.logic at
  publication and evaluated by it; `clean` ignores what is submitted and returns the empty value.
- `signature_ack`: a declared text the applicant must accept; the value stores the SHA-256 of
  the text shown (Vietnamese, the legally binding version) and `accepted: true`.
- `registry_lookup`: a value from a national registry (source id + attribute), filled by the
  prefill service (later issue); here a plain text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from .base import FieldOptions, FieldType, FieldValueError, OptionProblem, localized
from .choices import parse_bool
from .registry import field_types
from .text import normalise_text

DOSSIER_CODE = re.compile(r"^([A-Z][A-Z0-9]{1,9}(?:\.[A-Z0-9]{1,10})*)-(\d{2})(\d{2})(\d{2})-(\d{4})$")


@field_types.register
class DossierLink(FieldType):
    id = "dossier_link"
    label = _("Reference to another dossier")
    family = "special"
    filter_kind = "text"
    autocomplete = "off"
    spellcheck = False
    fill_seconds_default = 20

    def clean_value(self, raw, options, *, context):
        text = re.sub(r"\s+", "", normalise_text(raw).upper())
        match = DOSSIER_CODE.match(text)
        if not match:
            raise FieldValueError("invalid_dossier_code", _("Enter the dossier code as written on the receipt, like H18.40-251123-0001."))
        try:
            filed = dt.date(2000 + int(match[2]), int(match[3]), int(match[4]))
        except ValueError:
            raise FieldValueError("invalid_dossier_code", _("The date in this dossier code does not exist: check the 6 digits after the first dash (year, month, day).")) from None
        if filed > context.today:
            raise FieldValueError("future_dossier_code", _("The date in this dossier code is in the future: check the 6 digits after the first dash (year, month, day)."))
        if match[5] == "0000":
            raise FieldValueError("invalid_dossier_code", _("The last 4 digits of a dossier code start at 0001."))
        return text

    def json_schema(self, options):
        return {"type": ["string", "null"], "pattern": r"^[A-Z][A-Z0-9]{1,9}(\.[A-Z0-9]{1,10})*-[0-9]{6}-[0-9]{4}$"}

    def input_attrs(self, options):
        return {**super().input_attrs(options), "maxlength": "60"}


class CalculatedOptions(FieldOptions):
    formula: dict | None = Field(None, title=_("Formula"), description=_("An expression over other fields, checked when the procedure is published."))
    result_type: str = Field("number", title=_("Type of the result"), pattern=r"^(number|text|date|boolean)$")
    decimal_places: int = Field(0, ge=0, le=6, title=_("Digits after the decimal comma"))
    unit: str = Field("", max_length=20, title=_("Unit"))


@field_types.register
class Calculated(FieldType):
    id = "calculated"
    label = _("Calculated value")
    family = "special"
    options_schema = CalculatedOptions
    value_type = "number"
    read_only = True
    prefill_allowed = False
    filter_kind = "range"
    widget_template = "procedures/fields/calculated.html"
    fill_seconds_default = 0

    def check_options(self, options):
        if options.formula is not None and not options.formula:
            return [OptionProblem("formula", "empty_formula", _("Write the formula or leave it empty."))]
        return []

    def value_type_for(self, options) -> str:
        """The logic value type of the result (the class attribute says "number", the usual case)."""
        return options.result_type

    def value_from_post(self, data, field_name):
        return None

    def display(self, value, options) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        text = str(value)
        return f"{text} {options.unit}" if options.unit else text

    def export_cells(self, value, options):
        return [value if value is not None else ""]

    def json_schema(self, options):
        return {"type": {"number": ["number", "string", "null"], "text": ["string", "null"], "date": ["string", "null"],
                         "boolean": ["boolean", "null"]}[options.result_type], "readOnly": True}

    def widget_value(self, value, options):
        return "" if value is None else value


class SignatureAckOptions(FieldOptions):
    text_vi: str = Field("Tôi cam đoan những nội dung khai trên là đúng sự thật và chịu trách nhiệm trước pháp luật.",
                         min_length=1, max_length=10000, title=_("Declaration (Vietnamese, binding)"))
    text_en: str = Field("I declare that the information given is true and I am responsible for it before the law.",
                         max_length=10000, title=_("Declaration (English, for information)"))
    text_fr: str = Field("Je certifie que les informations données sont exactes et j'en réponds devant la loi.",
                         max_length=10000, title=_("Declaration (French, for information)"))


def declaration_hash(text: str) -> str:
    canonical = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@field_types.register
class SignatureAck(FieldType):
    """A declaration shown in full, which the applicant must tick. Stored: {"accepted": true,
    "text_sha256": <hash of the Vietnamese text>} — proof of which text was accepted."""

    id = "signature_ack"
    label = _("Declaration to accept")
    family = "special"
    options_schema = SignatureAckOptions
    value_type = "boolean"
    can_be_logic_source = False
    prefill_allowed = False
    widget_template = "procedures/fields/checkbox.html"
    grouped = True
    fill_seconds_default = 15

    def is_empty(self, value) -> bool:
        if isinstance(value, dict):
            return value.get("accepted") is not True
        return value is None or parse_bool(value) is not True

    def clean(self, raw, options, *, context=None, required=False):
        # Always required: a declaration that may be left unticked would prove nothing.
        if self.is_empty(raw):
            raise FieldValueError("required", _("Tick the box to accept the declaration."))
        return self.clean_value(raw, options, context=context)

    def clean_value(self, raw, options, *, context):
        expected = declaration_hash(options.text_vi)
        if isinstance(raw, dict):
            if set(raw) - {"accepted", "text_sha256"}:
                raise FieldValueError("invalid", _("Tick the box to accept the declaration."))
            if raw.get("text_sha256") and raw["text_sha256"] != expected:
                raise FieldValueError("text_changed", _("The declaration has changed since the page was loaded: read it again and tick the box."))
        return {"accepted": True, "text_sha256": expected}

    def display(self, value, options) -> str:
        return str(_("Accepted")) if value and value.get("accepted") else ""

    def pdf_cells(self, value, options):
        if not value:
            return []
        return [("", options.text_vi), ("", str(_("Accepted")))]

    def json_schema(self, options):
        return {"type": ["object", "null"], "additionalProperties": False, "required": ["accepted"], "properties": {
            "accepted": {"const": True}, "text_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        }}

    def fill_seconds(self, options) -> int:
        return 5 + len(options.text_vi.split()) // 4

    def widget_context(self, field_name, value, options):
        return {"statement": localized(options, "text"), "box_label": _("I have read and I accept this declaration."),
                "value": not self.is_empty(value)}


class RegistryLookupOptions(FieldOptions):
    source: str = Field("", max_length=64, title=_("Registry (prefill source id)"), pattern=r"^([a-z][a-z0-9_]*)?$")
    attribute: str = Field("", max_length=64, title=_("Attribute of the registry"), pattern=r"^([a-z][a-z0-9_.]*)?$")
    editable: bool = Field(False, title=_("The applicant may correct the value"))


@field_types.register
class RegistryLookup(FieldType):
    """A value read from a registry by the prefill service. Text here; when not editable the
    form shows it read-only and the prefill service is the only writer."""

    id = "registry_lookup"
    label = _("Value from a registry")
    family = "special"
    options_schema = RegistryLookupOptions
    filter_kind = "text"
    fill_seconds_default = 2

    def publication_problems(self, options):
        if not options.source or not options.attribute:
            return [OptionProblem("source", "no_source", _("Choose the registry and the attribute to read."))]
        return []

    def clean_value(self, raw, options, *, context):
        text = normalise_text(raw)
        if len(text) > 1000:
            raise FieldValueError("too_long", _("Shorten the text to 1,000 characters or fewer."))
        return text

    def input_attrs(self, options):
        attrs = super().input_attrs(options)
        if not options.editable:
            attrs["readonly"] = "readonly"
        return attrs
