"""Validating a step with repetition blocks: conditions, required answers and calculated values
row by row, aggregates at form level, publication checks of column expressions."""

import datetime as dt

import pytest
from django.utils import translation

from motcua.agencies.tests.factories import AgencyFactory

from .. import runtime, selectors, services, validation
from ..errors import RevisionInvalid
from .factories import make_procedure, procedure_admin

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def var(name):
    return {"var": name}


def const(value):
    return {"const": value}


def op(name, *args):
    return {"op": name, "args": list(args)}


IMPORTED = op("eq", var("is_imported"), const(True))


def build_goods_declaration():
    """A declaration of goods: one row per item, origin asked for imported items only."""
    agency = AgencyFactory()
    actor = procedure_admin(agency)
    procedure = make_procedure(actor=actor, agency=agency, name_vi="Khai báo hàng hóa")
    draft = selectors.get_draft(procedure=procedure)
    add = services.add_field
    add(actor=actor, revision=draft, stable_id="general", type="section_header", label_vi="Thông tin chung", options={"level": 1})
    add(actor=actor, revision=draft, stable_id="declarant", type="short_text", label_vi="Người khai")
    add(actor=actor, revision=draft, stable_id="goods", type="section_header", label_vi="Hàng hóa", options={"level": 1})
    items = add(actor=actor, revision=draft, stable_id="items", type="repetition", label_vi="Hàng hóa", options={"max_rows": 20})
    add(actor=actor, revision=draft, parent=items, stable_id="item_name", type="short_text", label_vi="Tên hàng", required=True)
    add(actor=actor, revision=draft, parent=items, stable_id="qty", type="integer", label_vi="Số lượng", required=True)
    add(actor=actor, revision=draft, parent=items, stable_id="unit_price", type="integer", label_vi="Đơn giá")
    add(actor=actor, revision=draft, parent=items, stable_id="is_imported", type="yes_no", label_vi="Hàng nhập khẩu?")
    add(actor=actor, revision=draft, parent=items, stable_id="origin", type="short_text", label_vi="Xuất xứ", required=True,
        condition=IMPORTED)
    add(actor=actor, revision=draft, parent=items, stable_id="import_year", type="integer", label_vi="Năm nhập khẩu", condition=IMPORTED)
    add(actor=actor, revision=draft, parent=items, stable_id="line_total", type="calculated", label_vi="Thành tiền",
        options={"formula": op("mul", var("qty"), var("unit_price")), "result_type": "number"})
    add(actor=actor, revision=draft, stable_id="grand_total", type="calculated", label_vi="Tổng cộng",
        options={"formula": op("sum", var("line_total")), "result_type": "number"})
    add(actor=actor, revision=draft, stable_id="imported_count", type="calculated", label_vi="Số mặt hàng nhập khẩu",
        options={"formula": op("count", var("origin")), "result_type": "number"})
    return procedure, draft, actor


@pytest.fixture
def declaration():
    return build_goods_declaration()


def _validate(revision, rows, values=None):
    return runtime.validate_step(revision=revision, step=None, today=TODAY, data={"items": rows}, values=values)


def test_a_hidden_column_is_cleared_in_its_row_only(declaration):
    _procedure, draft, _actor = declaration

    result = _validate(draft, [
        {"item_name": "Máy cày", "qty": "1", "unit_price": "1000", "is_imported": "true", "origin": "Nhật Bản", "import_year": "2024"},
        {"item_name": "Gạo", "qty": "2", "unit_price": "30", "is_imported": "false", "origin": "Thái Lan", "import_year": "năm ngoái"},
    ])

    first, second = result.values["items"]
    assert first["origin"] == "Nhật Bản" and first["import_year"] == 2024
    assert "origin" not in second and "import_year" not in second  # hidden in that row: cleared
    assert not result.errors  # the unreadable year was in a hidden cell: its error goes with it


def test_a_required_column_hidden_in_one_row_is_required_in_the_other_rows_only(declaration):
    _procedure, draft, _actor = declaration

    result = _validate(draft, [
        {"item_name": "Máy cày", "qty": "1", "is_imported": "true"},
        {"item_name": "Gạo", "qty": "2", "is_imported": "false"},
        {"qty": "3", "is_imported": "false"},
    ])

    assert set(result.errors) == {"items.0.origin", "items.2.item_name"}


def test_calculated_columns_are_stored_in_each_row_and_aggregated(declaration):
    _procedure, draft, _actor = declaration

    result = _validate(draft, [
        {"item_name": "Máy cày", "qty": "2", "unit_price": "1000", "is_imported": "true", "origin": "Nhật Bản"},
        {"item_name": "Gạo", "qty": "3", "unit_price": "30"},
        {"item_name": "Muối", "qty": "1"},  # no price: no total in that row
    ])

    assert [row.get("line_total") for row in result.values["items"]] == [2000, 90, None]
    assert "line_total" not in result.values["items"][2]
    assert result.values["grand_total"] == 2090 and result.values["imported_count"] == 1
    assert "line_total" not in result.values  # a column is never stored at form level


def test_a_calculated_column_sent_by_the_client_is_replaced(declaration):
    _procedure, draft, _actor = declaration

    result = _validate(draft, [{"item_name": "Gạo", "qty": "3", "unit_price": "30", "line_total": "999999"}])

    assert result.values["items"][0]["line_total"] == 90 and result.values["grand_total"] == 90


def test_stored_rows_of_another_step_are_refreshed_without_being_changed_in_place(declaration):
    _procedure, draft, _actor = declaration
    stored_row = {"item_name": "Gạo", "qty": 3, "unit_price": 30, "is_imported": False, "origin": "Thái Lan", "line_total": 1}
    stored = {"items": [stored_row]}

    result = runtime.validate_step(revision=draft, step=0, today=TODAY, data={"declarant": "Lê Thị Hoa"}, values=stored)

    assert result.values["items"] == [{"item_name": "Gạo", "qty": 3, "unit_price": 30, "is_imported": False, "line_total": 90}]
    assert result.values["grand_total"] == 90 and result.values["declarant"] == "Lê Thị Hoa"
    assert stored_row["origin"] == "Thái Lan" and stored_row["line_total"] == 1  # what was stored is not changed in place


def test_the_declaration_publishes_and_validates_with_the_published_revision(declaration):
    procedure, draft, actor = declaration
    assert validation.validate_revision(draft, fields=selectors.list_fields(revision=draft)) == []

    published = services.publish_revision(actor=actor, procedure=procedure)
    result = _validate(published, [{"item_name": "Gạo", "qty": "3", "unit_price": "30"}])

    assert result.values["grand_total"] == 90 and not result.errors


def test_publication_lists_misplaced_column_references_with_translated_messages():
    procedure, draft, actor = build_goods_declaration()
    people = services.add_field(actor=actor, revision=draft, stable_id="people", type="repetition", label_vi="Người nhận")
    services.add_field(actor=actor, revision=draft, parent=people, stable_id="receiver", type="short_text", label_vi="Người nhận hàng",
                       condition=op("not_empty", var("item_name")))
    services.add_field(actor=actor, revision=draft, stable_id="big_order", type="yes_no", label_vi="Đơn hàng lớn?",
                       condition=op("gt", var("qty"), const(10)))
    a = services.add_field(actor=actor, revision=draft, parent=people, stable_id="share_a", type="calculated", label_vi="A",
                           options={"formula": op("add", var("share_b"), const(1))})
    services.add_field(actor=actor, revision=draft, parent=people, stable_id="share_b", type="calculated", label_vi="B",
                       options={"formula": op("add", var("share_a"), const(1))})
    assert a.parent_id == people.pk

    with translation.override("en"):
        problems = validation.validate_revision(draft, fields=selectors.list_fields(revision=draft))
    found = {(p.code, p.field) for p in problems}

    assert ("other_block_column", "receiver") in found
    assert ("column_outside_aggregate", "big_order") in found
    assert ("cycle", "share_a") in found
    messages = " ".join(p.message for p in problems)
    assert "belongs to another repetition block" in messages and "has a value in each row of its block" in messages
    with pytest.raises(RevisionInvalid):
        services.publish_revision(actor=actor, procedure=procedure)


def test_a_step_with_rows_costs_no_query_once_compiled(declaration, django_assert_max_num_queries):
    _procedure, draft, _actor = declaration
    runtime._cache.clear()
    rows = [{"item_name": f"Hàng {i}", "qty": str(i + 1), "unit_price": "10", "is_imported": "true" if i % 2 else "false",
             "origin": "Hàn Quốc"} for i in range(20)]

    with django_assert_max_num_queries(10):
        _validate(draft, rows)
    with django_assert_max_num_queries(0):
        result = _validate(draft, rows)

    assert result.values["grand_total"] == sum(10 * (i + 1) for i in range(20))
    assert result.values["imported_count"] == 10 and not result.errors
