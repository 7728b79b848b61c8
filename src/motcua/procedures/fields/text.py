"""Text field types: short and long text, formatted text (administrator's pattern), e-mail,
web address and phone number.

Every text is normalised to Unicode NFC (Vietnamese typed with different keyboards and input
methods compares equal), trimmed, and refused when it holds control characters.

Phone numbers (`phone`) are normalised to E.164:
- Vietnamese mobiles: 0 + 9 digits with a mobile prefix in use since the 2018 renumbering
  (03[2-9], 05[25689], 07[06-9], 08[1-9], 09x) — "0912 345 678" → "+84912345678";
- Vietnamese landlines: 0 + 10 digits, 02 + area code (24 Hà Nội, 28 Hồ Chí Minh City or one of
  the 3-digit codes 203–299 of the 2017 plan) — "024 3825 1234" → "+842438251234";
- "+84…" / "0084…" are checked with the same rules; "+33…" has 9 digits after 33 (France);
  other "+" numbers have 8–15 digits (E.164), when the field allows foreign numbers.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext_lazy as _
from pydantic import Field

from . import safe_regex
from .base import FieldOptions, FieldType, FieldValueError, OptionProblem, lazy_format
from .registry import field_types

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")


def normalise_text(raw, *, multiline: bool = False) -> str:
    """NFC, trimmed text; raises FieldValueError for non-text or control characters."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise FieldValueError("invalid_type", _("Enter text."))
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if (_CONTROL if multiline else _CONTROL_ONE_LINE).search(text if multiline else text.replace("\t", " ")):
        raise FieldValueError("invalid_characters", _("Remove the invisible control characters from the text (copy it again as plain text)."))
    return text if multiline else " ".join(text.split())


def _check_length(text: str, min_length: int, max_length: int) -> None:
    if len(text) > max_length:
        raise FieldValueError("too_long", lazy_format(_("Shorten the text to %(max)s characters or fewer (it has %(count)s)."),
                                                      max=max_length, count=len(text)))
    if len(text) < min_length:
        raise FieldValueError("too_short", lazy_format(_("Enter at least %(min)s characters."), min=min_length))


AUTOCOMPLETE = Literal["name", "given-name", "family-name", "organization", "organization-title", "street-address",
                       "postal-code", "off"]


class ShortTextOptions(FieldOptions):
    min_length: int = Field(0, ge=0, le=1000, title=_("Minimum length"))
    max_length: int = Field(255, ge=1, le=1000, title=_("Maximum length"))
    autocomplete: AUTOCOMPLETE | None = Field(None, title=_("Browser autofill"),
                                             description=_("What the browser may fill in, for example a name."))


class _LengthChecks:
    def check_options(self, options):
        if options.min_length > options.max_length:
            return [OptionProblem("min_length", "min_above_max", _("The minimum length is above the maximum."))]
        return []


@field_types.register
class ShortText(_LengthChecks, FieldType):
    id = "short_text"
    label = _("Short text")
    family = "text"
    options_schema = ShortTextOptions
    filter_kind = "text"
    fill_seconds_default = 15

    def clean_value(self, raw, options, *, context):
        text = normalise_text(raw)
        _check_length(text, options.min_length, options.max_length)
        return text

    def input_attrs(self, options):
        attrs = super().input_attrs(options)
        attrs["maxlength"] = str(options.max_length)
        if options.autocomplete:
            attrs["autocomplete"] = options.autocomplete
        return attrs

    def json_schema(self, options):
        return {"type": ["string", "null"], "minLength": options.min_length, "maxLength": options.max_length}


class LongTextOptions(FieldOptions):
    min_length: int = Field(0, ge=0, le=50000, title=_("Minimum length"))
    max_length: int = Field(5000, ge=1, le=50000, title=_("Maximum length"))
    rows: int = Field(5, ge=2, le=30, title=_("Height of the box (lines)"))


@field_types.register
class LongText(_LengthChecks, FieldType):
    id = "long_text"
    label = _("Long text")
    family = "text"
    options_schema = LongTextOptions
    filter_kind = "text"
    widget_template = "procedures/fields/textarea.html"

    def clean_value(self, raw, options, *, context):
        text = normalise_text(raw, multiline=True)
        _check_length(text, options.min_length, options.max_length)
        return text

    def fill_seconds(self, options) -> int:
        return 60 if options.max_length > 500 else 30

    def widget_context(self, field_name, value, options):
        return {"rows": options.rows, "attrs": {"maxlength": str(options.max_length)}}

    def json_schema(self, options):
        return {"type": ["string", "null"], "minLength": options.min_length, "maxLength": options.max_length}


class FormattedTextOptions(FieldOptions):
    pattern: str = Field(r"[A-Z0-9]+", title=_("Pattern (regular expression)"), max_length=safe_regex.MAX_PATTERN_LENGTH,
                         description=_("The whole answer must match it. Example: [0-9]{2}[A-Z]{2} for 2 digits then 2 letters."))
    example: str = Field("ABC123", title=_("Example of a valid answer"), max_length=100,
                         description=_("Shown to the applicant and checked against the pattern."))
    max_length: int = Field(100, ge=1, le=safe_regex.MAX_VALUE_LENGTH, title=_("Maximum length"))
    uppercase: bool = Field(False, title=_("Convert to capital letters"))
    remove_spaces: bool = Field(False, title=_("Remove spaces"))


@field_types.register
class FormattedText(FieldType):
    """Text matching an administrator's pattern, checked for safety (see safe_regex)."""

    id = "formatted_text"
    label = _("Formatted text")
    family = "text"
    options_schema = FormattedTextOptions
    filter_kind = "text"
    spellcheck = False

    def check_options(self, options):
        problems = [OptionProblem("pattern", f"pattern_{code}", message) for code, message in safe_regex.check_pattern(options.pattern)]
        if not problems and options.example and not safe_regex.full_match(options.pattern, self._normalise(options.example, options)):
            problems.append(OptionProblem("example", "example_mismatch", _("The example does not match the pattern.")))
        return problems

    def _normalise(self, text: str, options) -> str:
        if options.uppercase:
            text = text.upper()
        if options.remove_spaces:
            text = "".join(text.split())
        return text

    def clean_value(self, raw, options, *, context):
        text = self._normalise(normalise_text(raw), options)
        _check_length(text, 0, options.max_length)
        if not safe_regex.full_match(options.pattern, text):
            if options.example:
                raise FieldValueError("format", lazy_format(_("Enter the value in the expected format, for example %(example)s."),
                                                            example=options.example))
            raise FieldValueError("format", _("Enter the value in the expected format."))
        return text

    def input_attrs(self, options):
        attrs = super().input_attrs(options)
        # Spaces the applicant types are removed before checking: leave room for them.
        attrs["maxlength"] = str(options.max_length * 2 if options.remove_spaces else options.max_length)
        return attrs

    def json_schema(self, options):
        return {"type": ["string", "null"], "maxLength": options.max_length, "pattern": f"^(?:{options.pattern})$"}


@field_types.register
class Email(FieldType):
    id = "email"
    label = _("E-mail address")
    family = "text"
    filter_kind = "text"
    input_type = "email"
    inputmode = "email"
    autocomplete = "email"
    spellcheck = False
    _validator = EmailValidator()

    def clean_value(self, raw, options, *, context):
        text = normalise_text(raw).replace(" ", "")
        local, _sep, domain = text.rpartition("@")
        text = f"{local}@{domain.lower()}" if local else text
        try:
            self._validator(text)
        except ValidationError:
            raise FieldValueError("invalid_email", _("Enter an e-mail address like ten@example.vn.")) from None
        if len(text) > 254:
            raise FieldValueError("too_long", _("This e-mail address is too long."))
        return text

    def json_schema(self, options):
        return {"type": ["string", "null"], "format": "email", "maxLength": 254}


class UrlOptions(FieldOptions):
    https_only: bool = Field(False, title=_("Secure addresses only (https)"))


@field_types.register
class Url(FieldType):
    id = "url"
    label = _("Web address")
    family = "text"
    options_schema = UrlOptions
    input_type = "url"
    inputmode = "url"
    autocomplete = "url"
    spellcheck = False

    def clean_value(self, raw, options, *, context):
        text = normalise_text(raw).replace(" ", "")
        if "://" not in text:
            text = "https://" + text
        schemes = ["https"] if options.https_only else ["http", "https"]
        try:
            URLValidator(schemes=schemes)(text)
        except ValidationError:
            raise FieldValueError("invalid_url", _("Enter a web address like https://example.gov.vn.")) from None
        if len(text) > 2000:
            raise FieldValueError("too_long", _("This web address is too long."))
        return text

    def json_schema(self, options):
        return {"type": ["string", "null"], "format": "uri", "maxLength": 2000}


# --- Phone numbers ------------------------------------------------------------------------------

VN_MOBILE = re.compile(r"^(3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7}$")
VN_LANDLINE_AREAS = {
    "24", "28",
    *(str(code) for code in (
        203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 218, 219, 220, 221, 222, 225,
        226, 227, 228, 229, 232, 233, 234, 235, 236, 237, 238, 239, 251, 252, 254, 255, 256, 257, 258, 259,
        260, 261, 262, 263, 269, 270, 271, 272, 273, 274, 275, 276, 277, 290, 291, 292, 293, 294, 296, 297, 299,
    )),
}


def vn_national_kind(national: str) -> str | None:
    """"mobile", "landline" or None for a Vietnamese national significant number (no 0)."""
    if len(national) == 9 and VN_MOBILE.match(national):
        return "mobile"
    if len(national) == 10 and national.startswith("2") and (national[:2] in VN_LANDLINE_AREAS or national[:3] in VN_LANDLINE_AREAS):
        return "landline"
    return None


class PhoneOptions(FieldOptions):
    mobile_only: bool = Field(False, title=_("Mobile numbers only"), description=_("For example to send text messages."))
    allow_foreign: bool = Field(True, title=_("Accept foreign numbers (+country code)"))


@field_types.register
class Phone(FieldType):
    id = "phone"
    label = _("Phone number")
    family = "text"
    options_schema = PhoneOptions
    filter_kind = "text"
    input_type = "tel"
    inputmode = "tel"
    autocomplete = "tel"
    spellcheck = False

    def clean_value(self, raw, options, *, context):
        text = normalise_text(raw)
        compact = re.sub(r"[\s.\-()/]", "", text)
        if compact.startswith("00"):
            compact = "+" + compact[2:]
        if compact.startswith("+84"):
            compact = "0" + compact[3:]
            if compact.startswith("00"):  # "+84 0912..." written with the trunk 0
                compact = compact[1:]
        if compact.startswith("0"):
            if not compact.isdigit():
                raise FieldValueError("invalid_phone", _("A phone number has only digits, like 0912 345 678."))
            kind = vn_national_kind(compact[1:])
            if kind is None:
                raise FieldValueError("invalid_phone", _(
                    "Enter a Vietnamese number like 0912 345 678 (mobile, 10 digits) or 024 3825 1234 "
                    "(landline, 11 digits), or a foreign number starting with + and the country code."
                ))
            if kind == "landline" and options.mobile_only:
                raise FieldValueError("not_mobile", _("Enter a mobile number, like 0912 345 678."))
            return "+84" + compact[1:]
        if compact.startswith("+"):
            digits = compact[1:]
            if not options.allow_foreign:
                raise FieldValueError("foreign_not_allowed", _("Enter a Vietnamese phone number, like 0912 345 678."))
            if not digits.isdigit() or digits.startswith("0") or not 8 <= len(digits) <= 15:
                raise FieldValueError("invalid_phone", _("Enter an international number as + then the country code and the number, like +33 6 12 34 56 78."))
            if digits.startswith("33") and not (len(digits) == 11 and digits[2] != "0"):
                raise FieldValueError("invalid_phone", _("A French number has 9 digits after +33, like +33 6 12 34 56 78."))
            if options.mobile_only and digits.startswith("33") and digits[2] not in "67":
                raise FieldValueError("not_mobile", _("Enter a mobile number."))
            return "+" + digits
        raise FieldValueError("invalid_phone", _(
            "Enter a Vietnamese number like 0912 345 678 (mobile, 10 digits) or 024 3825 1234 "
            "(landline, 11 digits), or a foreign number starting with + and the country code."
        ))

    def display(self, value, options) -> str:
        if not value:
            return ""
        if value.startswith("+84"):
            national = "0" + value[3:]
            if len(national) == 10:
                return f"{national[:4]} {national[4:7]} {national[7:]}"
            return f"{national[:3]} {national[3:7]} {national[7:]}" if national[1:3] in ("24", "28") else f"{national[:4]} {national[4:7]} {national[7:]}"
        return value

    def export_cells(self, value, options):
        return [value or ""]

    def json_schema(self, options):
        return {"type": ["string", "null"], "pattern": r"^\+[1-9][0-9]{7,14}$"}
