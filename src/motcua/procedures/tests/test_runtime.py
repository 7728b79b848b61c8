"""Validating a submitted step: cleaning, conditions, hidden answers, required fields,
calculated values, ineligibility, and the bounded number of queries."""

import datetime as dt

import pytest

from motcua.agencies.services import load_admin_units
from motcua.procedures import runtime, selectors
from motcua.procedures.models import Procedure

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def demo():
    from motcua.demo import services as demo_services

    demo_services.load_demo()
    return {p.name_vi: selectors.get_published(procedure=p) for p in Procedure.objects.all()}


def _step_of(revision, stable_id):
    compiled = runtime.compile_revision(revision)
    return next(i for i, ids in enumerate(compiled.steps) if stable_id in ids)


def test_hidden_answers_are_cleared_and_not_required(demo):
    revision = demo["Đăng ký khai sinh"]
    step = _step_of(revision, "father_known")

    result = runtime.validate_step(revision=revision, step=step, today=TODAY,
                                   data={"father_known": "false", "father_name": "Lò Văn A"})

    assert "father_name" not in result.values and result.values["father_known"] is False
    assert not [key for key in result.errors if key.startswith("father_")]
    assert set(result.errors) == {"already_registered", "declaration"}  # the other required answers of the step


def test_visible_required_fields_are_reported_and_typed_values_kept(demo):
    revision = demo["Đăng ký khai sinh"]
    step = _step_of(revision, "father_known")

    result = runtime.validate_step(revision=revision, step=step, today=TODAY,
                                   data={"father_known": "true", "father_birth_date": "31/02/1990"})

    assert set(result.errors) >= {"father_name", "father_birth_date", "father_personal_id", "father_residence"}
    assert result.values["father_birth_date"] == "31/02/1990"  # nothing typed is lost


def test_calculated_values_and_conditions_on_them(demo):
    revision = demo["Đăng ký khai sinh"]
    step = _step_of(revision, "child_birth_date")

    result = runtime.validate_step(revision=revision, step=step, today=TODAY, data={"child_birth_date": "2026-08-01"})

    assert result.values["days_since_birth"] == 114
    assert "late_notice" in result.evaluation.visible


def test_repetition_rows_are_cleaned_cell_by_cell(demo):
    revision = demo["Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"]
    step = _step_of(revision, "residences")

    result = runtime.validate_step(revision=revision, step=step, today=TODAY, data={
        "copies": "4",
        "residences": [{"res_from": "2010-01-01", "res_place": "Phường Mường Thanh"}, {"res_from": "ngày mai", "res_place": ""}],
    })

    assert result.values["extra_copies_fee"] == 10000
    assert "residences.1.res_from" in result.errors and "residences.1.res_place" in result.errors
    assert "residences.0.res_from" not in result.errors


def test_ineligibility_rules_are_checked_at_submission(demo):
    revision = demo["Đăng ký kết hôn"]

    result = runtime.validate_all(revision=revision, today=TODAY, data={
        "groom_birth_date": "2008-01-01", "bride_birth_date": "2000-01-01", "married_before": "false",
    })

    assert [rule_id for rule_id, _payload in result.ineligible] == ["r_groom_age"]
    assert not result.is_valid


def test_a_step_costs_at_most_one_query_then_none(demo, django_assert_max_num_queries):
    revision = demo["Cấp giấy phép xây dựng nhà ở riêng lẻ"]
    runtime._cache.clear()
    data = {"footprint": "80", "floors": "3", "height": "11"}
    saved = {"plot_area": "120.50"}  # answered in an earlier step
    step = _step_of(revision, "floors")

    with django_assert_max_num_queries(10):
        first = runtime.validate_step(revision=revision, step=step, today=TODAY, data=data, values=saved)
    with django_assert_max_num_queries(0):
        runtime.validate_step(revision=revision, step=step, today=TODAY, data=data, values=saved)
    assert first.values["density"] == 66.4
