"""The citizen filing pages over HTTP: start, steps without JavaScript, summary, submission."""

import pytest
from django.urls import reverse

from motcua.accounts.tests.factories import CitizenFactory

from ..constants import DossierState
from ..models import Dossier
from .factories import VALID_ANSWERS, make_dossier, published_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(client):
    user = CitizenFactory(full_name="Lê Văn Cường")
    client.force_login(user)
    return user


def _step_url(dossier, step):
    return reverse("dossiers:dossier-step", args=[dossier.public_id, step])


def test_start_requires_sign_in(client):
    procedure = published_procedure()
    response = client.get(reverse("dossiers:dossier-start", args=[procedure.public_id]))
    assert response.status_code == 302 and reverse("accounts:citizen-login") in response["Location"]


def test_start_then_fill_steps_then_submit(client, citizen):
    procedure = published_procedure()
    response = client.post(reverse("dossiers:dossier-start", args=[procedure.public_id]), {"representation": "self"})
    dossier = Dossier.objects.get(applicant=citizen)
    assert response.status_code == 302 and response["Location"] == _step_url(dossier, 0)
    page = client.get(_step_url(dossier, 0))
    assert page.status_code == 200
    assert "Lê Văn Cường" in page.content.decode()  # identity shown, read-only
    response = client.post(_step_url(dossier, 0), {"full_name": "Lê Văn Cường", "copies": "2", "action": "continue"})
    assert response["Location"] == _step_url(dossier, 1)
    response = client.post(_step_url(dossier, 1), {"reason": "Cần bản sao", "action": "continue"})
    assert response["Location"] == reverse("dossiers:dossier-summary", args=[dossier.public_id])
    summary = client.get(response["Location"])
    assert "Cần bản sao" in summary.content.decode()
    response = client.post(reverse("dossiers:dossier-summary", args=[dossier.public_id]))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED and dossier.code
    assert response["Location"].startswith(reverse("dossiers:dossier-track", args=[dossier.public_id]))
    track = client.get(response["Location"])
    assert dossier.code in track.content.decode()
    # A replayed POST gives the same dossier.
    again = client.post(reverse("dossiers:dossier-summary", args=[dossier.public_id]))
    assert again.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).code == dossier.code


def test_invalid_step_shows_errors_and_keeps_answers(client, citizen):
    dossier = make_dossier(applicant=citizen)
    response = client.post(_step_url(dossier, 0), {"full_name": "", "copies": "hai", "action": "continue"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'href="#id_copies"' in html
    assert 'value="hai"' in html  # what was typed is shown again
    dossier.refresh_from_db()
    assert dossier.values["copies"] == "hai"


def test_save_button_stores_without_errors(client, citizen):
    dossier = make_dossier(applicant=citizen)
    response = client.post(_step_url(dossier, 0), {"full_name": "", "copies": "hai", "action": "save"})
    assert response.status_code == 200
    assert 'class="error-summary"' not in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).values["copies"] == "hai"


def test_summary_sends_back_to_the_step_with_errors(client, citizen):
    dossier = make_dossier(applicant=citizen, values={"full_name": "An"})
    response = client.post(reverse("dossiers:dossier-summary", args=[dossier.public_id]))
    assert response.status_code == 302 and response["Location"] == _step_url(dossier, 1) + "?check=1"
    page = client.get(response["Location"])
    assert 'class="error-summary"' in page.content.decode()


def test_other_people_dossiers_are_not_found(client, citizen):
    dossier = make_dossier()
    for url in (_step_url(dossier, 0), reverse("dossiers:dossier-summary", args=[dossier.public_id]),
                reverse("dossiers:dossier-track", args=[dossier.public_id])):
        assert client.get(url).status_code == 404
    assert client.post(_step_url(dossier, 0), {"full_name": "X"}).status_code == 404


def test_tampered_step_number_and_row_count(client, citizen):
    fields = (("repetition", "Con", {"stable_id": "children", "options": {"min_rows": 0, "max_rows": 3}}),)
    procedure = published_procedure(fields=fields)
    dossier = make_dossier(procedure=procedure, applicant=citizen)
    assert client.get(_step_url(dossier, 7)).status_code == 404
    response = client.post(_step_url(dossier, 0), {"children__rows": "999999", "action": "save"})
    assert response.status_code == 200


def test_repetition_rows_are_added_and_removed_without_javascript(client, citizen):
    draft_fields = (("repetition", "Thành viên", {"stable_id": "members", "options": {"min_rows": 1, "max_rows": 5}}),)
    procedure = published_procedure(fields=draft_fields)
    draft = procedure.revisions.get(state="draft")
    from motcua.procedures import services as procedure_services

    block = draft.fields.get(stable_id="members")
    procedure_services.add_field(actor=procedure.admin, revision=draft, type="short_text", label_vi="Họ tên", stable_id="member_name", parent=block)
    procedure_services.publish_revision(actor=procedure.admin, procedure=procedure)
    dossier = make_dossier(procedure=procedure, applicant=citizen)
    client.post(_step_url(dossier, 0), {"members__rows": "1", "members__0__member_name": "An", "add_row": "members"})
    dossier.refresh_from_db()
    assert len(dossier.values["members"]) == 2 and dossier.values["members"][0]["member_name"] == "An"
    client.post(_step_url(dossier, 0), {"members__rows": "2", "members__0__member_name": "An", "members__1__member_name": "Bình",
                                        "remove_row": "members:0"})
    dossier.refresh_from_db()
    assert [row["member_name"] for row in dossier.values["members"]] == ["Bình"]


def test_delete_draft(client, citizen):
    dossier = make_dossier(applicant=citizen)
    response = client.post(reverse("dossiers:dossier-delete", args=[dossier.public_id]))
    assert response.status_code == 302
    assert not Dossier.objects.filter(pk=dossier.pk).exists()


def test_my_dossiers_lists_drafts_and_submitted(client, citizen):
    make_dossier(applicant=citizen)
    other = make_dossier(applicant=citizen, values=VALID_ANSWERS)
    from .. import services

    submitted = services.submit_dossier(actor=citizen, dossier=other)
    page = client.get(reverse("portal:my-dossiers")).content.decode()
    assert submitted.code in page
    assert page.count(reverse("dossiers:dossier-detail", args=[submitted.public_id])) == 1


def test_builder_test_dossier_path_and_purge(client):
    from motcua.accounts.tests.staff_helpers import force_verified_login
    from motcua.procedures import services as procedure_services

    procedure = published_procedure()
    force_verified_login(client, procedure.admin)
    url = reverse("dossiers:test-dossiers", args=[procedure.public_id])
    assert client.get(url).status_code == 200
    response = client.post(url)
    dossier = Dossier.objects.get(is_test=True)
    assert response["Location"] == _step_url(dossier, 0)
    client.post(_step_url(dossier, 0), {"full_name": "Thử", "action": "continue"})
    client.post(_step_url(dossier, 1), {"reason": "Thử nghiệm", "action": "continue"})
    client.post(reverse("dossiers:dossier-summary", args=[dossier.public_id]))
    dossier.refresh_from_db()
    assert dossier.code.startswith("TEST-") and dossier.state == DossierState.SUBMITTED
    assert dossier.code in client.get(url).content.decode()
    procedure_services.publish_revision(actor=procedure.admin, procedure=procedure)
    assert not Dossier.objects.filter(is_test=True).exists()


def test_test_dossiers_page_needs_procedure_admin(client, citizen):
    procedure = published_procedure()
    assert client.get(reverse("dossiers:test-dossiers", args=[procedure.public_id])).status_code == 404
    assert client.post(reverse("dossiers:test-dossiers", args=[procedure.public_id])).status_code == 404


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return tmp_path


def test_files_through_the_step_page(client, citizen, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from . import samples

    fields = (
        ("short_text", "Họ và tên", {"stable_id": "full_name", "required": True}),
        ("file", "Bản sao giấy tờ", {"stable_id": "scan", "required": True, "options": {"families": ["pdf"]}}),
    )
    procedure = published_procedure(fields=fields)
    dossier = make_dossier(procedure=procedure, applicant=citizen)
    # A program renamed .pdf is refused with a message; the typed name is kept.
    response = client.post(_step_url(dossier, 0), {"full_name": "Phạm Thu", "action": "continue",
                                                   "scan": SimpleUploadedFile("giay-to.pdf", samples.windows_program())})
    assert response.status_code == 400
    html = response.content.decode()
    assert "giay-to.pdf" in html and 'value="Phạm Thu"' in html
    dossier.refresh_from_db()
    assert dossier.values["full_name"] == "Phạm Thu" and not dossier.attachments.exists()
    # A real PDF is stored and referenced; it survives the next save through its hidden "keep" input.
    client.post(_step_url(dossier, 0), {"full_name": "Phạm Thu", "action": "save",
                                        "scan": SimpleUploadedFile("../../etc/giay-to.pdf", samples.pdf())})
    dossier.refresh_from_db()
    attachment = dossier.attachments.get()
    assert attachment.name == "giay-to.pdf"
    assert dossier.values["scan"][0]["id"] == attachment.token
    response = client.post(_step_url(dossier, 0), {"full_name": "Phạm Thu", "scan__keep": attachment.token, "action": "continue"})
    assert response.status_code == 302
    download = client.get(reverse("dossiers:attachment-download", args=[dossier.public_id, attachment.token]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    # Removing it with its button.
    client.post(_step_url(dossier, 0), {"full_name": "Phạm Thu", "scan__keep": attachment.token, "remove_file": attachment.token})
    dossier.refresh_from_db()
    assert not dossier.values.get("scan")


def test_expired_draft_tells_the_applicant_and_keeps_what_they_send(client, citizen):
    import datetime as dt

    from django.utils import timezone

    from .. import services

    dossier = make_dossier(applicant=citizen)
    Dossier.objects.filter(pk=dossier.pk).update(last_saved_at=timezone.now() - dt.timedelta(days=200),
                                                expiry_warned_at=timezone.now() - dt.timedelta(days=10))
    assert services.purge_expired_drafts() == 1
    page = client.get(_step_url(dossier, 0))
    assert page.status_code == 410
    response = client.post(_step_url(dossier, 0), {"full_name": "Đỗ Minh", "copies": "3", "action": "continue"})
    fresh = Dossier.objects.get(applicant=citizen)
    assert response["Location"] == _step_url(fresh, 0)
    assert fresh.values["full_name"] == "Đỗ Minh" and fresh.values["copies"] == 3
    page = client.get(response["Location"])
    assert [m.level_tag for m in page.context["messages"]] == ["warning"]


def test_old_draft_not_yet_purged_can_still_be_saved(client, citizen):
    import datetime as dt

    from django.utils import timezone

    dossier = make_dossier(applicant=citizen)
    Dossier.objects.filter(pk=dossier.pk).update(last_saved_at=timezone.now() - dt.timedelta(days=200))
    response = client.post(_step_url(dossier, 0), {"full_name": "An", "action": "save"})
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.last_saved_at > timezone.now() - dt.timedelta(minutes=1)


def test_start_page_from_the_catalogue_button_shows_the_form(client, citizen):
    procedure = published_procedure()
    response = client.post(reverse("dossiers:dossier-start", args=[procedure.public_id]), {})
    assert response.status_code == 200
    assert 'class="error-summary"' not in response.content.decode()
    assert not Dossier.objects.filter(applicant=citizen).exists()
