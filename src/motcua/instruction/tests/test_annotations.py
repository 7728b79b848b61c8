"""Private annotations (issue 6, item 4): staff fill in the revision's private fields on an open
dossier; the values are validated by the field types (bad input: nothing stored), each change is
recorded with its old and new value, a required annotation must be filled in before deciding,
and the applicant never sees them (timeline, receipt, result, supplement)."""

import pytest
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core.errors import NotFound
from motcua.dossiers import receipts
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import Decision, DossierState
from motcua.dossiers.errors import InputInvalid, InvalidTransition
from motcua.dossiers.events import verify_chain
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import (
    SIMPLE_FIELDS,
    VALID_ANSWERS,
    published_procedure,
)
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier
from motcua.dossiers.timeline import public_timeline

from .. import annotations, services

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Ghi chú nội bộ bí mật 5813"
FIELDS = (
    *SIMPLE_FIELDS,
    ("short_text", "Nhận xét của cán bộ", {"stable_id": "review_note", "private": True, "required": True}),
    ("integer", "Diện tích đo đạc", {"stable_id": "measured_area", "private": True}),
    ("date", "Ngày kiểm tra thực địa", {"stable_id": "site_visit_on", "private": True}),
    # Shown (and required) only when more than 5 copies are asked; VALID_ANSWERS asks 2.
    ("short_text", "Lý do cấp nhiều bản sao", {"stable_id": "copies_note", "private": True, "required": True,
                                                "condition": {"op": "gt", "args": [{"var": "copies"}, {"const": 5}]}}),
)


@pytest.fixture
def procedure():
    return published_procedure(fields=FIELDS)


@pytest.fixture
def dossier(procedure):
    return advance(submitted_dossier(procedure=procedure), "receive", "start_instruction")


@pytest.fixture
def instructor(dossier):
    return staff_of(dossier.agency, Role.INSTRUCTOR)


def _reload(dossier):
    return Dossier.objects.get(pk=dossier.pk)


def _save(dossier, actor, **data):
    return annotations.save_annotations(actor=actor, dossier=dossier, data=data)


# --- Saving ------------------------------------------------------------------------------------------


def test_save_stores_the_cleaned_values_and_records_each_change_when_valid(dossier, instructor):
    _save(dossier, instructor, review_note=SECRET_NOTE, measured_area="1.250", site_visit_on="15/03/2025")

    stored = _reload(dossier)
    assert stored.values["review_note"] == SECRET_NOTE
    assert stored.values["measured_area"] == 1250 and stored.values["site_visit_on"] == "2025-03-15"
    assert stored.values["reason"] == VALID_ANSWERS["reason"]  # the answers are untouched
    event = stored.events.order_by("-seq").first()
    assert event.type == "annotations.updated" and event.actor == instructor and event.actor_role == "instructor"
    assert event.payload == {"changes": [
        {"field": "review_note", "old": None, "new": SECRET_NOTE},
        {"field": "measured_area", "old": None, "new": 1250},
        {"field": "site_visit_on", "old": None, "new": "2025-03-15"},
    ]}
    assert verify_chain(stored)


def test_a_second_save_records_only_what_changed_with_the_old_value(dossier, instructor):
    _save(dossier, instructor, review_note="Bản nháp", measured_area="80")
    _save(dossier, instructor, review_note="Đủ điều kiện", measured_area="80")

    event = _reload(dossier).events.order_by("-seq").first()
    assert event.payload == {"changes": [{"field": "review_note", "old": "Bản nháp", "new": "Đủ điều kiện"}]}


def test_nothing_is_recorded_when_nothing_changed(dossier, instructor):
    _save(dossier, instructor, review_note="Đủ điều kiện")
    seq = _reload(dossier).last_event_seq

    _save(dossier, instructor, review_note="Đủ điều kiện", measured_area="")

    assert _reload(dossier).last_event_seq == seq


@pytest.mark.parametrize(("field", "raw", "message"), [
    ("measured_area", "mười hai", "Enter a whole number using digits only, like 12."),
    ("site_visit_on", "31/02/2025", "Enter a real date like 31/12/2025 (day/month/year)."),
])
def test_an_invalid_value_is_refused_and_nothing_is_stored_when_the_type_refuses_it(dossier, instructor, field, raw, message):
    before = _reload(dossier)

    with translation.override("en"), pytest.raises(InputInvalid) as invalid:
        _save(dossier, instructor, review_note="Không được lưu", **{field: raw})

    assert invalid.value.fields == {field: [message]}
    after = _reload(dossier)
    assert after.values == before.values and after.last_event_seq == before.last_event_seq


def test_fields_that_are_not_annotations_are_refused_when_posted(dossier, instructor):
    with pytest.raises(InputInvalid) as invalid:
        _save(dossier, instructor, reason="Sửa câu trả lời của người nộp", review_note="x")

    assert list(invalid.value.fields) == ["reason"]
    assert _reload(dossier).values["reason"] == VALID_ANSWERS["reason"]
    assert "review_note" not in _reload(dossier).values


def test_an_annotation_hidden_by_its_condition_is_not_stored(dossier, instructor):
    _save(dossier, instructor, copies_note="Không áp dụng", review_note="Đủ")

    values = _reload(dossier).values
    assert "copies_note" not in values and values["review_note"] == "Đủ"


def test_a_required_annotation_may_stay_empty_while_saving_the_others(dossier, instructor):
    _save(dossier, instructor, review_note="", measured_area="42")

    assert _reload(dossier).values["measured_area"] == 42


def test_staff_outside_the_dossiers_agency_and_applicants_get_not_found(dossier):
    for actor in (staff_of(AgencyFactory(), Role.INSTRUCTOR), staff_of(AgencyFactory(), Role.RECEIVING_OFFICER),
                  dossier.applicant, CitizenFactory()):
        with pytest.raises(NotFound):
            _save(dossier, actor, review_note="x")
    assert "review_note" not in _reload(dossier).values


def test_the_one_stop_desk_annotates_a_submitted_dossier(procedure):
    dossier = submitted_dossier(procedure=procedure)
    officer = staff_of(dossier.agency, Role.RECEIVING_OFFICER)

    _save(dossier, officer, review_note="Đã đối chiếu bản gốc")

    event = _reload(dossier).events.order_by("-seq").first()
    assert event.type == "annotations.updated" and event.actor_role == "reception"


def test_annotations_are_closed_when_the_dossier_is_decided(dossier, instructor):
    _save(dossier, instructor, review_note="Đủ điều kiện")
    decided = services.decide_dossier(actor=instructor, dossier=dossier, decision=Decision.ACCEPTED)

    with pytest.raises(InvalidTransition) as refused:
        _save(decided, instructor, review_note="Sửa sau khi quyết định")

    assert refused.value.code == "annotations_closed"
    assert _reload(dossier).values["review_note"] == "Đủ điều kiện"
    assert not annotations.can_annotate(instructor, _reload(dossier))


# --- Required annotations before deciding ----------------------------------------------------------


def test_deciding_is_refused_and_nothing_changes_when_a_required_annotation_is_empty(dossier, instructor):
    before = _reload(dossier)

    with translation.override("en"), pytest.raises(InputInvalid) as invalid:
        services.decide_dossier(actor=instructor, dossier=dossier, decision=Decision.ACCEPTED)

    # The hidden required annotation (copies_note) is not asked for.
    assert invalid.value.fields == {"review_note": ["Fill in the annotation “Nhận xét của cán bộ” before deciding."]}
    after = _reload(dossier)
    assert after.state == DossierState.IN_INSTRUCTION and after.last_event_seq == before.last_event_seq


def test_deciding_works_once_the_required_annotations_are_filled_in(dossier, instructor):
    _save(dossier, instructor, review_note="Đủ điều kiện")

    services.decide_dossier(actor=instructor, dossier=dossier, decision=Decision.ACCEPTED)

    assert _reload(dossier).state == DossierState.DECIDED


# --- History ---------------------------------------------------------------------------------------


def test_history_lists_each_change_with_who_and_when(dossier, instructor):
    other = staff_of(dossier.agency, Role.INSTRUCTOR)
    _save(dossier, instructor, review_note="Bản nháp")
    _save(dossier, other, review_note="Đủ điều kiện", measured_area="12")

    history = annotations.get_value_history(dossier=dossier)

    notes = history.annotations["review_note"]
    assert [(c.old, c.new, c.actor) for c in notes] == [
        (None, "Bản nháp", instructor.get_full_name()), ("Bản nháp", "Đủ điều kiện", other.get_full_name())]
    assert notes[0].at <= notes[1].at
    assert [(c.old, c.new) for c in history.annotations["measured_area"]] == [(None, 12)]
    assert history.answers == {}


def test_a_supplement_answer_keeps_the_annotations_and_records_the_changed_answers(dossier, instructor):
    _save(dossier, instructor, review_note=SECRET_NOTE, measured_area="12")
    dossier_services.request_supplement(actor=instructor, dossier=_reload(dossier), reason="Ghi rõ lý do.", field_ids=["reason"])

    dossier_services.answer_supplement(actor=dossier.applicant, dossier=_reload(dossier), data={"reason": "Lý do mới"})

    stored = _reload(dossier)
    assert stored.values["review_note"] == SECRET_NOTE and stored.values["measured_area"] == 12
    assert stored.values["reason"] == "Lý do mới"
    event = stored.events.filter(type="supplement.answered").get()
    assert event.payload["changes"] == [{"field": "reason", "old": VALID_ANSWERS["reason"], "new": "Lý do mới"}]
    changes = annotations.get_value_history(dossier=dossier).answers["reason"]
    assert [(c.old, c.new) for c in changes] == [(VALID_ANSWERS["reason"], "Lý do mới")]


# --- The applicant never sees them ----------------------------------------------------------------------


def test_the_applicants_timeline_receipt_and_result_do_not_carry_the_annotations(dossier, instructor):
    _save(dossier, instructor, review_note=SECRET_NOTE)
    stored = _reload(dossier)

    timeline = public_timeline(stored.events.order_by("seq"))
    assert "annotations.updated" not in {item["type"] for item in timeline}
    assert SECRET_NOTE not in repr(timeline)
    assert SECRET_NOTE not in repr(receipts.receipt_context(stored).as_context())
    result = services._result_context(stored, decision=Decision.ACCEPTED, motivation="", decided_at=stored.updated_at,
                                      officer=instructor)
    assert SECRET_NOTE not in repr(result) and "Nhận xét của cán bộ" not in repr(result)
    assert VALID_ANSWERS["reason"] in repr(result)  # the answers are there
