"""The result document of a decision printed from the procedure's result template (the preview
before signing and the signed document alike), and the bad key at signing time: an expired
certificate or a wrong password records the decision, issues nothing, shows the staff a clear
message about the key, and "Sign the result again" issues it once the key is fixed."""

import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.conftest import TEST_P12_PASSWORD
from motcua.documents import placeholders
from motcua.documents import result_templates as templates
from motcua.documents.constants import ResultTemplateDecision
from motcua.documents.tests.pki import expired_credentials, write_p12
from motcua.dossiers.constants import Decision, DossierState
from motcua.dossiers.receipts import receipt_context
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier
from motcua.procedures.tests.factories import procedure_admin

from .. import result_text, selectors, services

pytestmark = pytest.mark.django_db

ACCEPTED_BODY = ("Xác nhận Ông/Bà [applicant.name] (hồ sơ [dossier.code], nộp ngày [dossier.submitted_on]) được cấp "
                 "[field:copies] bản sao.\n\nLý do yêu cầu: [field:reason]\nNgười giải quyết: [officer.name]")
ANY_BODY = "Quyết định: [decision.text] ngày [decision.date].\n\nLý do: [decision.motivation]"


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _in_instruction(values=None):
    kwargs = {"values": values} if values else {}
    return advance(submitted_dossier(**kwargs), "receive", "start_instruction")


def _template(dossier, decision, title, body):
    admin = procedure_admin(dossier.procedure.agency)
    return templates.save_result_template(actor=admin, procedure=dossier.procedure, decision=decision, title=title, body=body)


def _text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).split())


def _decide(dossier, decision=Decision.ACCEPTED, motivation="", capture=None):
    instructor = staff_of(dossier.agency)
    with capture(execute=True):
        services.decide_dossier(actor=instructor, dossier=dossier, decision=decision, motivation=motivation)
    dossier.refresh_from_db()
    return instructor


# --- The template's wording -------------------------------------------------------------------


def test_the_signed_result_prints_the_template_of_the_decision_with_the_dossier_values(
        django_capture_on_commit_callbacks):
    dossier = _in_instruction()
    _template(dossier, ResultTemplateDecision.ACCEPTED, "Giấy xác nhận [field:copies] bản", ACCEPTED_BODY)

    instructor = _decide(dossier, capture=django_capture_on_commit_callbacks)

    result = selectors.get_result(dossier)
    assert result.title == "Giấy xác nhận 2 bản"
    text = _text(result.file.open("rb").read())
    submitted_on = dossier.submitted_at.astimezone().strftime("%d/%m/%Y")
    assert "GIẤY XÁC NHẬN 2 BẢN" in text
    applicant = receipt_context(dossier).applicant_name  # as on the receipt (the verified identity)
    assert (f"Xác nhận Ông/Bà {applicant} (hồ sơ {dossier.code}, nộp ngày {submitted_on}) được cấp 2 bản sao."
            in text)
    assert "Lý do yêu cầu: Xin cấp bản sao" in text and f"Người giải quyết: {instructor.get_full_name()}" in text
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" not in text  # the standard wording is replaced


def test_the_preview_before_signing_prints_the_template_for_every_decision_with_the_motivation():
    dossier = _in_instruction()
    _template(dossier, ResultTemplateDecision.ANY, "Thông báo kết quả", ANY_BODY)

    data = services.preview_result_pdf(actor=staff_of(dossier.agency), dossier=dossier, decision=Decision.REFUSED,
                                       motivation="Thiếu bản chính giấy khai sinh.")

    text = _text(data)
    assert "BẢN XEM TRƯỚC" in text and "THÔNG BÁO KẾT QUẢ" in text
    assert "Quyết định: Từ chối giải quyết ngày" in text and "Lý do: Thiếu bản chính giấy khai sinh." in text


def test_the_standard_wording_is_printed_when_no_template_fits_the_decision():
    dossier = _in_instruction()
    _template(dossier, ResultTemplateDecision.REFUSED, "Từ chối", ANY_BODY)

    text = _text(services.preview_result_pdf(actor=staff_of(dossier.agency), dossier=dossier, decision=Decision.ACCEPTED))

    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text and "TỪ CHỐI" not in text


def test_answers_holding_markup_are_printed_as_typed_never_interpreted():
    dossier = _in_instruction(values={"full_name": "Nguyễn Văn An", "copies": 2, "reason": "<b>in đậm</b> & <i>x</i>"})
    _template(dossier, ResultTemplateDecision.ACCEPTED, "Giấy xác nhận", "Lý do: [field:reason]")

    text = _text(services.preview_result_pdf(actor=staff_of(dossier.agency), dossier=dossier, decision=Decision.ACCEPTED))

    assert "Lý do: <b>in đậm</b> & <i>x</i>" in text


def test_every_built_in_placeholder_has_a_value_and_the_decision_kinds_agree():
    dossier = _in_instruction()
    context = {"applicant_name": "A", "applicant_address": "B", "place_name": "C", "decision_text": "D", "signed_by": "E"}

    values = result_text.placeholder_values(context, dossier=dossier, motivation="M", decided_at=dossier.received_at)

    assert set(values) == set(placeholders.BUILT_INS)
    assert set(ResultTemplateDecision.values) == {*Decision.values, ResultTemplateDecision.ANY}
    assert {key: text for key, text in templates.SAMPLE_DECISION_TEXT.items() if key != "any"} == services.DECISION_TEXT_VI


# --- A bad key when signing -----------------------------------------------------------------------


def _page(client, dossier):
    return client.get(reverse("backoffice:dossier-detail", args=[dossier.public_id])).content.decode()


def _sign_again(client, dossier, capture):
    with capture(execute=True):
        return client.post(reverse("backoffice:dossier-result-sign-again", args=[dossier.public_id]))


def test_an_expired_certificate_keeps_the_decision_shows_when_it_expired_and_signing_again_works_once_renewed(
        settings, tmp_path, signing_pki, client, mailoutbox, django_capture_on_commit_callbacks):
    dossier = _in_instruction()
    settings.SIGNING_P12_PATH = str(write_p12(tmp_path, expired_credentials(signing_pki), signing_pki,
                                              password=TEST_P12_PASSWORD))
    mailoutbox.clear()

    instructor = _decide(dossier, capture=django_capture_on_commit_callbacks)

    assert dossier.state == DossierState.DECIDED and dossier.decision == Decision.ACCEPTED
    assert selectors.get_result(dossier) is None and not mailoutbox
    failure = selectors.result_signing_failure(dossier)
    assert failure.payload["error"] == "signing_certificate_expired" and failure.payload["params"] == {"expired_on": "2025-12-31"}
    force_verified_login(client, instructor)
    page = _page(client, dossier)
    assert "The result could not be signed" in page
    assert "The agency&#x27;s signing certificate expired on Dec. 31, 2025; ask the administrator to renew it." in page
    assert "Sign the result again" in page
    with translation.override("vi"):  # the stored message is said again in the reader's language
        assert "2025" in selectors.result_signing_failure(dossier).message

    # Still expired: a new failure is recorded and said; nothing is issued.
    response = _sign_again(client, dossier, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and selectors.get_result(dossier) is None
    assert dossier.events.filter(type="result.signing_failed").count() == 2

    settings.SIGNING_P12_PATH = str(signing_pki.agency_p12)  # renewed
    response = _sign_again(client, dossier, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"].endswith("#result")
    assert selectors.get_result(dossier) is not None and selectors.result_signing_failure(dossier) is None
    assert len(mailoutbox) == 1  # the applicant is told once the result is signed
    page = _page(client, dossier)
    assert "Download the signed result" in page and "Sign the result again" not in page


def test_a_wrong_key_password_keeps_the_decision_and_says_the_key_cannot_be_opened(
        settings, client, signing_pki, django_capture_on_commit_callbacks):
    dossier = _in_instruction()
    settings.SIGNING_P12_PASSWORD = "not-the-password"

    instructor = _decide(dossier, Decision.REFUSED, "Thiếu giấy tờ.", capture=django_capture_on_commit_callbacks)

    assert dossier.state == DossierState.DECIDED and selectors.get_result(dossier) is None
    assert selectors.result_signing_failure(dossier).payload["error"] == "signing_key_unreadable"
    force_verified_login(client, instructor)
    assert "The signing key cannot be opened: its password is wrong or the file is damaged." in _page(client, dossier)

    settings.SIGNING_P12_PASSWORD = TEST_P12_PASSWORD
    _sign_again(client, dossier, django_capture_on_commit_callbacks)
    assert selectors.get_result(dossier) is not None


def test_only_the_dossier_instructors_may_sign_again(settings, client, tmp_path, signing_pki,
                                                     django_capture_on_commit_callbacks):
    dossier = _in_instruction()
    settings.SIGNING_P12_PATH = str(tmp_path / "missing.p12")
    _decide(dossier, capture=django_capture_on_commit_callbacks)
    settings.SIGNING_P12_PATH = str(signing_pki.agency_p12)

    officer = staff_of(dossier.agency, Role.RECEIVING_OFFICER)
    force_verified_login(client, officer)
    assert "Sign the result again" not in _page(client, dossier)
    assert _sign_again(client, dossier, django_capture_on_commit_callbacks).status_code == 404
    force_verified_login(client, staff_of(procedure_admin().memberships.get().agency))
    assert _sign_again(client, dossier, django_capture_on_commit_callbacks).status_code == 404
    assert selectors.get_result(dossier) is None
