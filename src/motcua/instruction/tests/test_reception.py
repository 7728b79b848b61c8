"""Reception at the one-stop desk: receive (the legal clock starts, the receipt is issued, the
applicant is told), refuse at intake with reasons (signed form 03, e-mailed), start instruction;
and who may do it (others get NotFound: no existence leak)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory, StaffFactory
from motcua.agencies.tests.factories import AgencyFactory, MembershipFactory
from motcua.core.calendar_store import current_calendar
from motcua.core.errors import NotFound
from motcua.documents.constants import DocumentKind
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.constants import ActorRole, DossierState
from motcua.dossiers.errors import InputInvalid, InvalidTransition
from motcua.dossiers.events import verify_chain
from motcua.dossiers.tests.factories import published_procedure
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier
from motcua.procedures.constants import ServiceLevel

from .. import permissions, selectors, services

pytestmark = pytest.mark.django_db

VN = dt.timezone(dt.timedelta(hours=7))
REASONS = "Thủ tục này thuộc thẩm quyền của UBND xã, không thuộc thẩm quyền của Sở.\nĐề nghị nộp tại UBND xã."


def _friday_morning() -> dt.datetime:
    """09:00 in Vietnam (before the receipt cut-off) on a coming Friday that is a working day,
    followed by an ordinary weekend and three working days. In the near future, not at a fixed
    date: the test signing certificates are valid from the day before the test session."""
    calendar = current_calendar()
    day = timezone.localdate() + dt.timedelta(days=3)
    while day.weekday() != 4 or [calendar.is_working_day(day + dt.timedelta(days=n)) for n in range(6)] != [
            True, False, False, True, True, True]:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=VN)


@pytest.fixture
def friday(time_machine):
    moment = _friday_morning()
    time_machine.move_to(moment, tick=False)
    return moment


def _partial_online_dossier(**metadata):
    procedure = published_procedure(level=ServiceLevel.PARTIAL_ONLINE, deadline_amount=3, **metadata)
    return submitted_dossier(procedure=procedure)


def _officer(dossier):
    return staff_of(dossier.agency, Role.RECEIVING_OFFICER)


def _local_day(moment):
    return timezone.localtime(moment).date()


# --- receive_dossier --------------------------------------------------------------------------


def test_receiving_a_partly_online_dossier_starts_the_clock_in_working_days(
        friday, mailoutbox, django_capture_on_commit_callbacks):
    dossier = _partial_online_dossier()
    assert dossier.due_at is None and dossier_selectors.get_receipt(dossier=dossier) is None
    mailoutbox.clear()
    officer = _officer(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        services.receive_dossier(actor=officer, dossier=dossier, note="Đủ thành phần hồ sơ.")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RECEIVED and dossier.received_at == friday
    # Three working days from Friday: Monday, Tuesday, Wednesday (the weekend does not count).
    wednesday = friday.date() + dt.timedelta(days=5)
    assert _local_day(dossier.due_at) == wednesday
    event = dossier.events.get(type="dossier.received")
    assert event.actor == officer and event.actor_role == ActorRole.RECEPTION
    assert event.payload["note"] == "Đủ thành phần hồ sơ."
    assert dt.datetime.fromisoformat(event.payload["due_at"]) == dossier.due_at
    assert verify_chain(dossier)
    # The receipt now has its return date; the applicant is told, once.
    receipt = dossier_selectors.get_receipt(dossier=dossier)
    assert receipt is not None and receipt.kind == DocumentKind.RECEIPT
    assert [m.to for m in mailoutbox] == [[dossier.applicant.email]]
    assert dossier.code in mailoutbox[0].subject and str(wednesday.day) in mailoutbox[0].body


def test_receiving_a_fully_online_dossier_keeps_the_date_set_at_submission(
        time_machine, mailoutbox, django_capture_on_commit_callbacks):
    friday = _friday_morning()
    time_machine.move_to(friday - dt.timedelta(days=3), tick=False)  # submitted on Tuesday
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted_dossier(procedure=published_procedure(level=ServiceLevel.FULL_ONLINE, deadline_amount=3),
                                    applicant=CitizenFactory(preferred_language="en"))
    due_at = dossier.due_at
    assert due_at is not None and dossier_selectors.get_receipt(dossier=dossier) is not None
    mailoutbox.clear()
    time_machine.move_to(friday, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.receive_dossier(actor=_officer(dossier), dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.received_at == friday and dossier.due_at == due_at
    assert dt.datetime.fromisoformat(dossier.events.get(type="dossier.received").payload["due_at"]) == due_at
    assert dossier.events.filter(type="receipt.issued").count() == 1  # not issued twice
    assert [m.subject for m in mailoutbox] == [f"Dossier {dossier.code} received"]


def test_receiving_twice_is_refused():
    dossier = _partial_online_dossier()
    officer = _officer(dossier)
    services.receive_dossier(actor=officer, dossier=dossier)
    with pytest.raises(InvalidTransition):
        services.receive_dossier(actor=officer, dossier=dossier)
    assert dossier.events.filter(type="dossier.received").count() == 1


def test_only_receiving_officers_of_the_agency_may_receive():
    dossier = _partial_online_dossier()
    strangers = (
        staff_of(dossier.agency, Role.INSTRUCTOR), staff_of(dossier.agency, Role.PROCEDURE_ADMIN),
        staff_of(AgencyFactory(), Role.RECEIVING_OFFICER), dossier.applicant, CitizenFactory(),
    )
    for stranger in strangers:
        with pytest.raises(NotFound):
            services.receive_dossier(actor=stranger, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED and dossier.received_at is None


def test_a_parent_agency_officer_and_a_superuser_may_receive():
    parent = AgencyFactory()
    child = AgencyFactory(parent=parent)
    dossier = _partial_online_dossier(agency=child)
    assert dossier.agency_id in permissions.staff_agency_ids(staff_of(parent, Role.RECEIVING_OFFICER))
    services.receive_dossier(actor=staff_of(parent, Role.RECEIVING_OFFICER), dossier=dossier)
    other = _partial_online_dossier()
    services.receive_dossier(actor=StaffFactory(is_superuser=True), dossier=other)
    for item in (dossier, other):
        item.refresh_from_db()
        assert item.state == DossierState.RECEIVED


def test_a_too_long_note_is_refused():
    dossier = _partial_online_dossier()
    with pytest.raises(InputInvalid) as info:
        services.receive_dossier(actor=_officer(dossier), dossier=dossier, note="x" * 2001)
    assert set(info.value.fields) == {"note"}
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED


def test_staff_agency_ids_covers_the_roles_asked_for():
    agency = AgencyFactory()
    user = staff_of(agency, Role.INSTRUCTOR)
    assert permissions.staff_agency_ids(user) == {agency.pk}
    assert permissions.staff_agency_ids(user, roles=[Role.RECEIVING_OFFICER]) == set()
    MembershipFactory(user=user, agency=AgencyFactory(), role=Role.PROCEDURE_ADMIN)
    assert permissions.staff_agency_ids(user) == {agency.pk}
    assert permissions.staff_agency_ids(CitizenFactory()) == set()


# --- reject_intake ----------------------------------------------------------------------------


def test_rejecting_without_reasons_changes_nothing():
    dossier = _partial_online_dossier()
    for reasons in ("", "   ", "x" * 5001):
        with pytest.raises(InputInvalid) as info, translation.override("en"):
            services.reject_intake(actor=_officer(dossier), dossier=dossier, reasons=reasons)
        assert set(info.value.fields) == {"reasons"}
    with translation.override("en"):
        assert info.value.fields["reasons"] == ["Write at most 5000 characters."]
    with pytest.raises(InputInvalid) as info, translation.override("en"):
        services.reject_intake(actor=_officer(dossier), dossier=dossier, reasons="")
    assert info.value.fields["reasons"] == ["Say why the dossier cannot be received."]
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED and dossier.closed_at is None
    assert not dossier.events.filter(type="dossier.rejected_at_intake").exists()


def test_rejecting_issues_a_signed_refusal_and_emails_it(
        friday, client, mailoutbox, signing_pki, django_capture_on_commit_callbacks):
    dossier = _partial_online_dossier()
    mailoutbox.clear()
    officer = _officer(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_intake(actor=officer, dossier=dossier, reasons=f"  {REASONS}  ")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REJECTED_AT_INTAKE and dossier.closed_at == friday
    event = dossier.events.get(type="dossier.rejected_at_intake")
    assert event.payload == {"reasons": REASONS} and event.actor == officer
    assert dossier.events.filter(type="intake_refusal.issued").exists() and verify_chain(dossier)

    refusal = selectors.get_intake_refusal(dossier)
    assert refusal.kind == DocumentKind.INTAKE_REFUSAL and refusal.reference == dossier.code
    data = refusal.file.open("rb").read()
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(signing_pki.root_cert))])
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(data)).embedded_signatures[0], context)
    assert status.intact and status.valid and status.trusted

    # One e-mail, in the applicant's language, with the reasons and the signed PDF attached.
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [dossier.applicant.email] and dossier.code in mail.subject
    assert "thẩm quyền của UBND xã" in mail.body
    name, content, mimetype = mail.attachments[0]
    assert name.endswith(".pdf") and content == data and mimetype == "application/pdf"

    # The tracking page shows the reasons and links the signed refusal; no pending receipt.
    client.force_login(dossier.applicant)
    page = client.get(reverse("dossiers:dossier-track", args=[dossier.public_id])).content.decode()
    assert reverse("documents:document-download", args=[refusal.code]) in page
    assert "thẩm quyền của UBND xã" in page and "The receipt is being prepared" not in page


def test_refusal_is_issued_once():
    from .. import tasks

    dossier = _partial_online_dossier()
    services.reject_intake(actor=_officer(dossier), dossier=dossier, reasons=REASONS)
    tasks.issue_intake_refusal.call(dossier.pk)
    tasks.issue_intake_refusal.call(dossier.pk)
    assert dossier.events.filter(type="intake_refusal.issued").count() == 1


def test_only_receiving_officers_may_reject_and_only_at_intake():
    dossier = _partial_online_dossier()
    for stranger in (staff_of(dossier.agency, Role.INSTRUCTOR), staff_of(AgencyFactory(), Role.RECEIVING_OFFICER)):
        with pytest.raises(NotFound):
            services.reject_intake(actor=stranger, dossier=dossier, reasons=REASONS)
    advance(dossier, "receive")
    with pytest.raises(InvalidTransition):
        services.reject_intake(actor=_officer(dossier), dossier=dossier, reasons=REASONS)


# --- start_instruction ------------------------------------------------------------------------


def test_instructors_and_receiving_officers_of_the_agency_may_start_instruction():
    for role, actor_role in ((Role.INSTRUCTOR, ActorRole.INSTRUCTOR), (Role.RECEIVING_OFFICER, ActorRole.RECEPTION)):
        dossier = advance(_partial_online_dossier(), "receive")
        services.start_instruction(actor=staff_of(dossier.agency, role), dossier=dossier)
        dossier.refresh_from_db()
        assert dossier.state == DossierState.IN_INSTRUCTION
        assert dossier.events.get(type="dossier.instruction_started").actor_role == actor_role


def test_others_may_not_start_instruction_nor_start_it_before_reception():
    dossier = _partial_online_dossier()
    instructor = staff_of(dossier.agency, Role.INSTRUCTOR)
    with pytest.raises(InvalidTransition):
        services.start_instruction(actor=instructor, dossier=dossier)  # not received yet
    advance(dossier, "receive")
    strangers = (staff_of(dossier.agency, Role.AGENCY_ADMIN), staff_of(AgencyFactory(), Role.INSTRUCTOR),
                 dossier.applicant)
    for stranger in strangers:
        with pytest.raises(NotFound):
            services.start_instruction(actor=stranger, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RECEIVED


def test_drafts_do_not_exist_for_staff():
    from motcua.dossiers.tests.factories import make_dossier

    draft = make_dossier()
    with pytest.raises(NotFound):
        services.receive_dossier(actor=_officer(draft), dossier=draft)
