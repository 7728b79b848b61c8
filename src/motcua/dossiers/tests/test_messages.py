"""The message thread between the applicant and the agency: service and tracking page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.accounts.constants import Role
from motcua.accounts.tests.factories import CitizenFactory
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core.errors import NotFound

from .. import services
from ..errors import AttachmentRejected, InputInvalid, InvalidTransition
from ..models import Attachment, Message
from . import samples
from .factories import make_dossier
from .lifecycle import staff_of, submitted_dossier

pytestmark = pytest.mark.django_db


def _pdf(name="giay-to.pdf"):
    return SimpleUploadedFile(name, samples.pdf(), content_type="application/pdf")


def _track(dossier):
    return reverse("dossiers:dossier-track", args=[dossier.public_id])


def _send_url(dossier):
    return reverse("dossiers:dossier-message-send", args=[dossier.public_id])


def test_applicant_and_agency_staff_write_in_one_thread():
    dossier = submitted_dossier()
    first = services.send_message(actor=dossier.applicant, dossier=dossier, body="  Tôi cần bổ sung gì không?  ")
    officer = staff_of(dossier.agency, Role.RECEIVING_OFFICER)
    answer = services.send_message(actor=officer, dossier=dossier, body="Hồ sơ đã đủ.")
    assert (first.from_agency, first.body) == (False, "Tôi cần bổ sung gì không?")
    assert answer.from_agency and answer.author == officer
    events = list(dossier.events.filter(type="message.sent").order_by("seq"))
    assert [(e.actor_role, e.payload["from_agency"]) for e in events] == [("applicant", False), ("reception", True)]
    assert "body" not in events[0].payload  # the log holds no message text


def test_strangers_cannot_write():
    dossier = submitted_dossier()
    for stranger in (CitizenFactory(), staff_of(AgencyFactory()), None):
        with pytest.raises(NotFound):
            services.send_message(actor=stranger, dossier=dossier, body="Xin chào")
    assert not Message.objects.exists()


def test_any_member_of_the_agency_may_write():
    dossier = submitted_dossier()
    admin = staff_of(dossier.agency, Role.AGENCY_ADMIN)
    assert services.send_message(actor=admin, dossier=dossier, body="Đã nhận").from_agency


def test_body_is_required_and_limited():
    dossier = submitted_dossier()
    with pytest.raises(InputInvalid) as empty:
        services.send_message(actor=dossier.applicant, dossier=dossier, body="   ")
    with pytest.raises(InputInvalid) as long:
        services.send_message(actor=dossier.applicant, dossier=dossier, body="a" * 5001)
    assert "body" in empty.value.fields and "5000" in long.value.fields["body"][0]
    assert services.send_message(actor=dossier.applicant, dossier=dossier, body="a" * 5000)


def test_drafts_have_no_thread():
    dossier = make_dossier()
    with pytest.raises(InvalidTransition):
        services.send_message(actor=dossier.applicant, dossier=dossier, body="Xin chào")


def test_files_are_checked_and_attached_to_the_message():
    dossier = submitted_dossier()
    message = services.send_message(actor=dossier.applicant, dossier=dossier, body="Gửi kèm giấy tờ", files=[_pdf()])
    attachment = Attachment.objects.get()
    assert attachment.message == message and attachment.field_key == "__message"
    assert attachment.content_type == "application/pdf" and attachment.file.read() == samples.pdf()
    assert dossier.events.get(type="message.sent").payload["files"] == 1


def test_a_refused_file_stores_nothing():
    dossier = submitted_dossier()
    program = SimpleUploadedFile("setup.pdf", samples.windows_program())
    with pytest.raises(AttachmentRejected):
        services.send_message(actor=dossier.applicant, dossier=dossier, body="Xem tệp", files=[_pdf(), program])
    assert not Message.objects.exists() and not Attachment.objects.exists()


def test_track_page_shows_the_thread_oldest_first(client):
    dossier = submitted_dossier()
    client.force_login(dossier.applicant)
    empty = client.get(_track(dossier)).content.decode()
    assert "No messages yet" in empty
    response = client.post(_send_url(dossier), {"body": "Câu hỏi đầu tiên", "files": [_pdf("ban-sao.pdf")]})
    assert response.status_code == 302 and response["Location"].endswith("?sent=1#messages")
    services.send_message(actor=staff_of(dossier.agency), dossier=dossier, body="Câu trả lời của cơ quan")
    html = client.get(response["Location"]).content.decode()
    assert "Your message was sent" in html
    assert html.index("Câu hỏi đầu tiên") < html.index("Câu trả lời của cơ quan")
    assert dossier.agency.name in html and "ban-sao.pdf" in html
    token = Attachment.objects.get().token
    download = client.get(reverse("dossiers:attachment-download", args=[dossier.public_id, token]))
    assert download.status_code == 200


def test_too_long_message_comes_back_as_typed(client):
    dossier = submitted_dossier()
    client.force_login(dossier.applicant)
    body = "Nội dung rất dài " * 400  # > 5,000 characters
    response = client.post(_send_url(dossier), {"body": body})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in html and "at most 5000 characters" in html
    assert body.strip()[:100] in html  # what was typed is still in the text area
    assert not Message.objects.exists()


def test_refused_file_keeps_the_text(client):
    dossier = submitted_dossier()
    client.force_login(dossier.applicant)
    response = client.post(_send_url(dossier), {"body": "Tin nhắn của tôi",
                                                "files": [SimpleUploadedFile("virus.pdf", samples.windows_program())]})
    html = response.content.decode()
    assert response.status_code == 400 and "Tin nhắn của tôi" in html and "choose the files again" in html
    assert not Message.objects.exists()


def test_another_citizen_gets_not_found(client):
    dossier = submitted_dossier()
    client.force_login(CitizenFactory())
    assert client.post(_send_url(dossier), {"body": "Xin chào"}).status_code == 404
    assert not Message.objects.exists()


@pytest.mark.parametrize("count", [2, 20])
def test_track_page_queries_do_not_grow_with_the_thread(client, django_assert_max_num_queries, count):
    dossier = submitted_dossier()
    officer = staff_of(dossier.agency)
    for number in range(count):
        author = officer if number % 2 else dossier.applicant
        services.send_message(actor=author, dossier=dossier, body=f"Tin nhắn {number}", files=[_pdf()] if number < 2 else ())
    client.force_login(dossier.applicant)
    with django_assert_max_num_queries(10):
        response = client.get(_track(dossier))
    assert response.content.decode().count('<li class="message') == count


def test_applicant_is_emailed_when_the_agency_writes(mailoutbox, django_capture_on_commit_callbacks):
    dossier = submitted_dossier()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(actor=dossier.applicant, dossier=dossier, body="Xin hỏi tiến độ")
    assert mailoutbox == []  # the applicant's own message sends nothing
    officer = staff_of(dossier.agency, Role.RECEIVING_OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(actor=officer, dossier=dossier, body="Hồ sơ đang được xử lý.")
    assert len(mailoutbox) == 1 and dossier.code in mailoutbox[0].subject
    assert reverse("dossiers:dossier-track", args=[dossier.public_id]) in mailoutbox[0].body
