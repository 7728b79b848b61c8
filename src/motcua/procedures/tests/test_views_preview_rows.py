"""The builder's test page with a repetition block holding a calculated column and a condition
per row, and a form-level total over the block."""

import pytest
from django.urls import reverse

from motcua.accounts.tests.staff_helpers import force_verified_login

from .test_runtime_rows import build_goods_declaration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def declaration(client):
    procedure, draft, actor = build_goods_declaration()
    force_verified_login(client, actor)
    return procedure, reverse("builder:procedure-preview", kwargs={"public_id": procedure.public_id})


def _rows(*rows):
    data = {"items__rows": str(len(rows))}
    for index, row in enumerate(rows):
        data.update({f"items__{index}__{column}": value for column, value in row.items()})
    return data


def test_preview_renders_a_block_with_a_calculated_column(client, declaration):
    _procedure, url = declaration

    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="items__0__qty"' in page and 'name="items__0__line_total"' in page and 'name="grand_total"' in page


def test_checking_rows_computes_each_row_and_the_total(client, declaration):
    _procedure, url = declaration

    response = client.post(url, _rows(
        {"item_name": "Máy cày", "qty": "2", "unit_price": "1000", "is_imported": "true", "origin": "Nhật Bản"},
        {"item_name": "Gạo", "qty": "3", "unit_price": "30", "is_imported": "false"},
    ))

    assert response.status_code == 200
    page = response.content.decode()
    assert ">2090<" in page  # the form-level sum of the calculated column
    assert "answers are complete and valid" in page


def test_checking_reports_a_required_column_only_in_rows_where_it_is_shown(client, declaration):
    _procedure, url = declaration

    response = client.post(url, _rows(
        {"item_name": "Máy cày", "qty": "2", "is_imported": "true"},
        {"item_name": "Gạo", "qty": "3", "is_imported": "false"},
    ))

    assert response.status_code == 200
    assert "1 answer must be corrected." in response.content.decode()


def test_live_refresh_with_rows_is_not_a_500(client, declaration):
    _procedure, url = declaration

    response = client.post(url, _rows({"qty": "abc", "unit_price": "1e400"}, {}), HTTP_HX_REQUEST="true")

    assert response.status_code == 200 and '<div id="test-form"' in response.content.decode()
