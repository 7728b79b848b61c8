"""Identity and number field types: personal identification number, tax code, bank account,
vehicle plate.

Personal identification number (số định danh cá nhân, 12 digits, Circular 07/2016/TT-BCA,
Art. 7, as amended by Circular 59/2021/TT-BCA):
- digits 1–3: the province of birth registration, from the list of 63 pre-2025 provinces
  (001 Hà Nội … 096 Cà Mau, with the official gaps: 003, 005, 007... do not exist);
- digit 4: gender and century of birth: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s,
  6/7 = 2200s, 8/9 = 2300s (the circular stops at the 24th century: 8/9 is NOT the 1800s);
- digits 5–6: the last two digits of the year of birth; digits 7–12: a random serial.
We refuse unknown province codes and years of birth after this year.

Tax code (mã số thuế, Circular 105/2020/TT-BTC): 10 digits whose 10th is a check digit —
weights 31, 29, 23, 19, 17, 13, 7, 5, 3 on the first 9 digits, check = 10 − (sum mod 11),
refused when that gives 10 (11 when the sum is a multiple of 11 cannot be written either) —
or 13 digits: the 10 digits, "-", and a 3-digit branch number (001–999), with or without the
dash; stored as "0100109106" or "0100109106-001". Since 1 July 2025 individuals use their
personal identification number as tax code: the `accept_personal_id` option allows it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from .base import FieldOptions, FieldType, FieldValueError, OptionProblem
from .registry import field_types
from .text import normalise_text

DATA_DIR = Path(__file__).parent / "data"

# Province-of-birth codes of the personal identification number (Circular 07/2016/TT-BCA annex).
PERSONAL_ID_PROVINCES = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh",
    "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}
CENTURY_BY_DIGIT = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 2300, 9: 2300}


def _digits(text: str) -> str:
    return re.sub(r"[\s.\-]", "", text)


def personal_id_problem(number: str, *, this_year: int) -> tuple[str, str] | None:
    """(code, message) of what is wrong with a 12-digit string, or None when it is valid."""
    if not re.fullmatch(r"\d{12}", number):
        return "invalid_length", _("The personal identification number has 12 digits, like 001099012345 (on the chip ID card).")
    if number[:3] not in PERSONAL_ID_PROVINCES:
        return "invalid_province", _("The first 3 digits of a personal identification number are a province code (001 to 096) that does not exist here: check the number.")
    gender_digit = int(number[3])
    year = CENTURY_BY_DIGIT[gender_digit] + int(number[4:6])
    if year > this_year:
        return "invalid_birth_year", _("Digits 4 to 6 of this number give a year of birth in the future: check the number.")
    return None


def personal_id_facts(number: str) -> dict:
    """Province of birth, gender ("male"/"female") and year of birth encoded in a valid number."""
    gender_digit = int(number[3])
    return {
        "province_code": number[:3],
        "province": PERSONAL_ID_PROVINCES[number[:3]],
        "gender": "female" if gender_digit % 2 else "male",
        "birth_year": CENTURY_BY_DIGIT[gender_digit] + int(number[4:6]),
    }


class PersonalIdOptions(FieldOptions):
    pass


@field_types.register
class PersonalId(FieldType):
    id = "personal_id"
    label = _("Personal identification number")
    family = "identity"
    options_schema = PersonalIdOptions
    filter_kind = "text"
    inputmode = "numeric"
    autocomplete = "off"
    spellcheck = False
    fill_seconds_default = 15

    def clean_value(self, raw, options, *, context):
        number = _digits(normalise_text(raw))
        problem = personal_id_problem(number, this_year=context.today.year)
        if problem:
            raise FieldValueError(*problem)
        return number

    def json_schema(self, options):
        return {"type": ["string", "null"], "pattern": r"^[0-9]{12}$"}

    def input_attrs(self, options):
        return {**super().input_attrs(options), "maxlength": "15"}


TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_check_digit(first_nine: str) -> int | None:
    """The check digit of a tax code, or None when none exists (the code is impossible)."""
    total = sum(int(d) * w for d, w in zip(first_nine, TAX_WEIGHTS, strict=True))
    check = 10 - total % 11
    return check if check < 10 else None


class TaxCodeOptions(FieldOptions):
    allow_branch: bool = Field(True, title=_("Accept branch codes (13 digits)"))
    accept_personal_id: bool = Field(True, title=_("Accept a personal identification number (individuals since 1 July 2025)"))


@field_types.register
class TaxCode(FieldType):
    id = "tax_code"
    label = _("Tax code")
    family = "identity"
    options_schema = TaxCodeOptions
    filter_kind = "text"
    inputmode = "numeric"
    autocomplete = "off"
    spellcheck = False
    fill_seconds_default = 15

    def clean_value(self, raw, options, *, context):
        text = re.sub(r"[\s.]", "", normalise_text(raw))
        if options.accept_personal_id and re.fullmatch(r"\d{12}", text):
            problem = personal_id_problem(text, this_year=context.today.year)
            if problem:
                raise FieldValueError(*problem)
            return text
        match = re.fullmatch(r"(\d{10})-?(\d{3})?", text)
        if not match:
            raise FieldValueError("invalid_length", _("The tax code has 10 or 13 digits: 10 digits, or 10 digits, a dash and the 3 digits of the branch (0100109106-001)."))
        main, branch = match[1], match[2]
        if tax_check_digit(main[:9]) != int(main[9]):
            raise FieldValueError("invalid_checksum", _("This tax code is not valid: its last digit does not match the others. Check for a typing mistake."))
        if branch is not None:
            if not options.allow_branch:
                raise FieldValueError("branch_not_allowed", _("Enter the 10-digit tax code of the enterprise itself, not of a branch."))
            if branch == "000":
                raise FieldValueError("invalid_branch", _("The branch number after the dash goes from 001 to 999."))
            return f"{main}-{branch}"
        return main

    def json_schema(self, options):
        return {"type": ["string", "null"], "pattern": r"^([0-9]{10}(-[0-9]{3})?|[0-9]{12})$"}

    def input_attrs(self, options):
        return {**super().input_attrs(options), "maxlength": "16"}


@lru_cache(maxsize=1)
def banks() -> dict[str, dict]:
    """Banks by NAPAS BIN, from data/banks.json."""
    with open(DATA_DIR / "banks.json", encoding="utf-8") as handle:
        return {bank["bin"]: bank for bank in json.load(handle)["banks"]}


class BankAccountOptions(FieldOptions):
    pass


@field_types.register
class BankAccount(FieldType):
    """A bank (NAPAS BIN) and an account number: {"bank_bin", "account_number"}."""

    id = "bank_account"
    label = _("Bank account")
    family = "identity"
    options_schema = BankAccountOptions
    value_type = "text"
    can_be_logic_source = False
    widget_template = "procedures/fields/bank_account.html"
    grouped = True
    fill_seconds_default = 30

    def value_from_post(self, data, field_name):
        return {"bank_bin": data.get(f"{field_name}__bank_bin", ""), "account_number": data.get(f"{field_name}__account_number", "")}

    def clean_value(self, raw, options, *, context):
        if not isinstance(raw, dict) or set(raw) - {"bank_bin", "account_number"}:
            raise FieldValueError("invalid", _("Choose the bank and enter the account number."))
        bin_code = str(raw.get("bank_bin") or "").strip()
        number = re.sub(r"[\s.\-]", "", str(raw.get("account_number") or ""))
        if bin_code not in banks():
            raise FieldValueError("unknown_bank", _("Choose the bank in the list."), part="bank_bin")
        if not re.fullmatch(r"\d{6,19}", number):
            raise FieldValueError("invalid_account_number", _("The account number has 6 to 19 digits, without letters: copy it from your bank card or app."), part="account_number")
        return {"bank_bin": bin_code, "account_number": number}

    def bank_name(self, bin_code) -> str:
        bank = banks().get(bin_code)
        return bank["short_name"] if bank else str(bin_code or "")

    def display(self, value, options) -> str:
        if not value:
            return ""
        return f"{self.bank_name(value.get('bank_bin'))} — {value.get('account_number', '')}"

    def export_columns(self, field):
        return [(f"{field.stable_id}.bank", f"{field.label}: {_('bank')}"), (f"{field.stable_id}.account_number", f"{field.label}: {_('account number')}")]

    def export_cells(self, value, options):
        if not value:
            return ["", ""]
        return [self.bank_name(value.get("bank_bin")), value.get("account_number", "")]

    def json_schema(self, options):
        return {"type": ["object", "null"], "additionalProperties": False, "required": ["bank_bin", "account_number"], "properties": {
            "bank_bin": {"enum": sorted(banks())},
            "account_number": {"type": "string", "pattern": r"^[0-9]{6,19}$"},
        }}

    def widget_context(self, field_name, value, options):
        value = value if isinstance(value, dict) else {}
        return {
            "value": value,
            "banks": [{"value": b["bin"], "label": f"{b['short_name']} — {b['name']}", "checked": b["bin"] == value.get("bank_bin")}
                      for b in sorted(banks().values(), key=lambda b: b["short_name"].lower())],
        }

    def check_config(self) -> list[str]:
        problems = super().check_config()
        if len(banks()) < 30:
            problems.append("bank_account: the bank list has fewer than 30 banks")
        return problems


PLATE = re.compile(r"^(\d{2})([A-Z]{1,2}\d?)-(\d{4,5})$")
_PLATE_SEPARATED = re.compile(r"^(\d{2})\s*-?\s*([A-Z]{1,2}\d?)\s*[-\s]\s*(\d{3}\.\d{2}|\d{4,5})$")
_PLATE_COMPACT = re.compile(r"^(\d{2})([A-Z]{1,2})(\d{4,6})$")


def parse_plate(text: str) -> str | None:
    """Canonical "30A-12345" / "29B1-12345", or None. Without a separator after the series,
    6 trailing digits are read as a motorbike series digit + 5 digits."""
    text = " ".join(text.upper().split())
    match = _PLATE_SEPARATED.match(text)
    if match:
        locality, series, number = match[1], match[2], match[3].replace(".", "")
    else:
        match = _PLATE_COMPACT.match(re.sub(r"[\s.\-]", "", text))
        if not match:
            return None
        locality, series, number = match[1], match[2], match[3]
        if len(number) == 6:
            series, number = series + number[0], number[1:]
    if not 11 <= int(locality) <= 99:
        return None
    return f"{locality}{series}-{number}"


@field_types.register
class VehiclePlate(FieldType):
    """Vietnamese registration plate: 2-digit locality, series, 4–5 digits ("30A-123.45",
    "29-B1 123.45"); stored as "30A-12345" / "29B1-12345", shown "30A-123.45"."""

    id = "vehicle_plate"
    label = _("Vehicle registration plate")
    family = "identity"
    filter_kind = "text"
    autocomplete = "off"
    spellcheck = False
    fill_seconds_default = 10

    def clean_value(self, raw, options, *, context):
        plate = parse_plate(normalise_text(raw))
        if plate is None:
            raise FieldValueError("invalid_plate", _("Enter the plate as written on the vehicle, like 30A-123.45 or 29-B1 123.45."))
        return plate

    def display(self, value, options) -> str:
        match = PLATE.match(value or "")
        if not match:
            return value or ""
        digits = match[3]
        digits = f"{digits[:3]}.{digits[3:]}" if len(digits) == 5 else digits
        return f"{match[1]}{match[2]}-{digits}"

    def json_schema(self, options):
        return {"type": ["string", "null"], "pattern": r"^[0-9]{2}[A-Z]{1,2}[0-9]?-[0-9]{4,5}$"}
