"""Supplement requests: the agency asks, the applicant completes only what was asked, the clock
pauses and the due date moves."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core.errors import NotFound

from .. import services
from ..constants import DossierState
from ..errors import DossierInvalid, InputInvalid, InvalidTransition
from ..events import verify_chain
from ..models import Attachment, ClockPause
from . import samples
from .factories import published_procedure
from .lifecycle import dossier_in, staff_of, submitted_dossier

pytestmark = pytest.mark.django_db

FILE_FIELDS = (
    ("file", "Giấy tờ kèm theo", {"stable_id": "documents", "options": {"families": ["pdf", "image"], "multiple": True}}),
)


def _at(day, hour=10):
    return timezone.make_aware(dt.datetime(2026, 11, day, hour, 0))


def _request(dossier, field_ids=("reason",), *, actor=None, now=None, **kwargs):
    actor = actor or staff_of(dossier.agency)
    kwargs.setdefault("reason", "Lý do chưa rõ: ghi rõ mục đích sử dụng bản sao.")
    return services.request_supplement(actor=actor, dossier=dossier, field_ids=list(field_ids), now=now, **kwargs)


def test_request_pauses_the_clock_and_remembers_where_it_came_from(mailoutbox, django_capture_on_commit_callbacks):
    dossier = dossier_in(DossierState.IN_INSTRUCTION)
    with django_capture_on_commit_callbacks(execute=True):
        request = _request(dossier, ["reason", "copies"], due_on=dt.date(2099, 1, 1))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.AWAITING_SUPPLEMENT
    assert request.resume_state == DossierState.IN_INSTRUCTION
    assert request.field_ids == ["copies", "reason"]  # in form order
    assert ClockPause.objects.get(dossier=dossier).ended_at is None
    event = dossier.events.get(type="supplement.requested")
    assert event.payload["field_ids"] == ["copies", "reason"] and event.actor_role == "instructor"
    assert len(mailoutbox) == 1 and dossier.code in mailoutbox[0].subject


def test_only_staff_of_the_agency_with_a_dossier_role_may_request():
    dossier = submitted_dossier()
    strangers = (staff_of(AgencyFactory()), dossier.applicant, CitizenFactory(),
                 staff_of(dossier.agency, Role.PROCEDURE_ADMIN))
    for stranger in strangers:
        with pytest.raises(NotFound):
            _request(dossier, actor=stranger)
    assert _request(dossier, actor=staff_of(dossier.agency, Role.RECEIVING_OFFICER)).resume_state == DossierState.SUBMITTED


def test_request_input_is_checked():
    dossier = submitted_dossier()
    with pytest.raises(InputInvalid) as info:
        _request(dossier, ["reason", "nope"], reason=" ", due_on=dt.date(2000, 1, 1))
    assert set(info.value.fields) == {"reason", "field_ids", "due_on"}
    with pytest.raises(InputInvalid):
        _request(dossier, [])
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED


def test_no_request_once_decided_or_already_waiting():
    dossier = dossier_in(DossierState.DELIVERED)
    with pytest.raises(InvalidTransition):
        _request(dossier)
    waiting = submitted_dossier()
    _request(waiting)
    with pytest.raises(InvalidTransition):
        _request(waiting)


@pytest.mark.parametrize(("state", "transition"), [
    (DossierState.SUBMITTED, "answer_supplement_at_intake"),
    (DossierState.RECEIVED, "answer_supplement_received"),
    (DossierState.IN_INSTRUCTION, "answer_supplement"),
])
def test_answer_returns_to_where_the_request_was_made(state, transition):
    dossier = dossier_in(state)
    request = _request(dossier)
    dossier = services.answer_supplement(actor=dossier.applicant, dossier=dossier, data={"reason": "Để nộp hồ sơ du học"})
    assert dossier.state == state
    request.refresh_from_db()
    assert request.answered_at is not None
    assert ClockPause.objects.get(dossier=dossier).ended_at is not None
    event = dossier.events.order_by("-seq").first()
    assert (event.type, event.from_state, event.to_state) == ("supplement.answered", "awaiting_supplement", state)
    assert verify_chain(dossier)


def test_answer_changes_only_the_requested_fields():
    dossier = submitted_dossier()
    _request(dossier, ["reason"])
    services.answer_supplement(actor=dossier.applicant, dossier=dossier,
                               data={"reason": "Lý do mới", "full_name": "Người Khác", "copies": 9})
    dossier.refresh_from_db()
    assert dossier.values["reason"] == "Lý do mới"
    assert dossier.values["full_name"] == "Nguyễn Văn An" and dossier.values["copies"] == 2


def test_invalid_answer_changes_nothing():
    dossier = submitted_dossier()
    _request(dossier, ["reason", "copies"])
    with pytest.raises(DossierInvalid) as info:
        services.answer_supplement(actor=dossier.applicant, dossier=dossier, data={"reason": "", "copies": "hai"})
    assert set(info.value.errors) == {"reason", "copies"}
    dossier.refresh_from_db()
    assert dossier.state == DossierState.AWAITING_SUPPLEMENT and dossier.values["reason"] == "Xin cấp bản sao"


def test_only_the_applicant_answers_and_only_when_asked():
    dossier = submitted_dossier()
    with pytest.raises(InvalidTransition):
        services.answer_supplement(actor=dossier.applicant, dossier=dossier, data={"reason": "x"})
    _request(dossier)
    with pytest.raises(NotFound):
        services.answer_supplement(actor=CitizenFactory(), dossier=dossier, data={"reason": "x"})


def test_due_date_moves_by_the_paused_working_days():
    # Fully online, 3 working days, submitted Monday 23 Nov 2026 (Tuesday 24 is a day off): due Friday 27.
    dossier = submitted_dossier(now=_at(23, 9))
    assert timezone.localtime(dossier.due_at).date() == dt.date(2026, 11, 27)
    _request(dossier, now=_at(25))  # Wednesday
    dossier = services.answer_supplement(actor=dossier.applicant, dossier=dossier, data={"reason": "Bổ sung"}, now=_at(26))
    # The clock stood still on Wednesday: one working day more, Monday 30 Nov.
    assert timezone.localtime(dossier.due_at).date() == dt.date(2026, 11, 30)
    assert dossier.events.order_by("-seq").first().payload["due_at"] == dossier.due_at.isoformat()


def test_due_date_stays_unset_while_the_clock_has_not_started():
    procedure = published_procedure(level="partial_online")
    dossier = submitted_dossier(procedure=procedure)
    assert dossier.due_at is None
    _request(dossier)
    dossier = services.answer_supplement(actor=dossier.applicant, dossier=dossier, data={"reason": "Bổ sung"})
    assert dossier.due_at is None and dossier.state == DossierState.SUBMITTED


def test_a_file_answer_must_be_a_file_of_the_dossier():
    procedure = published_procedure(fields=FILE_FIELDS)
    dossier = submitted_dossier(procedure=procedure, values={})
    _request(dossier, ["documents"])
    forged = {"id": "not-a-real-token", "name": "x.pdf", "size": 10, "sha256": "0" * 64, "content_type": "application/pdf"}
    with pytest.raises(DossierInvalid) as info:
        services.answer_supplement(actor=dossier.applicant, dossier=dossier, data={"documents": [forged]})
    assert "documents" in info.value.errors


# --- Pages ---------------------------------------------------------------------------------------


def _supplement_url(dossier):
    return reverse("dossiers:dossier-supplement", args=[dossier.public_id])


def test_tracking_page_shows_the_request(client):
    dossier = submitted_dossier()
    _request(dossier, ["reason"], due_on=dt.date(2099, 12, 31))
    client.force_login(dossier.applicant)
    html = client.get(reverse("dossiers:dossier-track", args=[dossier.public_id])).content.decode()
    assert "ghi rõ mục đích sử dụng bản sao" in html and "Lý do" in html
    assert "national status" in html and "5: Yêu cầu bổ sung giấy tờ" in html
    assert _supplement_url(dossier) in html


def test_supplement_page_edits_only_the_requested_fields(client):
    dossier = submitted_dossier()
    _request(dossier, ["reason"])
    client.force_login(dossier.applicant)
    html = client.get(_supplement_url(dossier)).content.decode()
    assert 'name="reason"' in html and 'name="full_name"' not in html
    assert "Nguyễn Văn An" in html  # other answers shown read-only
    response = client.post(_supplement_url(dossier), {"reason": "Để nộp hồ sơ du học", "full_name": "Kẻ Gian", "copies": "7"})
    assert response.status_code == 302 and response["Location"].endswith("?supplemented=1")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.values == {"full_name": "Nguyễn Văn An", "copies": 2, "reason": "Để nộp hồ sơ du học"}
    assert client.get(_supplement_url(dossier)).status_code == 302  # nothing to complete any more


def test_bad_answer_keeps_what_was_typed(client):
    dossier = submitted_dossier()
    _request(dossier, ["copies", "reason"])
    client.force_login(dossier.applicant)
    response = client.post(_supplement_url(dossier), {"copies": "hai", "reason": "Lý do đã sửa"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in html and 'href="#id_copies"' in html
    assert 'value="hai"' in html and "Lý do đã sửa" in html
    dossier.refresh_from_db()
    assert dossier.state == DossierState.AWAITING_SUPPLEMENT and dossier.values["copies"] == 2


def test_file_sent_with_a_bad_answer_is_kept_for_the_next_try(client):
    fields = FILE_FIELDS + (("short_text", "Ghi chú", {"stable_id": "note", "required": True}),)
    procedure = published_procedure(fields=fields)
    dossier = submitted_dossier(procedure=procedure, values={"note": "cũ"})
    _request(dossier, ["documents", "note"])
    client.force_login(dossier.applicant)
    upload = SimpleUploadedFile("chung-nhan.pdf", samples.pdf(), content_type="application/pdf")
    response = client.post(_supplement_url(dossier), {"note": "", "documents": upload})
    assert response.status_code == 400
    token = Attachment.objects.get().token
    again = client.get(_supplement_url(dossier)).content.decode()
    assert "chung-nhan.pdf" in again and f'value="{token}"' in again
    response = client.post(_supplement_url(dossier), {"note": "mới", "documents__keep": token})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert [item["id"] for item in dossier.values["documents"]] == [token] and dossier.values["note"] == "mới"


def test_another_citizen_gets_not_found(client):
    dossier = submitted_dossier()
    _request(dossier)
    client.force_login(CitizenFactory())
    assert client.get(_supplement_url(dossier)).status_code == 404
    assert client.post(_supplement_url(dossier), {"reason": "x"}).status_code == 404
