"""Filing at the counter through the back office: the entry on the workspace, the procedure
choice (search without accents, scoped to the officer's agencies, bounded queries), the one-page
form (identity, every step, scanned papers), the page with the code and the receipt, and bad
input (400, messages next to the fields, what was typed kept, files to choose again)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.accounts.constants import Role
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.dossiers.constants import DossierChannel, DossierState
from motcua.dossiers.models import Attachment, Dossier
from motcua.dossiers.tests import samples
from motcua.dossiers.tests.factories import SIMPLE_FIELDS, published_procedure
from motcua.dossiers.tests.lifecycle import staff_of
from motcua.procedures.constants import ServiceLevel

pytestmark = pytest.mark.django_db

FIELDS = (
    *SIMPLE_FIELDS,
    ("file", "Giấy tờ kèm theo", {"stable_id": "papers", "required": True, "options": {"families": ["pdf", "image"]}}),
)
IDENTITY = {
    "applicant-full_name": "Trần Văn Bình", "applicant-personal_id": "001090000123", "applicant-birth_date": "15/03/1990",
    "applicant-phone": "0912345678", "applicant-email": "", "applicant-address": "Số 5 phố Hàng Bài, Hà Nội",
}
ANSWERS = {"full_name": "Nguyễn Văn An", "copies": "2", "reason": "Xin cấp bản sao"}


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def procedure():
    return published_procedure(fields=FIELDS, level=ServiceLevel.PARTIAL_ONLINE, name_vi="Cấp bản sao trích lục khai sinh")


def _signed_in(client, agency, role=Role.RECEIVING_OFFICER):
    user = staff_of(agency, role)
    force_verified_login(client, user)
    client.user = user
    return client


def _pdf(name="giay-to.pdf", content=None):
    return SimpleUploadedFile(name, content if content is not None else samples.pdf(), "application/pdf")


def _file_url(procedure):
    return reverse("backoffice:counter-file", args=[procedure.public_id])


# --- Entry and procedure choice ---------------------------------------------------------------------


def test_workspace_offers_counter_filing_to_receiving_officers_only(client, procedure):
    url = reverse("backoffice:counter-procedures")
    assert url in _signed_in(client, procedure.agency).get(reverse("backoffice:home")).content.decode()
    client.logout()
    assert url not in _signed_in(client, procedure.agency, Role.INSTRUCTOR).get(reverse("backoffice:home")).content.decode()


def test_procedure_choice_lists_the_officers_agencies_and_searches_without_accents(client, procedure):
    other = published_procedure(fields=FIELDS, name_vi="Đăng ký kết hôn")  # another agency
    child = published_procedure(fields=FIELDS, agency=AgencyFactory(parent=procedure.agency), name_vi="Đăng ký khai tử")
    client = _signed_in(client, procedure.agency)

    content = client.get(reverse("backoffice:counter-procedures")).content.decode()
    assert "Cấp bản sao trích lục khai sinh" in content and "Đăng ký khai tử" in content
    assert "Đăng ký kết hôn" not in content and _file_url(other) not in content
    assert _file_url(procedure) in content and _file_url(child) in content

    found = client.get(reverse("backoffice:counter-procedures"), {"q": "trich luc KHAI sinh"}).content.decode()
    assert _file_url(procedure) in found and _file_url(child) not in found
    assert "1 procedure matches" in found


def test_procedure_choice_marks_online_only_procedures_without_a_link(client, procedure):
    online_only = published_procedure(fields=FIELDS, agency=procedure.agency, channels=["online"], name_vi="Thủ tục trực tuyến")
    content = _signed_in(client, procedure.agency).get(reverse("backoffice:counter-procedures")).content.decode()
    assert "Thủ tục trực tuyến" in content and "Not filed at the desk: online only." in content
    assert _file_url(online_only) not in content


@pytest.mark.parametrize("rows", [2, 20])
def test_procedure_choice_query_count_does_not_grow_with_the_procedures(client, django_assert_max_num_queries, rows):
    agency = AgencyFactory()
    for n in range(rows):
        published_procedure(fields=SIMPLE_FIELDS[:2], agency=agency, name_vi=f"Thủ tục số {n}")
    client = _signed_in(client, agency)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("backoffice:counter-procedures"))
    assert response.status_code == 200 and response.content.decode().count("/backoffice/counter/") >= rows


# --- Who may file ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["instructor", "other_agency"])
def test_counter_form_is_not_found_when_the_officer_may_not_file_the_procedure(client, procedure, who):
    if who == "instructor":
        client = _signed_in(client, procedure.agency, Role.INSTRUCTOR)
    else:
        client = _signed_in(client, AgencyFactory())
    assert client.get(_file_url(procedure)).status_code == 404
    response = client.post(_file_url(procedure), {**IDENTITY, **ANSWERS, "papers": _pdf()})
    assert response.status_code == 404 and not Dossier.objects.exists()


# --- The form and the happy path ----------------------------------------------------------------------


def test_counter_form_shows_the_identity_every_step_and_the_file_controls(client, procedure):
    content = _signed_in(client, procedure.agency).get(_file_url(procedure)).content.decode()
    assert "Cấp bản sao trích lục khai sinh" in content
    assert 'name="applicant-personal_id"' in content and 'for="id_applicant-personal_id"' in content
    # Both steps of the form on one page, with the citizen form's widgets.
    assert "Thông tin người yêu cầu" in content and "Nội dung" in content
    assert 'name="full_name"' in content and 'name="reason"' in content and 'type="file"' in content
    assert 'enctype="multipart/form-data"' in content


def test_filing_at_the_counter_shows_the_code_the_return_date_and_the_receipt(
        client, procedure, django_capture_on_commit_callbacks):
    client = _signed_in(client, procedure.agency)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_file_url(procedure), {**IDENTITY, **ANSWERS, "papers": _pdf()})

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:counter-done", args=[dossier.public_id])
    assert dossier.state == DossierState.RECEIVED and dossier.channel == DossierChannel.COUNTER
    assert dossier.events.get(type="dossier.received").actor == client.user
    page = client.get(response["Location"]).content.decode()
    assert dossier.code in page and "Expected return" in page
    receipt_url = reverse("backoffice:dossier-receipt", args=[dossier.public_id])
    assert receipt_url in page and "Print the receipt (form 01)" in page
    pdf = client.get(receipt_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    # The staff dossier page says how the dossier came, and who filed it.
    detail = client.get(reverse("backoffice:dossier-detail", args=[dossier.public_id])).content.decode()
    assert "Filed through" in detail and "At the one-stop desk" in detail
    assert "The dossier was filed at the one-stop desk for the applicant." in detail
    assert "Identity typed at the one-stop desk from the applicant's papers." in detail


def test_done_page_says_the_receipt_is_being_signed_until_it_is_issued(client, procedure):
    client = _signed_in(client, procedure.agency)
    client.post(_file_url(procedure), {**IDENTITY, **ANSWERS, "papers": _pdf()})  # tasks not run: no receipt yet
    dossier = Dossier.objects.get()
    page = client.get(reverse("backoffice:counter-done", args=[dossier.public_id])).content.decode()
    assert "The receipt (form 01) is being signed." in page
    assert client.get(reverse("backoffice:dossier-receipt", args=[dossier.public_id])).status_code == 404


# --- Bad input ------------------------------------------------------------------------------------------


def test_bad_input_shows_every_error_next_to_its_field_and_keeps_what_was_typed(client, procedure):
    client = _signed_in(client, procedure.agency)
    exe = SimpleUploadedFile("giay-to.exe", samples.windows_program(), "application/octet-stream")

    response = client.post(_file_url(procedure), {**IDENTITY, "applicant-personal_id": "12345", **ANSWERS, "reason": "",
                                                  "papers": exe})

    content = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in content and "There is a problem" in content
    assert "The personal identification number has 12 digits" in content
    assert 'href="#id_applicant-personal_id"' in content and 'aria-invalid="true"' in content
    assert "giay-to.exe" in content and "not of an accepted kind" in content  # the upload check's message
    assert 'href="#id_reason"' in content
    assert "Choose the file again: files are not kept until the dossier is filed." in content
    # Nothing typed is lost.
    assert 'value="Trần Văn Bình"' in content and 'value="12345"' in content and 'value="Nguyễn Văn An"' in content
    assert not Dossier.objects.exists() and not Attachment.objects.exists()


def test_missing_identity_and_required_file_are_reported_when_nothing_is_typed(client, procedure):
    response = _signed_in(client, procedure.agency).post(_file_url(procedure), {})
    content = response.content.decode()
    assert response.status_code == 400
    assert "Enter the applicant&#x27;s full name, as on the identity card." in content
    assert "Attach the file." in content and "Answer this question." in content
    assert "Choose the file again" not in content  # no file was chosen


def test_update_the_form_shows_the_page_again_without_filing_nor_errors(client, procedure):
    response = _signed_in(client, procedure.agency).post(_file_url(procedure), {
        **IDENTITY, "applicant-full_name": "", **ANSWERS, "action": "refresh", "papers": _pdf()})
    content = response.content.decode()
    assert response.status_code == 200 and not Dossier.objects.exists()
    assert "There is a problem" not in content and 'value="Nguyễn Văn An"' in content
    assert "the scanned files were not kept: choose them again" in content
