"""The staff dossier page: what it shows, who may see it (other agencies: 404), files, and each
action through HTTP (good input changes the state; bad input is a 400 with the message next to
the field and nothing changed)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.dossiers import attachments
from motcua.dossiers import services as dossier_services
from motcua.dossiers.constants import DossierState
from motcua.dossiers.models import Dossier, Message
from motcua.dossiers.tests import samples
from motcua.dossiers.tests.factories import SIMPLE_FIELDS, VALID_ANSWERS, make_dossier, published_procedure
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

pytestmark = pytest.mark.django_db

PRIVATE_FIELDS = (
    *SIMPLE_FIELDS,
    ("short_text", "Nhận xét của cán bộ thẩm định", {"stable_id": "review_note", "private": True}),
)
FILE_FIELDS = (
    *SIMPLE_FIELDS,
    ("file", "Giấy tờ kèm theo", {"stable_id": "documents", "options": {"families": ["pdf", "image"], "multiple": True}}),
)


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def procedure():
    return published_procedure(fields=PRIVATE_FIELDS)


@pytest.fixture
def dossier(procedure):
    applicant = CitizenFactory(full_name="Nguyễn Văn An", personal_id="001090000001", phone="0912345678")
    return submitted_dossier(procedure=procedure, applicant=applicant)


def _signed_in(client, agency, role=Role.RECEIVING_OFFICER):
    user = staff_of(agency, role)
    force_verified_login(client, user)
    client.user = user
    return client


def _url(name, dossier, *args):
    return reverse(f"backoffice:{name}", args=[dossier.public_id, *args])


def _reload(dossier):
    return Dossier.objects.get(pk=dossier.pk)


# --- What the page shows -----------------------------------------------------------------------


def test_page_shows_status_dates_applicant_answers_and_full_history(client, dossier):
    client = _signed_in(client, dossier.agency)
    dossier_services.send_message(actor=dossier.applicant, dossier=dossier, body="Tôi cần bổ sung gì?")

    response = client.get(_url("dossier-detail", dossier))

    content = response.content.decode()
    assert response.status_code == 200
    assert f"Dossier {dossier.code}" in content
    assert "<strong>Submitted</strong>" in content and "national status 1: <span lang=\"vi\">Mới đăng ký</span>" in content
    assert "Nguyễn Văn An" in content and "001090000001" in content and "0912345678" in content
    assert "Xin cấp bản sao" in content  # an answer
    assert "The applicant submitted the dossier." in content and "The applicant started the dossier." in content
    assert "The applicant wrote to the agency." in content and "Tôi cần bổ sung gì?" in content
    # The actions of a receiving officer on a submitted dossier.
    for action in ("dossier-receive", "dossier-reject", "dossier-supplement"):
        assert _url(action, dossier) in content
    assert _url("dossier-start", dossier) not in content


def test_history_shows_internal_events_with_who_acted(client, dossier):
    client = _signed_in(client, dossier.agency)
    officer = client.user
    from motcua.instruction import services

    services.receive_dossier(actor=officer, dossier=dossier, note="Đủ giấy tờ, đã kiểm tra bản gốc.")
    from motcua.dossiers.events import append_event

    append_event(_reload(dossier), type="dossier.assigned", actor=officer, actor_role="instructor", payload={})

    content = client.get(_url("dossier-detail", dossier)).content.decode()

    assert "The dossier was received. The processing time runs from now." in content
    assert f"{officer.full_name}, One-stop desk officer" in content
    assert "Đủ giấy tờ, đã kiểm tra bản gốc." in content
    assert "The dossier was updated." in content  # an internal event the applicant never sees


def test_instructor_sees_start_processing_on_a_received_dossier(client, dossier):
    advance(dossier, "receive")
    client = _signed_in(client, dossier.agency, Role.INSTRUCTOR)
    content = client.get(_url("dossier-detail", dossier)).content.decode()
    assert _url("dossier-start", dossier) in content and _url("dossier-supplement", dossier) in content
    assert _url("dossier-receive", dossier) not in content and _url("dossier-reject", dossier) not in content


def test_private_fields_are_shown_to_staff_only(client, dossier):
    Dossier.objects.filter(pk=dossier.pk).update(values={**dossier.values, "review_note": "Hồ sơ hợp lệ, đề nghị cấp."})

    applicant_client = type(client)()
    applicant_client.cookies = client.cookies
    applicant_client.force_login(dossier.applicant)
    track = applicant_client.get(reverse("dossiers:dossier-track", args=[dossier.public_id])).content.decode()
    staff_page = _signed_in(client, dossier.agency).get(_url("dossier-detail", dossier)).content.decode()

    assert "Nhận xét của cán bộ thẩm định" not in track and "Hồ sơ hợp lệ" not in track
    assert "Internal annotations" in staff_page
    assert "Nhận xét của cán bộ thẩm định" in staff_page and "Hồ sơ hợp lệ, đề nghị cấp." in staff_page
    # Not among the answers the applicant can be asked to complete.
    assert 'value="review_note"' not in staff_page


# --- Scope: another agency's dossier does not exist ------------------------------------------------


def test_staff_of_another_agency_get_404_everywhere(client, dossier):
    client = _signed_in(client, AgencyFactory())
    assert client.get(_url("dossier-detail", dossier)).status_code == 404
    for action, data in (("dossier-receive", {}), ("dossier-reject", {"reject-reasons": "x"}), ("dossier-start", {}),
                         ("dossier-supplement", {"supplement-reason": "x", "supplement-field_ids": ["reason"]}),
                         ("dossier-message-send", {"message-body": "x"})):
        assert client.post(_url(action, dossier), data).status_code == 404, action
    assert _reload(dossier).state == DossierState.SUBMITTED
    assert not Message.objects.filter(dossier=dossier).exists()


def test_drafts_and_test_dossiers_are_not_found(client, procedure):
    draft = make_dossier(procedure=procedure, values=VALID_ANSWERS)
    client = _signed_in(client, procedure.agency)
    assert client.get(_url("dossier-detail", draft)).status_code == 404
    test_dossier = submitted_dossier(procedure=procedure)
    Dossier.objects.filter(pk=test_dossier.pk).update(is_test=True)
    assert client.get(_url("dossier-detail", test_dossier)).status_code == 404


def test_citizens_may_not_open_the_staff_page(client, dossier):
    client.force_login(dossier.applicant)
    assert client.get(_url("dossier-detail", dossier)).status_code == 403


# --- Files ----------------------------------------------------------------------------------------


@pytest.fixture
def dossier_with_file():
    procedure = published_procedure(fields=FILE_FIELDS)
    dossier = make_dossier(procedure=procedure, values=VALID_ANSWERS)
    upload = SimpleUploadedFile("giay-to.pdf", samples.pdf(b"ho so"), content_type="application/pdf")
    attachment = attachments.store_upload(actor=dossier.applicant, dossier=dossier, field_key="documents", upload=upload,
                                          families=["pdf"], max_size_mb=5)
    Dossier.objects.filter(pk=dossier.pk).update(values={**dossier.values, "documents": [attachment.reference()]})
    dossier = dossier_services.submit_dossier(actor=dossier.applicant, dossier=_reload(dossier))
    dossier.attachment = attachment
    return dossier


def test_staff_download_the_dossiers_files(client, dossier_with_file):
    dossier, attachment = dossier_with_file, dossier_with_file.attachment
    client = _signed_in(client, dossier.agency, Role.INSTRUCTOR)
    file_url = _url("dossier-file", dossier, attachment.token)

    page = client.get(_url("dossier-detail", dossier)).content.decode()
    response = client.get(file_url)

    assert file_url in page and "giay-to.pdf" in page and "Giấy tờ kèm theo" in page
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert 'filename="giay-to.pdf"' in response["Content-Disposition"]
    other = _signed_in(type(client)(), AgencyFactory(), Role.INSTRUCTOR)
    assert other.get(file_url).status_code == 404
    assert client.get(_url("dossier-file", dossier, "not-a-token")).status_code == 404


# --- Actions ------------------------------------------------------------------------------------


def test_receive_with_a_note(client, dossier):
    client = _signed_in(client, dossier.agency)

    response = client.post(_url("dossier-receive", dossier), {"receive-note": "Đã kiểm tra bản gốc."}, follow=True)

    assert response.redirect_chain == [(_url("dossier-detail", dossier), 302)]
    assert "The dossier was received." in response.content.decode()
    dossier = _reload(dossier)
    assert dossier.state == DossierState.RECEIVED and dossier.due_at is not None
    assert dossier.events.get(type="dossier.received").payload["note"] == "Đã kiểm tra bản gốc."


def test_receive_with_a_too_long_note_keeps_it_and_changes_nothing(client, dossier):
    client = _signed_in(client, dossier.agency)
    note = "x" * 1001

    response = client.post(_url("dossier-receive", dossier), {"receive-note": note})

    content = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in content and 'href="#id_receive-note"' in content
    assert "Write at most 1000 characters (it has 1001)." in content
    assert note in content
    assert _reload(dossier).state == DossierState.SUBMITTED


def test_an_instructor_cannot_receive(client, dossier):
    client = _signed_in(client, dossier.agency, Role.INSTRUCTOR)
    assert client.post(_url("dossier-receive", dossier), {}).status_code == 404
    assert _reload(dossier).state == DossierState.SUBMITTED


def test_receiving_twice_says_the_dossier_moved_on(client, dossier):
    client = _signed_in(client, dossier.agency)
    advance(dossier, "receive")

    response = client.post(_url("dossier-receive", dossier), {"receive-note": "Ghi chú"})

    assert response.status_code == 409
    assert "This action is not possible at this stage of the dossier." in response.content.decode()


def test_reject_at_intake_needs_reasons(client, dossier, django_capture_on_commit_callbacks):
    client = _signed_in(client, dossier.agency)

    missing = client.post(_url("dossier-reject", dossier), {"reject-reasons": "  "})

    assert missing.status_code == 400
    assert "Say why the dossier is not accepted." in missing.content.decode()
    assert _reload(dossier).state == DossierState.SUBMITTED

    with django_capture_on_commit_callbacks(execute=False):
        done = client.post(_url("dossier-reject", dossier), {"reject-reasons": "Không thuộc thẩm quyền của Sở."})

    assert done.status_code == 302
    dossier = _reload(dossier)
    assert dossier.state == DossierState.REJECTED_AT_INTAKE
    assert dossier.events.get(type="dossier.rejected_at_intake").payload["reasons"] == "Không thuộc thẩm quyền của Sở."


def test_ask_for_completion(client, dossier, mailoutbox, django_capture_on_commit_callbacks):
    client = _signed_in(client, dossier.agency)
    due_on = timezone.localdate() + dt.timedelta(days=10)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("dossier-supplement", dossier), {
            "supplement-reason": "Ghi rõ mục đích sử dụng.", "supplement-field_ids": ["reason", "copies"],
            "supplement-due_on": due_on.isoformat()})

    assert response.status_code == 302
    dossier = _reload(dossier)
    assert dossier.state == DossierState.AWAITING_SUPPLEMENT
    request = dossier.supplement_requests.get()
    assert request.field_ids == ["copies", "reason"] and request.due_on == due_on
    assert len(mailoutbox) == 1
    page = client.get(_url("dossier-detail", dossier)).content.decode()
    assert "Waiting for the applicant to complete the dossier" in page and "Ghi rõ mục đích sử dụng." in page


def test_ask_for_completion_with_bad_input_keeps_what_was_typed(client, dossier):
    client = _signed_in(client, dossier.agency)

    no_fields = client.post(_url("dossier-supplement", dossier), {"supplement-reason": "Thiếu lý do cụ thể."})
    past = client.post(_url("dossier-supplement", dossier), {
        "supplement-reason": "Thiếu lý do cụ thể.", "supplement-field_ids": ["reason"], "supplement-due_on": "2000-01-01"})
    unknown = client.post(_url("dossier-supplement", dossier), {
        "supplement-reason": "Thiếu.", "supplement-field_ids": ["review_note"]})

    assert no_fields.status_code == past.status_code == unknown.status_code == 400
    no_fields, past = no_fields.content.decode(), past.content.decode()
    assert "Choose the answers or files to complete." in no_fields and 'href="#id_supplement-field_ids"' in no_fields
    assert "Thiếu lý do cụ thể." in no_fields
    assert "The date must be today or later." in past and 'value="2000-01-01"' in past
    assert 'value="reason" id="id_supplement-field_ids_' in past and "checked" in past
    assert "Some of the chosen answers are not part of this form." in unknown.content.decode()
    assert _reload(dossier).state == DossierState.SUBMITTED


def test_start_processing(client, dossier):
    advance(dossier, "receive")
    client = _signed_in(client, dossier.agency, Role.INSTRUCTOR)

    response = client.post(_url("dossier-start", dossier), follow=True)

    assert "Processing started." in response.content.decode()
    dossier = _reload(dossier)
    assert dossier.state == DossierState.IN_INSTRUCTION
    assert dossier.events.get(type="dossier.instruction_started").actor_role == "instructor"


def test_start_processing_of_a_dossier_not_received_yet_changes_nothing(client, dossier):
    client = _signed_in(client, dossier.agency, Role.INSTRUCTOR)
    response = client.post(_url("dossier-start", dossier))
    assert response.status_code == 409
    assert _reload(dossier).state == DossierState.SUBMITTED


def test_send_a_message_to_the_applicant(client, dossier, mailoutbox, django_capture_on_commit_callbacks):
    client = _signed_in(client, dossier.agency, Role.INSTRUCTOR)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("dossier-message-send", dossier), {"message-body": "Vui lòng mang bản gốc khi nhận kết quả."})

    assert response.status_code == 302 and response["Location"].endswith("#messages")
    message = Message.objects.get(dossier=dossier)
    assert message.from_agency and message.author == client.user
    assert len(mailoutbox) == 1


def test_an_empty_message_is_refused(client, dossier):
    client = _signed_in(client, dossier.agency, Role.INSTRUCTOR)
    response = client.post(_url("dossier-message-send", dossier), {"message-body": ""})
    assert response.status_code == 400
    assert "Write your message." in response.content.decode()
    assert not Message.objects.filter(dossier=dossier).exists()


def test_actions_need_a_post(client, dossier):
    client = _signed_in(client, dossier.agency)
    assert client.get(_url("dossier-receive", dossier)).status_code == 405
