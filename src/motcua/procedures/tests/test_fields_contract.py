"""Contract test of the field-type registry: every registered type honours FieldType."""

from __future__ import annotations

import pytest
from django.utils import translation

from motcua.agencies.selectors import admin_unit_codes
from motcua.agencies.services import load_admin_units

from ..fields import CleanContext, FieldConfigError, field_types
from ..fields.base import FAMILIES, FILTER_KINDS, OPERATORS_BY_VALUE_TYPE, VALUE_TYPES

try:
    import jsonschema
except ImportError:  # pragma: no cover
    jsonschema = None

NEEDS_UNITS = {"address", "province", "commune"}
ALL_TYPES = field_types.all()
IDS = [t.id for t in ALL_TYPES]


class FakeField:
    stable_id = "f1"
    label = "Label"


@pytest.fixture
def admin_units(db):
    admin_unit_codes.cache_clear()
    load_admin_units()
    admin_unit_codes.cache_clear()
    yield
    admin_unit_codes.cache_clear()


@pytest.fixture
def field_type(request):
    field_type = request.param
    if field_type.id in NEEDS_UNITS:
        request.getfixturevalue("admin_units")
    return field_type


def test_registry_holds_at_least_34_types():
    assert len(field_types) >= 34
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("field_type", ALL_TYPES, ids=IDS, indirect=True)
def test_type_honours_the_contract(field_type):
    assert field_type.id == field_type.id.lower() and " " not in field_type.id
    assert str(field_type.label)
    assert field_type.family in FAMILIES
    assert field_type.value_type in VALUE_TYPES
    assert field_type.filter_kind is None or field_type.filter_kind in FILTER_KINDS
    assert set(field_type.operators) <= set(OPERATORS_BY_VALUE_TYPE[field_type.value_type])
    if field_type.can_be_logic_source:
        assert field_type.has_value and field_type.operators
    assert field_type.check_config() == []
    if not field_type.has_value:
        assert field_type.value_type == "none" and not field_type.can_be_logic_source


@pytest.mark.parametrize("field_type", ALL_TYPES, ids=IDS, indirect=True)
def test_default_options_parse_and_empty_value_cleans_to_empty(field_type):
    options = field_type.parse_options({})
    context = CleanContext()
    if field_type.id == "signature_ack":  # always required by design
        return
    assert field_type.clean(field_type.new_empty(), options, context=context) == field_type.empty_value
    assert field_type.clean(None, options, context=context) == field_type.empty_value


@pytest.mark.parametrize("field_type", ALL_TYPES, ids=IDS, indirect=True)
def test_unknown_option_is_reported(field_type):
    with pytest.raises(FieldConfigError) as caught:
        field_type.parse_options({"no_such_option": 1})
    assert [p.path for p in caught.value.problems] == ["no_such_option"]
    assert all(str(p.message) for p in caught.value.problems)


@pytest.mark.parametrize("field_type", ALL_TYPES, ids=IDS, indirect=True)
def test_json_schema_is_valid(field_type):
    schema = field_type.json_schema(field_type.parse_options({}))
    assert isinstance(schema, dict) and schema
    if jsonschema is not None:
        jsonschema.Draft202012Validator.check_schema(schema)
        if field_type.has_value:
            empty = field_type.new_empty()
            jsonschema.validate(empty, schema)


@pytest.mark.parametrize("language", ["vi", "en", "fr"])
@pytest.mark.parametrize("field_type", ALL_TYPES, ids=IDS, indirect=True)
def test_widget_renders_with_the_field_name(field_type, language):
    options = field_type.parse_options({})
    with translation.override(language):
        html = field_type.render_widget("q_field", None, options, [], label="Question", help_text="Some help", required=True)
        with_error = field_type.render_widget("q_field", None, options, ["Wrong"], label="Question")
    assert "q_field" in html
    assert "<script" not in html and "style=" not in html
    if field_type.has_value:
        assert 'id="id_q_field-hint"' in html
        assert 'id="id_q_field-error"' in with_error and "Wrong" in with_error
        assert "aria-describedby" in html
        if field_type.grouped:
            assert "<fieldset" in html and "<legend" in html
        else:
            assert '<label class="field__label" for="id_q_field">' in html


@pytest.mark.parametrize("field_type", ALL_TYPES, ids=IDS, indirect=True)
def test_empty_value_displays_and_exports(field_type):
    options = field_type.parse_options({})
    empty = field_type.new_empty()
    assert isinstance(field_type.display(empty, options), str)
    assert isinstance(field_type.pdf_cells(empty, options), list)
    columns = field_type.export_columns(FakeField())
    cells = field_type.export_cells(empty, options)
    assert len(columns) == len(cells)
    assert all(isinstance(key, str) and key.startswith("f1") for key, _header in columns)


@pytest.mark.parametrize("field_type", ALL_TYPES, ids=IDS, indirect=True)
def test_fill_seconds_is_a_non_negative_integer(field_type):
    seconds = field_type.fill_seconds(field_type.parse_options({}))
    assert isinstance(seconds, int) and seconds >= 0
