"""Good and bad values for every field type with a value: normalised value or error code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from motcua.agencies.selectors import admin_unit_codes
from motcua.agencies.services import load_admin_units

from ..fields import CleanContext, FieldConfigError, FieldValueError, field_types
from ..fields.special import declaration_hash

TODAY = dt.date(2025, 11, 23)
CONTEXT = CleanContext(today=TODAY, now=dt.datetime(2025, 11, 23, 10, 0))
SHA = "a" * 64


def ref(name="scan.pdf", size=1000, content_type="application/pdf", id="att_00000001"):
    return {"id": id, "name": name, "size": size, "sha256": SHA, "content_type": content_type}


CHOICES = [{"value": "a", "label_vi": "Một"}, {"value": "b", "label_vi": "Hai", "label_en": "Two"}, {"value": "c", "label_vi": "Ba"}]
LINKED = {
    "parents": [{"value": "land", "label_vi": "Đất đai"}, {"value": "home", "label_vi": "Nhà ở"}],
    "children": [{"parent": "land", "value": "first", "label_vi": "Cấp lần đầu"}, {"parent": "home", "value": "repair", "label_vi": "Sửa chữa"}],
}
SQUARE = {"type": "Polygon", "coordinates": [[[105.8, 21.0], [105.81, 21.0], [105.81, 21.01], [105.8, 21.0]]]}

# type id: (options, [(raw, normalised)], [(raw, error code)])
CASES = {
    "repetition": ({"min_rows": 1, "max_rows": 2}, [([{}], [{}]), ([{"x": 1}, {"x": 2}], [{"x": 1}, {"x": 2}])],
                   [([{}, {}, {}], "too_many_rows"), ("rows", "invalid"), ([1], "invalid")]),
    "short_text": ({"max_length": 10}, [("  Nguyễn  Văn ", "Nguyễn Văn"), ("Nguye\u0302\u0303n", "Nguyễn")],
                   [("x" * 11, "too_long"), ("a\x00b", "invalid_characters"), ({"a": 1}, "invalid_type")]),
    "long_text": ({"max_length": 20}, [("line 1\r\nline 2", "line 1\nline 2"), (" ok ", "ok")],
                  [("x" * 21, "too_long"), ("bad\x07", "invalid_characters"), (["x"], "invalid_type")]),
    "formatted_text": ({"pattern": "[0-9]{2}[A-Z]{2}", "example": "12AB", "uppercase": True}, [("12ab", "12AB"), (" 99ZZ ", "99ZZ")],
                       [("123", "format"), ("AB12", "format"), ("12ABC", "format")]),
    "integer": ({"min_value": 0, "max_value": 2000000}, [("12", 12), ("1.500.000", 1500000), (7, 7)],
                [("12,5", "not_an_integer"), ("abc", "not_a_number"), ("-1", "too_small"), ("3000000", "too_large")]),
    "decimal": ({"max_value": "10000", "decimal_places": 2}, [("12,5", "12.5"), ("12.50", "12.5"), ("1.234,56", "1234.56"), (3, "3")],
                [("1,234", "too_many_decimals"), ("abc", "not_a_number"), ("10000,01", "too_large")]),
    "money_vnd": ({}, [("1.500.000", 1500000), ("1 500 000 ₫", 1500000), ("1,500,000 VND", 1500000), (20000, 20000)],
                  [("-5", "negative"), ("12,5", "not_an_integer"), ("năm nghìn", "not_a_number")]),
    "percentage": ({}, [("12,5 %", "12.5"), ("100", "100")], [("101", "too_large"), ("-1", "too_small"), ("x%", "not_a_number")]),
    "date": ({"past_only": True, "min_date": "1900-01-01"}, [("31/12/2000", "2000-12-31"), ("2000-01-02", "2000-01-02"), ("1/2/2003", "2003-02-01")],
             [("31/02/2000", "invalid_date"), ("24/11/2025", "in_future"), ("tomorrow", "invalid_date"), ("31/12/1899", "too_early")]),
    "datetime": ({"future_only": True}, [("24/11/2025 14:30", "2025-11-24T14:30"), ("2025-12-01T08:00", "2025-12-01T08:00")],
                 [("24/11/2025", "invalid_datetime"), ("22/11/2025 10:00", "in_past"), ("32/11/2025 10:00", "invalid_datetime")]),
    "time": ({"min_time": "07:00"}, [("7h30", "07:30"), ("14:05", "14:05")], [("25:00", "invalid_time"), ("06:59", "too_early"), ("noon", "invalid_time")]),
    "yes_no": ({}, [("true", True), ("không", False), (False, False)], [("maybe", "invalid_choice"), (2, "invalid_choice"), ([True], "invalid_choice")]),
    "checkbox": ({}, [("true", True), ("on", True), (True, True)], [("maybe", "invalid_choice"), (5, "invalid_choice"), ({"x": "y"}, "invalid_choice")]),
    "single_choice": ({"choices": CHOICES, "allow_other": True}, [("a", "a"), ({"other": "Bốn"}, "Bốn"), ({"other": "two"}, "b")],
                      [({"other": "x" * 201}, "too_long"), ({"other": 5}, "invalid_choice"), (["a"], "invalid_choice")]),
    "multiple_choice": ({"choices": CHOICES, "max_selections": 2}, [(["c", "a"], ["a", "c"]), ("b", ["b"])],
                        [(["a", "z"], "invalid_choice"), (["a", "b", "c"], "too_many"), ([1], "invalid_choice")]),
    "linked_choice": (LINKED, [({"parent": "land", "child": "first"}, {"parent": "land", "child": "first"}),
                               ({"parent": "home", "child": "repair"}, {"parent": "home", "child": "repair"})],
                      [({"parent": "land", "child": "repair"}, "child_mismatch"), ({"parent": "sea", "child": ""}, "invalid_choice"),
                       ({"parent": "land", "child": ""}, "child_missing"), ("land", "invalid_choice")]),
    "email": ({}, [("Ten@Example.VN", "Ten@example.vn"), (" a.b@gov.vn ", "a.b@gov.vn")],
              [("ten@", "invalid_email"), ("ten example.vn", "invalid_email"), ("@example.vn", "invalid_email")]),
    "url": ({}, [("dichvucong.gov.vn", "https://dichvucong.gov.vn"), ("http://example.vn/a?b=1", "http://example.vn/a?b=1")],
            [("not a url", "invalid_url"), ("ftp://example.vn", "invalid_url"), ("https://", "invalid_url")]),
    "phone": ({}, [("0912 345 678", "+84912345678"), ("+84 912.345.678", "+84912345678"), ("024 3825 1234", "+842438251234"),
                   ("0236 382 2222", "+842363822222"), ("+33 6 12 34 56 78", "+33612345678")],
              [("0112 345 678", "invalid_phone"), ("091234567", "invalid_phone"), ("+33 6 12 34 56", "invalid_phone"),
               ("0200 345 6789", "invalid_phone"), ("phone", "invalid_phone")]),
    "personal_id": ({}, [("001099012345", "001099012345"), ("079 203 001 234", "079203001234"), ("001199000001", "001199000001")],
                    [("003099012345", "invalid_province"), ("001299012345", "invalid_birth_year"), ("00109901234", "invalid_length"),
                     ("097099012345", "invalid_province")]),
    "tax_code": ({}, [("0100109106", "0100109106"), ("0100109106-001", "0100109106-001"), ("0100109106001", "0100109106-001"),
                      ("001099012345", "001099012345")],
                 [("0100109107", "invalid_checksum"), ("1000000080", "invalid_checksum"), ("12345", "invalid_length"),
                  ("0100109106-000", "invalid_branch")]),
    "bank_account": ({}, [({"bank_bin": "970436", "account_number": "0011 0012 34567"}, {"bank_bin": "970436", "account_number": "0011001234567"}),
                          ({"bank_bin": "970422", "account_number": "123456"}, {"bank_bin": "970422", "account_number": "123456"})],
                     [({"bank_bin": "999999", "account_number": "123456"}, "unknown_bank"), ({"bank_bin": "970436", "account_number": "12345"}, "invalid_account_number"),
                      ({"bank_bin": "970436", "account_number": "12AB5678"}, "invalid_account_number"), ("970436", "invalid")]),
    "vehicle_plate": ({}, [("30A-123.45", "30A-12345"), ("29-B1 123.45", "29B1-12345"), ("51g12345", "51G-12345")],
                      [("ABC-123", "invalid_plate"), ("05A-123.45", "invalid_plate"), ("30A-12", "invalid_plate")]),
    "address": ({}, [({"street": " 1 Tràng Tiền ", "commune_code": "00070"}, {"street": "1 Tràng Tiền", "commune_code": "00070", "province_code": "01"}),
                     ({"street": "Số 2", "commune_code": "26506", "province_code": "79"}, {"street": "Số 2", "commune_code": "26506", "province_code": "79"})],
                [({"street": "1", "commune_code": "99999"}, "unknown_commune"), ({"street": "", "commune_code": "00070"}, "street_missing"),
                 ({"street": "1", "commune_code": "00070", "province_code": "79"}, "province_mismatch"), ("Hà Nội", "invalid")]),
    "province": ({}, [("01", "01"), ("79", "79"), (1, "01")], [("02", "unknown_province"), ("Hà Nội", "unknown_province"), ("001", "unknown_province")]),
    "commune": ({"province_code": "01"}, [("00070", "00070"), (4, "00004")],
                [("26506", "outside_province"), ("99999", "unknown_commune"), ("abc", "unknown_commune")]),
    "country": ({}, [("vn", "VN"), ("FR", "FR")], [("XX", "unknown_country"), ("Vietnam", "unknown_country"), (84, "unknown_country")]),
    "file": ({"multiple": True, "max_files": 2, "max_size_mb": 1},
             [([ref()], [ref()]), ([ref(), ref("a.jpg", content_type="image/jpeg", id="att_00000002")], [ref(), ref("a.jpg", content_type="image/jpeg", id="att_00000002")])],
             [([ref(size=2 * 1024 * 1024)], "file_too_large"), ([ref("a.exe", content_type="application/x-msdownload")], "file_type_not_allowed"),
              ([ref(), ref(id="att_00000002"), ref(id="att_00000003")], "too_many_files"), ([{"id": "x"}], "invalid_reference"),
              ([ref(), ref()], "duplicate_file")]),
    "identity_document": ({}, [([ref("front.jpg", content_type="image/jpeg"), ref("back.jpg", content_type="image/jpeg", id="att_00000002")],
                               [{**ref("front.jpg", content_type="image/jpeg"), "side": "front"}, {**ref("back.jpg", content_type="image/jpeg", id="att_00000002"), "side": "back"}]),
                              ([ref("both.pdf")], [{**ref("both.pdf"), "side": "front"}])],
                          [([ref("front.jpg", content_type="image/jpeg")], "back_missing"), ([ref("a.docx", content_type="application/msword")], "file_type_not_allowed"),
                           ("scan.pdf", "invalid_reference")]),
    "map": ({"kinds": ["Point", "Polygon"]}, [("21.0285, 105.8542", {"type": "Point", "coordinates": [105.8542, 21.0285]}),
                                             ({"kind": "Polygon", "text": "21.0, 105.8\n21.0, 105.81\n21.01, 105.81"}, SQUARE),
                                             (SQUARE, SQUARE)],
            [("105.8542, 21.0285", "outside_area"), ({"type": "LineString", "coordinates": [[105.8, 21.0], [105.9, 21.1]]}, "kind_not_allowed"),
             ("21.0 north", "invalid_coordinates"), ({"type": "Polygon", "coordinates": [[[105.8, 21.0], [105.81, 21.0], [105.8, 21.0]]]}, "invalid_geometry")]),
    "dossier_link": ({}, [("H18.40-251123-0001", "H18.40-251123-0001"), (" h18-250101-0042 ", "H18-250101-0042")],
                     [("H18.40-251124-0001", "future_dossier_code"), ("H18.40-251323-0001", "invalid_dossier_code"), ("12345", "invalid_dossier_code"),
                      ("H18.40-251123-0000", "invalid_dossier_code")]),
    "signature_ack": ({}, [("true", {"accepted": True, "text_sha256": None}), ({"accepted": True}, {"accepted": True, "text_sha256": None})],
                      [("", "required"), ("false", "required"), ({"accepted": True, "text_sha256": "b" * 64}, "text_changed")]),
    "registry_lookup": ({}, [(" Nguyễn Văn A ", "Nguyễn Văn A"), ("x", "x")], [("x" * 1001, "too_long"), ("a\x01", "invalid_characters"), ([1], "invalid_type")]),
}
READ_ONLY = {"calculated"}
NEEDS_UNITS = {"address", "province", "commune"}


@pytest.fixture
def admin_units(db):
    """The real 2025 units; the process-wide code cache is cleared around the test."""
    admin_unit_codes.cache_clear()
    load_admin_units()
    admin_unit_codes.cache_clear()
    yield
    admin_unit_codes.cache_clear()


def _expected(type_id, options, expected):
    if type_id == "signature_ack":
        return {"accepted": True, "text_sha256": declaration_hash(options.text_vi)}
    return expected


GOOD = [pytest.param(t, o, raw, exp, id=f"{t}-{i}") for t, (o, goods, _bads) in CASES.items() for i, (raw, exp) in enumerate(goods)]
BAD = [pytest.param(t, o, raw, code, id=f"{t}-{code}-{i}") for t, (o, _goods, bads) in CASES.items() for i, (raw, code) in enumerate(bads)]


def test_every_type_with_a_value_has_cases():
    for field_type in field_types.all():
        if not field_type.has_value or field_type.id in READ_ONLY:
            continue
        options, goods, bads = CASES[field_type.id]
        assert len(goods) >= 2 and len(bads) >= 3, field_type.id


@pytest.mark.parametrize(("type_id", "raw_options", "raw", "expected"), GOOD)
def test_clean_normalises_good_values(request, type_id, raw_options, raw, expected):
    if type_id in NEEDS_UNITS:
        request.getfixturevalue("admin_units")
    field_type = field_types[type_id]
    options = field_type.parse_options(raw_options)
    value = field_type.clean(raw, options, context=CONTEXT, required=True)
    assert value == _expected(type_id, options, expected)
    # Cleaning is idempotent on the stored value, and the stored value displays and exports.
    assert field_type.clean(value, options, context=CONTEXT) == value
    assert isinstance(field_type.display(value, options), str)
    assert field_type.display(value, options)


@pytest.mark.parametrize(("type_id", "raw_options", "raw", "code"), BAD)
def test_clean_refuses_bad_values(request, type_id, raw_options, raw, code):
    if type_id in NEEDS_UNITS:
        request.getfixturevalue("admin_units")
    field_type = field_types[type_id]
    options = field_type.parse_options(raw_options)
    with pytest.raises(FieldValueError) as caught:
        field_type.clean(raw, options, context=CONTEXT, required=True)
    assert caught.value.code == code
    assert str(caught.value.message)


@pytest.mark.parametrize("type_id", [t.id for t in field_types.all() if t.has_value and t.id not in READ_ONLY | {"signature_ack", "checkbox"}])
def test_required_field_refuses_the_empty_value(request, type_id):
    if type_id in NEEDS_UNITS:
        request.getfixturevalue("admin_units")
    field_type = field_types[type_id]
    with pytest.raises(FieldValueError) as caught:
        field_type.clean(field_type.new_empty(), field_type.parse_options({}), context=CONTEXT, required=True)
    assert caught.value.code == "required"


def test_required_checkbox_must_be_ticked():
    checkbox = field_types["checkbox"]
    options = checkbox.parse_options({})
    assert checkbox.clean("", options, context=CONTEXT) is False
    with pytest.raises(FieldValueError) as caught:
        checkbox.clean("", options, context=CONTEXT, required=True)
    assert caught.value.code == "required"


def test_calculated_ignores_submitted_input():
    calculated = field_types["calculated"]
    assert calculated.clean("42", calculated.parse_options({}), context=CONTEXT, required=True) is None


@pytest.mark.parametrize("pattern", [r"(a+)+", r"(\d{1,3})*x", r"(a|ab)*", r"(a)\1", r"(?=a)a", r"[", "a*b*c*d*", "x" * 301])
def test_unsafe_patterns_are_refused(pattern):
    with pytest.raises(FieldConfigError) as caught:
        field_types["formatted_text"].parse_options({"pattern": pattern, "example": ""})
    assert caught.value.problems[0].path == "pattern"


@pytest.mark.parametrize("pattern", [r"[0-9]{2}[A-Z]{2}", r"(\d{3}-)+\d{4}", r"[A-Z]{1,2}\d+", r"H\d{2}(\.\d{2})?"])
def test_safe_patterns_are_accepted(pattern):
    field_types["formatted_text"].parse_options({"pattern": pattern, "example": ""})


@pytest.mark.parametrize(("type_id", "raw_options", "path"), [
    ("integer", {"min_value": 5, "max_value": 1}, "min_value"),
    ("short_text", {"max_length": "many"}, "max_length"),
    ("single_choice", {"choices": [{"value": "a", "label_vi": "A"}, {"value": "a", "label_vi": "B"}]}, "choices[1].value"),
    ("linked_choice", {"parents": [{"value": "a", "label_vi": "A"}], "children": [{"parent": "z", "value": "x", "label_vi": "X"}]}, "children[0].parent"),
    ("formatted_text", {"pattern": "[0-9]+", "example": "abc"}, "example"),
    ("date", {"min_date": "31/12/2025"}, "min_date"),
    ("map", {"bbox": [110, 10, 100, 20]}, "bbox"),
    ("file", {"families": []}, "families"),
    ("country", {"default": "XX"}, "default"),
])
def test_invalid_options_are_listed_with_their_path(type_id, raw_options, path):
    with pytest.raises(FieldConfigError) as caught:
        field_types[type_id].parse_options(raw_options)
    assert path in [p.path for p in caught.value.problems]
    assert all(str(p.message) for p in caught.value.problems)


def test_admin_unit_codes_are_cached_so_cleaning_a_step_runs_no_query(admin_units, django_assert_num_queries):
    admin_unit_codes()
    address, commune = field_types["address"], field_types["commune"]
    with django_assert_num_queries(0):
        for _ in range(20):
            address.clean({"street": "1", "commune_code": "00070"}, address.parse_options({}), context=CONTEXT)
            commune.clean("00004", commune.parse_options({}), context=CONTEXT)


def test_display_and_export_of_an_address(admin_units):
    address = field_types["address"]
    options = address.parse_options({})
    value = address.clean({"street": "1 Tràng Tiền", "commune_code": "00070"}, options, context=CONTEXT)
    assert address.display(value, options) == "1 Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội"
    assert address.export_cells(value, options) == ["1 Tràng Tiền", "Phường Hoàn Kiếm", "Thành phố Hà Nội"]


def test_money_and_decimal_display():
    with translation.override("vi"):
        assert field_types["money_vnd"].display(1500000, None) == "1.500.000 ₫"
        assert field_types["decimal"].display("1234.5", field_types["decimal"].parse_options({})) == "1.234,5"
    with translation.override("en"):
        assert field_types["decimal"].display("1234.5", field_types["decimal"].parse_options({})) == "1,234.5"


def test_explanation_keeps_only_safe_markup():
    explanation = field_types["explanation"]
    options = explanation.parse_options({"body_vi": '<p onclick="x()">Xem <a href="javascript:alert(1)">đây</a> <a href="https://x.vn">link</a></p><script>alert(1)</script>'})
    with translation.override("vi"):
        html = explanation.render_widget("intro", None, options, [])
    assert "<script" not in html and "onclick" not in html and "javascript:" not in html
    assert '<a href="https://x.vn" rel="noopener noreferrer">link</a>' in html
    assert "&lt;" not in html or "alert(1)" not in html.split("&lt;")[0]


def _first_error(type_id, raw_options, raw):
    field_type = field_types[type_id]
    try:
        field_type.clean(raw, field_type.parse_options(raw_options), context=CONTEXT, required=True)
    except FieldValueError as error:
        return error.message
    return None


def assert_translated(message) -> None:
    """The message differs from its English msgid in Vietnamese and in French."""
    with translation.override("en"):
        english = str(message)
    for language in ("vi", "fr"):
        with translation.override(language):
            assert str(message) != english, f"not translated in {language}: {english!r}"


def test_error_messages_are_translated_in_vi_and_fr():
    messages = [
        _first_error(t, o, raw) for t, (o, _goods, bads) in CASES.items() if t not in NEEDS_UNITS for raw, _code in bads
    ]
    for message in messages:
        assert message is not None
        assert_translated(message)
