"""Decisions with a signed result, and delivery: decide (accepted / refused / without follow-up,
with a motivation), the result document rendered, signed and verifiable (or the signing failure
recorded for the staff), the preview before signing, delivery by channel, then the citizen's
download and the survey. Out of scope is NotFound (no existence leak)."""

import io

import pypdf
import pytest
from django.utils import translation
from django.urls import reverse
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.accounts.constants import Role
from motcua.accounts.tests.staff_helpers import force_verified_login
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core.errors import NotFound
from motcua.documents.constants import DocumentKind
from motcua.documents.models import IssuedDocument
from motcua.dossiers.constants import ActorRole, Decision, DossierState
from motcua.dossiers.errors import InputInvalid, InvalidTransition
from motcua.dossiers.events import verify_chain
from motcua.dossiers.tests.lifecycle import advance, staff_of, submitted_dossier

from .. import selectors, services, tasks
from ..timeline import staff_timeline

pytestmark = pytest.mark.django_db

MOTIVATION = "Hồ sơ không đáp ứng điều kiện theo Điều 5 Nghị định 23/2015/NĐ-CP.\nĐề nghị bổ sung giấy tờ gốc."


def _in_instruction():
    return advance(submitted_dossier(), "receive", "start_instruction")


def _text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).split())


def _validate(data: bytes, signing_pki):
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(signing_pki.root_cert))])
    return validate_pdf_signature(PdfFileReader(io.BytesIO(data)).embedded_signatures[0], context)


# --- decide_dossier ------------------------------------------------------------------------------


def test_accepting_issues_a_signed_attestation_and_tells_the_applicant(
        signing_pki, mailoutbox, django_capture_on_commit_callbacks):
    dossier = _in_instruction()
    dossier.procedure.result_vi = "Bản sao trích lục khai sinh"
    dossier.procedure.save(update_fields=["result_vi"])
    instructor = staff_of(dossier.agency)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_dossier(actor=instructor, dossier=dossier, decision=Decision.ACCEPTED, motivation="")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED and dossier.decision == Decision.ACCEPTED and dossier.decided_at
    event = dossier.events.get(type="dossier.decided")
    assert event.payload == {"decision": "accepted", "motivation": ""}
    assert event.actor == instructor and event.actor_role == ActorRole.INSTRUCTOR

    result = selectors.get_result(dossier)
    assert result.kind == DocumentKind.RESULT and result.reference == dossier.code
    assert dossier.events.filter(type="result.issued", payload__document=result.code).exists() and verify_chain(dossier)
    data = result.file.open("rb").read()
    status = _validate(data, signing_pki)
    assert status.intact and status.valid and status.trusted
    text = _text(data)
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text and "Bản sao trích lục khai sinh" in text
    assert dossier.code in text and "Nguyễn Văn An" in text and "Xin cấp bản sao" in text  # the main answers
    assert instructor.get_full_name() in text
    assert [m.to for m in mailoutbox] == [[dossier.applicant.email]] and dossier.code in mailoutbox[0].subject


def test_refusing_issues_a_notice_with_the_motivation(signing_pki, django_capture_on_commit_callbacks):
    dossier = _in_instruction()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_dossier(actor=staff_of(dossier.agency), dossier=dossier, decision=Decision.REFUSED,
                                motivation=f"  {MOTIVATION} ")
    dossier.refresh_from_db()
    assert dossier.decision == Decision.REFUSED
    assert dossier.events.get(type="dossier.decided").payload == {"decision": "refused", "motivation": MOTIVATION}
    data = selectors.get_result(dossier).file.open("rb").read()
    assert _validate(data, signing_pki).valid
    text = _text(data)
    assert "THÔNG BÁO TỪ CHỐI GIẢI QUYẾT HỒ SƠ" in text and "Nghị định 23/2015/NĐ-CP" in text
    assert "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" not in text


@pytest.mark.parametrize("decision", [Decision.REFUSED, Decision.WITHOUT_FOLLOW_UP])
def test_a_motivation_is_required_unless_accepted(decision, django_capture_on_commit_callbacks):
    dossier = _in_instruction()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(InputInvalid) as info:
        services.decide_dossier(actor=staff_of(dossier.agency), dossier=dossier, decision=decision, motivation="   ")
    assert list(info.value.fields) == ["motivation"] and not callbacks
    dossier.refresh_from_db()
    assert dossier.state == DossierState.IN_INSTRUCTION and dossier.decision == "" and dossier.decided_at is None
    assert not dossier.events.filter(type="dossier.decided").exists()


def test_bad_decision_and_too_long_motivation_are_refused():
    dossier = _in_instruction()
    instructor = staff_of(dossier.agency)
    with pytest.raises(InputInvalid) as info:
        services.decide_dossier(actor=instructor, dossier=dossier, decision="maybe", motivation="x")
    assert list(info.value.fields) == ["decision"]
    with pytest.raises(InputInvalid) as info:
        services.decide_dossier(actor=instructor, dossier=dossier, decision=Decision.ACCEPTED,
                                motivation="x" * (services.RESULT_MOTIVATION_MAX_LENGTH + 1))
    assert list(info.value.fields) == ["motivation"]


def test_only_instructors_of_the_agency_decide_and_only_in_instruction():
    dossier = _in_instruction()
    for stranger in (staff_of(AgencyFactory()), staff_of(dossier.agency, Role.RECEIVING_OFFICER), dossier.applicant):
        with pytest.raises(NotFound):
            services.decide_dossier(actor=stranger, dossier=dossier, decision=Decision.ACCEPTED, motivation="")
        with pytest.raises(NotFound):
            services.preview_result_pdf(actor=stranger, dossier=dossier, decision=Decision.ACCEPTED, motivation="")
    received = advance(submitted_dossier(), "receive")
    with pytest.raises(InvalidTransition):
        services.decide_dossier(actor=staff_of(received.agency), dossier=received, decision=Decision.ACCEPTED)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.IN_INSTRUCTION


def test_preview_renders_the_result_unsigned_and_changes_nothing():
    dossier = _in_instruction()
    data = services.preview_result_pdf(actor=staff_of(dossier.agency), dossier=dossier, decision=Decision.REFUSED,
                                       motivation=MOTIVATION)
    assert data.startswith(b"%PDF") and not PdfFileReader(io.BytesIO(data)).embedded_signatures
    text = _text(data)
    assert "BẢN XEM TRƯỚC" in text and "Nghị định 23/2015/NĐ-CP" in text
    dossier.refresh_from_db()
    assert dossier.state == DossierState.IN_INSTRUCTION and not IssuedDocument.objects.filter(kind=DocumentKind.RESULT).exists()
    with pytest.raises(InputInvalid):
        services.preview_result_pdf(actor=staff_of(dossier.agency), dossier=dossier, decision=Decision.REFUSED, motivation="")


# --- Signing failure -------------------------------------------------------------------------------


def test_a_signing_failure_is_recorded_and_shown_and_the_decision_stands(
        settings, tmp_path, signing_pki, client, mailoutbox, django_capture_on_commit_callbacks):
    dossier = _in_instruction()
    instructor = staff_of(dossier.agency)
    settings.SIGNING_P12_PATH = str(tmp_path / "missing.p12")  # a broken key path
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_dossier(actor=instructor, dossier=dossier, decision=Decision.ACCEPTED)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED and dossier.decision == Decision.ACCEPTED
    assert selectors.get_result(dossier) is None and not mailoutbox  # not told before the result is signed
    failure = selectors.result_signing_failure(dossier)
    assert failure is not None and failure.payload["error"] == "signer_not_configured" and verify_chain(dossier)
    with translation.override("en"):
        texts = [str(item["text"]) for item in staff_timeline(dossier.events.order_by("seq"))]
    assert any("could not be signed" in text for text in texts)
    # The staff dossier page shows it.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    force_verified_login(client, instructor)
    page = client.get(reverse("backoffice:dossier-detail", args=[dossier.public_id])).content.decode()
    assert "could not be signed" in page
    # Electronic delivery waits for the signed result.
    with pytest.raises(InputInvalid) as info:
        services.deliver_result(actor=instructor, dossier=dossier, channel="electronic")
    assert list(info.value.fields) == ["channel"]

    # Once the key is fixed, signing again issues the result and tells the applicant.
    settings.SIGNING_P12_PATH = str(signing_pki.agency_p12)
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_result_signing(actor=instructor, dossier=dossier)
    assert selectors.get_result(dossier) is not None and selectors.result_signing_failure(dossier) is None
    assert len(mailoutbox) == 1
    with pytest.raises(InvalidTransition):
        services.retry_result_signing(actor=instructor, dossier=dossier)


def test_the_result_is_issued_once(django_capture_on_commit_callbacks):
    dossier = _in_instruction()
    services.decide_dossier(actor=staff_of(dossier.agency), dossier=dossier, decision=Decision.ACCEPTED)
    tasks.issue_result.call(dossier.pk)
    tasks.issue_result.call(dossier.pk)
    assert dossier.events.filter(type="result.issued").count() == 1
    assert IssuedDocument.objects.filter(kind=DocumentKind.RESULT, reference=dossier.code).count() == 1


# --- deliver_result ----------------------------------------------------------------------------------


def test_electronic_delivery_requires_the_result():
    dossier = _in_instruction()
    services.decide_dossier(actor=staff_of(dossier.agency), dossier=dossier, decision=Decision.ACCEPTED)  # task not run
    officer = staff_of(dossier.agency, Role.RECEIVING_OFFICER)
    with pytest.raises(InputInvalid) as info:
        services.deliver_result(actor=officer, dossier=dossier, channel="electronic")
    assert list(info.value.fields) == ["channel"]
    with pytest.raises(InputInvalid):
        services.deliver_result(actor=officer, dossier=dossier, channel="pigeon")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DECIDED and dossier.delivered_at is None
    # At the counter, the paper result is handed over.
    services.deliver_result(actor=officer, dossier=dossier, channel="counter")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DELIVERED and dossier.delivered_at == dossier.closed_at is not None
    event = dossier.events.get(type="result.delivered")
    assert event.payload == {"channel": "counter", "document": None} and event.actor_role == ActorRole.RECEPTION


def test_only_staff_of_the_agency_deliver_and_only_decided_dossiers():
    dossier = _in_instruction()
    with pytest.raises(InvalidTransition):
        services.deliver_result(actor=staff_of(dossier.agency), dossier=dossier, channel="counter")
    services.decide_dossier(actor=staff_of(dossier.agency), dossier=dossier, decision=Decision.ACCEPTED)
    for stranger in (staff_of(AgencyFactory(), Role.RECEIVING_OFFICER), dossier.applicant):
        with pytest.raises(NotFound):
            services.deliver_result(actor=stranger, dossier=dossier, channel="counter")


# --- Citizen side ---------------------------------------------------------------------------------------


def test_citizen_sees_the_decision_downloads_the_result_then_rates_the_service(
        client, signing_pki, django_capture_on_commit_callbacks):
    dossier = _in_instruction()
    track = reverse("dossiers:dossier-track", args=[dossier.public_id])
    result_url = reverse("dossiers:dossier-result", args=[dossier.public_id])
    survey_url = reverse("dossiers:dossier-survey", args=[dossier.public_id])
    client.force_login(dossier.applicant)
    assert client.get(result_url).status_code == 404  # nothing decided yet
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_dossier(actor=staff_of(dossier.agency), dossier=dossier, decision=Decision.ACCEPTED,
                                motivation="Đủ điều kiện.")
    page = client.get(track).content.decode()
    assert "Đủ điều kiện." in page and result_url in page
    response = client.get(result_url)
    data = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf" and f"ket-qua-{dossier.code}.pdf" in response["Content-Disposition"]
    assert _validate(data, signing_pki).valid
    assert client.get(survey_url).status_code == 302  # not before delivery

    services.deliver_result(actor=staff_of(dossier.agency, Role.RECEIVING_OFFICER), dossier=dossier, channel="electronic")
    dossier.refresh_from_db()
    assert dossier.events.get(type="result.delivered").payload == {"channel": "electronic",
                                                                   "document": selectors.get_result(dossier).code}
    page = client.get(track).content.decode()
    assert survey_url in page and result_url in page
    assert client.get(survey_url).status_code == 200

    # Another citizen gets nothing.
    from motcua.accounts.tests.factories import CitizenFactory

    client.force_login(CitizenFactory())
    assert client.get(result_url).status_code == 404
