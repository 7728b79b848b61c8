"""Filing at the one-stop desk (dossiers/counter.py, instruction/counter.py): a receiving officer
files for a walk-in applicant, whose dossier is checked as an online one, coded, received at once
and receipted; the applicant's account is keyed by their identification number, and the
applicant finds the dossier when they later sign in with the identity provider."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from motcua.accounts.constants import Role, UserKind
from motcua.accounts.models import User
from motcua.accounts.oidc import CitizenOIDCBackend
from motcua.accounts.tests import conftest as oidc_fixtures
from motcua.accounts.tests.factories import (
    SANDBOX_PASSWORD,
    CitizenFactory,
    SandboxIdentityFactory,
)
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core.errors import NotFound
from motcua.documents.constants import DocumentKind
from motcua.dossiers import counter, receipts, selectors
from motcua.dossiers.constants import ActorRole, DossierChannel, DossierState
from motcua.dossiers.errors import FilingInvalid, ProcedureNotOpen
from motcua.dossiers.events import verify_chain
from motcua.dossiers.models import Attachment, Dossier
from motcua.instruction.counter import file_at_counter, list_procedures_for_counter
from motcua.procedures.constants import ServiceLevel

from . import samples
from .factories import SIMPLE_FIELDS, VALID_ANSWERS, published_procedure
from .lifecycle import staff_of

pytestmark = pytest.mark.django_db

# The demo identity provider on a live server, for the end-to-end sign-in (accounts/tests/conftest.py).
idp_rsa_private_key = oidc_fixtures.idp_rsa_private_key
idp_signing_key = oidc_fixtures.idp_signing_key
oidc_live = oidc_fixtures.oidc_live
user_agents = oidc_fixtures.user_agents

FIELDS = (
    *SIMPLE_FIELDS,
    ("file", "Giấy tờ kèm theo", {"stable_id": "papers", "required": True, "options": {"families": ["pdf", "image"]}}),
)
# A Hà Nội number (001) of a man born in the 1900s (digit 0) in 1990 ("90").
PERSONAL_ID = "001090000123"
IDENTITY = {
    "full_name": "Trần Văn Bình", "personal_id": PERSONAL_ID, "birth_date": "15/03/1990", "phone": "0912 345 678",
    "email": "binh.tran@example.vn", "address": "Số 5 phố Hàng Bài, phường Hoàn Kiếm, Hà Nội",
}


@pytest.fixture(autouse=True)
def _english():
    """The services' messages are read in English (the msgids)."""
    with translation.override("en"):
        yield


@pytest.fixture
def procedure():
    return published_procedure(fields=FIELDS, level=ServiceLevel.PARTIAL_ONLINE, deadline_amount=5)


@pytest.fixture
def officer(procedure):
    return staff_of(procedure.agency, Role.RECEIVING_OFFICER)


def _papers(name="giay-to.pdf", content=None):
    return {"papers": [SimpleUploadedFile(name, content if content is not None else samples.pdf(), "application/pdf")]}


def _file(officer, procedure, *, identity=IDENTITY, values=VALID_ANSWERS, files=None, **kwargs):
    return file_at_counter(actor=officer, procedure=procedure, applicant_identity=identity, values=dict(values),
                           files=_papers() if files is None else files, **kwargs)


# --- The happy path -------------------------------------------------------------------------------


def test_counter_filing_codes_receives_and_receipts_the_dossier_when_the_officer_files_it(
        procedure, officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = _file(officer, procedure)

    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.code and dossier.code.startswith(procedure.agency.eid_code)
    assert dossier.state == DossierState.RECEIVED and dossier.channel == DossierChannel.COUNTER
    assert dossier.submitted_at and dossier.received_at and dossier.due_at  # the clock started at the desk
    assert dossier.values["full_name"] == "Nguyễn Văn An" and dossier.values["reason"] == "Xin cấp bản sao"
    # The identity as typed, normalised (phone as on Vietnamese papers, gender from the number).
    assert dossier.identity["full_name"] == "Trần Văn Bình" and dossier.identity["personal_id"] == PERSONAL_ID
    assert dossier.identity["birth_date"] == "1990-03-15" and dossier.identity["phone"] == "0912345678"
    assert dossier.identity["gender"] == "male" and dossier.identity["source"] == ""
    # Every event names the officer, at the desk.
    events = list(dossier.events.order_by("seq"))
    filed = [(e.type, e.actor_id, e.actor_role) for e in events if e.type.startswith("dossier.")]
    assert filed == [("dossier.created", officer.pk, ActorRole.RECEPTION), ("dossier.submitted", officer.pk, ActorRole.RECEPTION),
                     ("dossier.received", officer.pk, ActorRole.RECEPTION)]
    assert events[0].payload["channel"] == "counter" and events[1].payload["channel"] == "counter"
    assert verify_chain(dossier)
    # The scanned paper is an attachment the answers refer to, uploaded by the officer.
    attachment = Attachment.objects.get(dossier=dossier)
    assert attachment.uploaded_by == officer and attachment.content_type == "application/pdf"
    assert dossier.values["papers"][0]["id"] == attachment.token
    # The receipt is issued once, for a paper filing (the applicant signs it at the desk).
    receipt = selectors.get_receipt(dossier=dossier)
    assert receipt is not None and receipt.kind == DocumentKind.RECEIPT
    assert dossier.events.filter(type="receipt.issued").count() == 1
    assert receipts.receipt_context(dossier).submitted_online is False
    # The applicant gave an e-mail address: one message, the reception's.
    assert [m.to for m in mailoutbox] == [["binh.tran@example.vn"]]


def test_counter_filing_creates_an_account_nobody_can_sign_in_to_when_the_applicant_is_new(procedure, officer):
    dossier = _file(officer, procedure)

    applicant = dossier.applicant
    assert applicant.username == f"counter:{PERSONAL_ID}" and applicant.kind == UserKind.CITIZEN
    assert applicant.personal_id == PERSONAL_ID and applicant.birth_date == dt.date(1990, 3, 15)
    assert applicant.full_name == "Trần Văn Bình" and applicant.email == "binh.tran@example.vn"
    assert not applicant.has_usable_password() and applicant.oidc_subject == ""


def test_a_second_counter_filing_for_the_same_person_uses_the_same_account(procedure, officer):
    first = _file(officer, procedure)
    second = _file(officer, procedure, identity={**IDENTITY, "email": "", "phone": "0987654321"})

    assert second.applicant_id == first.applicant_id
    applicant = User.objects.get(pk=first.applicant_id)
    assert applicant.phone == "0987654321" and applicant.email == "binh.tran@example.vn"  # what was left out stays


def test_counter_filing_goes_to_the_account_of_a_citizen_who_signed_in_before(procedure, officer):
    citizen = CitizenFactory(personal_id=PERSONAL_ID, birth_date=dt.date(1990, 3, 15), full_name="Trần Văn Bình",
                             phone="0911111111")

    dossier = _file(officer, procedure)

    assert dossier.applicant_id == citizen.pk
    citizen.refresh_from_db()
    assert citizen.phone == "0911111111"  # the provider's identity is not overwritten by what was typed
    assert dossier in selectors.list_dossiers_for_applicant(actor=citizen)


def test_counter_filing_is_refused_when_the_number_belongs_to_someone_born_another_day(procedure, officer):
    CitizenFactory(personal_id=PERSONAL_ID, birth_date=dt.date(1990, 7, 1))

    with pytest.raises(FilingInvalid) as refused:
        _file(officer, procedure)

    assert "another date of birth" in refused.value.identity["personal_id"][0]
    assert not Dossier.objects.exists() and not Attachment.objects.exists()


def test_counter_filing_without_reception_leaves_the_dossier_submitted_when_receive_is_false(procedure, officer):
    dossier = _file(officer, procedure, receive=False)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED and dossier.code and dossier.channel == DossierChannel.COUNTER


# --- Who may file -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["instructor", "other_agency", "citizen"])
def test_counter_filing_is_not_found_when_the_actor_is_not_a_receiving_officer_of_the_agency(procedure, who):
    actor = {
        "instructor": lambda: staff_of(procedure.agency, Role.INSTRUCTOR),
        "other_agency": lambda: staff_of(AgencyFactory(), Role.RECEIVING_OFFICER),
        "citizen": lambda: CitizenFactory(),
    }[who]()
    users = User.objects.count()

    with pytest.raises(NotFound):
        _file(actor, procedure)

    assert not Dossier.objects.exists() and User.objects.count() == users
    assert not list_procedures_for_counter(actor=actor)


def test_officer_of_a_parent_agency_files_for_its_departments_when_the_desk_is_the_province_one():
    province = AgencyFactory()
    procedure = published_procedure(fields=FIELDS, agency=AgencyFactory(parent=province))
    officer = staff_of(province, Role.RECEIVING_OFFICER)

    dossier = _file(officer, procedure)

    assert dossier.agency_id == procedure.agency_id and dossier.state == DossierState.RECEIVED
    assert list(list_procedures_for_counter(actor=officer)) == [procedure]


def test_counter_filing_is_refused_when_the_procedure_is_online_only(procedure, officer):
    online_only = published_procedure(fields=FIELDS, agency=procedure.agency, channels=["online"])
    with pytest.raises(ProcedureNotOpen):
        _file(officer, online_only)


# --- Bad input ------------------------------------------------------------------------------------


def test_every_problem_is_reported_at_once_and_nothing_is_stored_when_the_input_is_bad(procedure, officer, settings):
    users = User.objects.count()
    exe = {"papers": [SimpleUploadedFile("giay-to.exe", samples.windows_program(), "application/octet-stream")]}

    with pytest.raises(FilingInvalid) as refused:
        _file(officer, procedure, identity={**IDENTITY, "personal_id": "12345", "full_name": ""},
              values={**VALID_ANSWERS, "reason": ""}, files=exe)

    invalid = refused.value
    assert set(invalid.identity) == {"personal_id", "full_name"}
    assert "12 digits" in invalid.identity["personal_id"][0]
    assert set(invalid.errors) == {"reason", "papers"}
    assert "giay-to.exe" in invalid.errors["papers"][0]
    assert not Dossier.objects.exists() and not Attachment.objects.exists() and User.objects.count() == users
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_identity_is_refused_when_the_year_of_birth_is_not_the_one_the_number_encodes():
    identity, errors = counter.clean_identity({**IDENTITY, "birth_date": "15/03/1991"}, today=dt.date(2026, 1, 5))
    assert "born in 1991" in errors["personal_id"][0]

    identity, errors = counter.clean_identity({**IDENTITY, "birth_date": "1990-03-15", "email": ""}, today=dt.date(2026, 1, 5))
    assert errors == {} and identity["birth_date"] == "1990-03-15" and identity["email"] == ""
    assert identity["address"] == {"formatted": IDENTITY["address"]}


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("birth_date", "31/02/1990", "day/month/year"),
    ("birth_date", "01/01/2090", "in the past"),
    ("phone", "12345", "Vietnamese number"),
    ("email", "binh@", "e-mail address like"),
    ("address", "", "address"),
])
def test_identity_field_is_refused_with_its_message_when_it_is_wrong(name, value, expected):
    _identity, errors = counter.clean_identity({**IDENTITY, name: value}, today=dt.date(2026, 1, 5))
    assert expected in errors[name][0]


# --- The applicant signs in later -------------------------------------------------------------------


def _claims(*, subject="vneid-subject-1", birthdate="1990-03-15"):
    return {"sub": subject, "personal_id": PERSONAL_ID, "name": "TRẦN VĂN BÌNH", "birthdate": birthdate,
            "phone_number": "0912345678", "email": "binh.tran@example.vn"}


def _oidc_sign_in(claims):
    """What mozilla-django-oidc does with verified claims: the account with this subject, or a
    new one (create_user)."""
    backend = CitizenOIDCBackend()
    users = backend.filter_users_by_claims(claims)
    return backend.update_user(users[0], claims) if users else backend.create_user(claims)


def test_applicant_finds_the_dossier_when_they_sign_in_later_with_the_identity_provider(procedure, officer):
    dossier = _file(officer, procedure)

    citizen = _oidc_sign_in(_claims())

    assert citizen.pk == dossier.applicant_id  # the account made at the desk, taken over
    assert citizen.oidc_subject == "vneid-subject-1" and citizen.full_name == "TRẦN VĂN BÌNH"
    assert citizen.identity_verified_at is not None
    assert list(selectors.list_dossiers_for_applicant(actor=citizen)) == [dossier]
    # Signing in again finds the same account by its subject; a new counter filing goes to it.
    assert _oidc_sign_in(_claims()).pk == citizen.pk
    assert _file(officer, procedure).applicant_id == citizen.pk


def test_account_made_at_the_desk_is_not_taken_over_when_the_provider_gives_another_birth_date(procedure, officer):
    dossier = _file(officer, procedure)

    citizen = _oidc_sign_in(_claims(birthdate="1990-07-01"))

    assert citizen.pk != dossier.applicant_id
    assert not selectors.list_dossiers_for_applicant(actor=citizen).exists()
    assert User.objects.get(pk=dossier.applicant_id).oidc_subject == ""


def test_timeline_tells_the_applicant_that_the_desk_filed_the_dossier(procedure, officer):
    from motcua.dossiers.timeline import public_timeline

    dossier = _file(officer, procedure)
    texts = [item["text"] for item in public_timeline(selectors.list_events(dossier=dossier))]
    assert texts[:3] == ["The one-stop desk started the dossier for you.", "The one-stop desk filed the dossier for you.",
                         "The agency received your dossier. The processing time runs from now."]
    assert timezone.localtime(dossier.received_at).date() == timezone.localdate()


@pytest.mark.django_db(transaction=True)
def test_applicant_sees_the_dossier_in_my_dossiers_when_they_sign_in_with_the_identity_provider(request, procedure, officer):
    """End to end: the demo identity provider vouches for the number, over real HTTP."""
    live = request.getfixturevalue("oidc_live")
    SandboxIdentityFactory(personal_id=PERSONAL_ID, full_name="Trần Văn Bình", birth_date=dt.date(1990, 3, 15))
    dossier = _file(officer, procedure)
    agent = request.getfixturevalue("user_agents")()

    agent.sign_in(PERSONAL_ID, SANDBOX_PASSWORD)
    page = agent.get("/my-dossiers/")

    assert page.status_code == 200 and dossier.code in page.text
    assert User.objects.get(pk=dossier.applicant_id).oidc_issuer == live.issuer
