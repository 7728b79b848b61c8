"""Starting, saving and submitting dossiers through the services."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from motcua.accounts.tests.factories import CitizenFactory, StaffFactory
from motcua.core.errors import NotFound, PermissionDenied
from motcua.procedures import services as procedure_services

from .. import services, states
from ..codes import format_dossier_code, parse_dossier_code
from ..constants import DossierState
from ..errors import DossierInvalid, InvalidTransition, NotEligible, ProcedureNotOpen
from ..events import verify_chain
from ..models import ClockPause, Dossier, DossierCodeCounter
from .factories import VALID_ANSWERS, make_dossier, published_procedure

pytestmark = pytest.mark.django_db


def test_start_snapshots_identity_and_uses_published_revision():
    citizen = CitizenFactory(full_name="Trần Thị Bình")
    procedure = published_procedure()
    dossier = services.start_dossier(actor=citizen, procedure=procedure)
    assert dossier.state == DossierState.DRAFT
    assert dossier.revision.state == "published"
    assert dossier.identity["full_name"] == "Trần Thị Bình"
    assert dossier.identity["personal_id"] == citizen.personal_id
    assert dossier.events.get().type == "dossier.created"


def test_staff_and_anonymous_cannot_start(client):
    procedure = published_procedure()
    with pytest.raises(PermissionDenied):
        services.start_dossier(actor=StaffFactory(), procedure=procedure)


def test_cannot_start_closed_or_unpublished_procedure():
    procedure = published_procedure()
    procedure_services.close_procedure(actor=procedure.admin, procedure=procedure)
    with pytest.raises(ProcedureNotOpen):
        services.start_dossier(actor=CitizenFactory(), procedure=procedure)


def test_business_only_procedure_refuses_citizens():
    procedure = published_procedure(applicant_kinds=["business"])
    with pytest.raises(NotEligible):
        services.start_dossier(actor=CitizenFactory(), procedure=procedure)


def test_save_keeps_invalid_answers_and_reports_them():
    dossier = make_dossier()
    dossier, result = services.save_answers(actor=dossier.applicant, dossier=dossier, step=0,
                                            data={"full_name": "An", "copies": "hai"})
    assert "copies" in result.errors
    dossier.refresh_from_db()
    assert dossier.values["copies"] == "hai"  # as typed: nothing lost
    assert dossier.values["full_name"] == "An"


def test_another_applicant_cannot_touch_a_dossier():
    dossier = make_dossier()
    with pytest.raises(NotFound):
        services.save_answers(actor=CitizenFactory(), dossier=dossier, step=0, data={"full_name": "X"})
    with pytest.raises(NotFound):
        services.submit_dossier(actor=CitizenFactory(), dossier=dossier)


def test_submit_gives_code_due_date_and_event():
    dossier = make_dossier(values=VALID_ANSWERS)
    now = timezone.make_aware(dt.datetime(2026, 11, 23, 9, 0))
    dossier = services.submit_dossier(actor=dossier.applicant, dossier=dossier, now=now)
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.code == format_dossier_code(dossier.agency.eid_code, dt.date(2026, 11, 23), 1)
    assert parse_dossier_code(dossier.code)[2] == 1
    # 3 working days from Monday 23 Nov 2026 (full online: the clock starts at submission);
    # Tuesday 24 Nov is Vietnam Culture Day, a day off from 2026: Wed, Thu, Fri.
    assert timezone.localtime(dossier.due_at).date() == dt.date(2026, 11, 27)
    assert [e.type for e in dossier.events.order_by("seq")] == ["dossier.created", "dossier.submitted"]
    assert verify_chain(dossier)


def test_submit_by_public_id_is_for_the_applicant_only():
    dossier = make_dossier(values=VALID_ANSWERS)
    with pytest.raises(NotFound):
        services.submit_dossier(actor=CitizenFactory(), public_id=dossier.public_id)
    with pytest.raises(NotFound):
        services.submit_dossier(actor=dossier.applicant, public_id="not-a-uuid")
    submitted = services.submit_dossier(actor=dossier.applicant, public_id=dossier.public_id)
    assert submitted.pk == dossier.pk and submitted.state == DossierState.SUBMITTED
    dossier.refresh_from_db()
    assert dossier.code == submitted.code and dossier.submitted_at == submitted.submitted_at
    assert dossier.updated_at == submitted.updated_at and verify_chain(dossier)


def test_submission_reads_the_dossier_in_one_statement():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.procedures import runtime

    dossier = make_dossier(values=VALID_ANSWERS)
    runtime.compile_revision(dossier.revision)  # compiled once per process and revision
    with CaptureQueriesContext(connection) as queries:
        services.submit_dossier(actor=dossier.applicant, public_id=dossier.public_id)
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1, reads  # the locked row with its procedure, form version and agency; nothing deferred


def test_submit_is_idempotent():
    dossier = make_dossier(values=VALID_ANSWERS)
    first = services.submit_dossier(actor=dossier.applicant, dossier=dossier)
    again = services.submit_dossier(actor=dossier.applicant, dossier=dossier)
    assert first.code == again.code
    assert first.events.filter(type="dossier.submitted").count() == 1
    assert DossierCodeCounter.objects.get().last_number == 1


def test_codes_are_consecutive_per_agency_and_day():
    procedure = published_procedure()
    codes = []
    for _ in range(3):
        dossier = make_dossier(procedure=procedure, values=VALID_ANSWERS)
        codes.append(services.submit_dossier(actor=dossier.applicant, dossier=dossier).code)
    assert [parse_dossier_code(c)[2] for c in codes] == [1, 2, 3]
    other = make_dossier(values=VALID_ANSWERS)
    assert parse_dossier_code(services.submit_dossier(actor=other.applicant, dossier=other).code)[2] == 1


def test_submit_refuses_missing_answers_with_the_step():
    dossier = make_dossier(values={"full_name": "An"})
    with pytest.raises(DossierInvalid) as info:
        services.submit_dossier(actor=dossier.applicant, dossier=dossier)
    assert "reason" in info.value.errors
    assert info.value.step == 1
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT and dossier.code is None
    assert not DossierCodeCounter.objects.exists() or DossierCodeCounter.objects.get().last_number == 0


def test_submit_refuses_after_procedure_closed():
    procedure = published_procedure()
    dossier = make_dossier(procedure=procedure, values=VALID_ANSWERS)
    procedure_services.close_procedure(actor=procedure.admin, procedure=procedure)
    with pytest.raises(ProcedureNotOpen):
        services.submit_dossier(actor=dossier.applicant, dossier=dossier)


def test_ineligibility_rule_blocks_submission():
    procedure = published_procedure()
    draft = procedure.revisions.get(state="draft")
    rule = {"id": "r1", "condition": {"op": "gt", "args": [{"var": "copies"}, {"const": 5}]},
            "message_vi": "Tối đa 5 bản sao.", "message_en": "At most 5 copies.", "message_fr": "5 copies au plus."}
    procedure_services.set_rules(actor=procedure.admin, revision=draft, ineligibility_rules=[rule])
    procedure_services.publish_revision(actor=procedure.admin, procedure=procedure)
    dossier = make_dossier(procedure=procedure, values={**VALID_ANSWERS, "copies": 9})
    with pytest.raises(DossierInvalid) as info:
        services.submit_dossier(actor=dossier.applicant, dossier=dossier)
    assert info.value.ineligible[0]["message_vi"] == "Tối đa 5 bản sao."


def test_hidden_answers_are_cleared_at_submission():
    fields = (
        ("yes_no", "Có con?", {"stable_id": "has_child", "required": True}),
        ("short_text", "Tên con", {"stable_id": "child_name", "condition": {"op": "eq", "args": [{"var": "has_child"}, {"const": True}]}}),
    )
    procedure = published_procedure(fields=fields)
    dossier = make_dossier(procedure=procedure, values={"has_child": False, "child_name": "Bé"})
    dossier = services.submit_dossier(actor=dossier.applicant, dossier=dossier)
    assert "child_name" not in dossier.values


def test_transition_table_is_enforced():
    dossier = make_dossier(values=VALID_ANSWERS)
    dossier = services.submit_dossier(actor=dossier.applicant, dossier=dossier)
    with pytest.raises(InvalidTransition):
        services.transition_dossier(dossier=dossier, name="decide", actor=None, role="instructor")
    with pytest.raises(InvalidTransition):
        services.transition_dossier(dossier=dossier, name="receive", actor=dossier.applicant, role="applicant")


def test_pause_is_recorded_for_supplement_states():
    dossier = make_dossier(values=VALID_ANSWERS)
    dossier = services.submit_dossier(actor=dossier.applicant, dossier=dossier)
    services.transition_dossier(dossier=dossier, name="request_supplement", actor=None, role="reception")
    assert ClockPause.objects.get(dossier=dossier).ended_at is None
    services.transition_dossier(dossier=dossier, name="answer_supplement_at_intake", actor=dossier.applicant, role="applicant")
    assert ClockPause.objects.get(dossier=dossier).ended_at is not None


def test_state_is_assigned_only_by_transition_dossier():
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\.state\s*=(?!=)", line) and "dossier.state = transition.target" not in line:
                offenders.append(f"{path.relative_to(root)}:{number}")
    allowed = {p for p in offenders if not p.startswith("dossiers/")}
    assert set(offenders) == allowed, offenders


def test_state_table_covers_every_state():
    targets = {t.target for t in states.TRANSITIONS} | {s for t in states.TRANSITIONS for s in t.sources}
    assert targets == set(DossierState.values)


def test_test_dossiers_are_purged_on_publish():
    procedure = published_procedure()
    dossier = services.start_test_dossier(actor=procedure.admin, procedure=procedure)
    dossier.values = VALID_ANSWERS
    dossier.save(update_fields=["values"])
    dossier = services.submit_dossier(actor=procedure.admin, dossier=dossier)
    assert dossier.code.startswith("TEST-")
    assert dossier.revision.state == "draft"
    procedure_services.publish_revision(actor=procedure.admin, procedure=procedure)
    assert not Dossier.objects.filter(pk=dossier.pk).exists()


def test_test_dossier_needs_procedure_admin():
    procedure = published_procedure()
    with pytest.raises(PermissionDenied):
        services.start_test_dossier(actor=StaffFactory(), procedure=procedure)


def test_drafts_are_warned_then_purged(mailoutbox, settings, django_capture_on_commit_callbacks):
    settings.DOSSIER_DRAFT_RETENTION_DAYS = 30
    settings.DOSSIER_DRAFT_WARNING_DAYS = 7
    dossier = make_dossier()
    Dossier.objects.filter(pk=dossier.pk).update(last_saved_at=timezone.now() - dt.timedelta(days=25))
    assert services.purge_expired_drafts() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.warn_expiring_drafts() == 1
    assert len(mailoutbox) == 1
    assert "deleted" in mailoutbox[0].subject or "xóa" in mailoutbox[0].subject
    assert services.warn_expiring_drafts() == 0  # warned once
    assert services.purge_expired_drafts(now=timezone.now() + dt.timedelta(days=6)) == 1
    assert not Dossier.objects.filter(pk=dossier.pk).exists()


def test_state_docs_are_generated_from_the_table():
    import pathlib

    doc = (pathlib.Path(__file__).resolve().parents[4] / "docs" / "dossier-states.md").read_text()
    assert states.as_markdown() in doc


def test_housekeeping_command_runs(capsys):
    from django.core.management import call_command

    make_dossier()
    call_command("dossiers_housekeeping")
    assert "drafts warned: 0, drafts deleted: 0, prefill links deleted: 0" in capsys.readouterr().out
