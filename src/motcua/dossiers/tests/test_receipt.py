"""The receipt (form 01) issued after submission: signed, downloadable, e-mailed, verifiable."""

import io

import pytest
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko.keys import load_cert_from_pemder

from .. import selectors, services
from .factories import VALID_ANSWERS, make_dossier

pytestmark = pytest.mark.django_db


def test_submission_issues_a_signed_receipt_and_emails_it(client, mailoutbox, django_capture_on_commit_callbacks, signing_pki):
    dossier = make_dossier(values=VALID_ANSWERS)
    client.force_login(dossier.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.submit_dossier(actor=dossier.applicant, dossier=dossier)
    receipt = selectors.get_receipt(dossier=dossier)
    assert receipt is not None and receipt.reference == dossier.code
    assert dossier.events.filter(type="receipt.issued").exists()
    response = client.get(reverse("dossiers:dossier-receipt", args=[dossier.public_id]))
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    # pyHanko's own validator accepts the signature with the demo trust root.
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(signing_pki.root_cert))])
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(data)).embedded_signatures[0], context)
    assert status.intact and status.valid and status.trusted
    # The applicant is told, with the receipt attached.
    assert len(mailoutbox) == 1 and dossier.code in mailoutbox[0].subject
    assert mailoutbox[0].attachments[0][0].endswith(".pdf")


def test_tracking_page_links_the_receipt(client, django_capture_on_commit_callbacks):
    dossier = make_dossier(values=VALID_ANSWERS)
    client.force_login(dossier.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_dossier(actor=dossier.applicant, dossier=dossier)
    page = client.get(reverse("dossiers:dossier-track", args=[dossier.public_id])).content.decode()
    assert reverse("dossiers:dossier-receipt", args=[dossier.public_id]) in page


def test_event_chain_detects_tampering():
    from ..events import verify_chain

    dossier = make_dossier(values=VALID_ANSWERS)
    dossier = services.submit_dossier(actor=dossier.applicant, dossier=dossier)
    assert verify_chain(dossier)
    event = dossier.events.get(type="dossier.submitted")
    event.payload = {**event.payload, "code": "H00-000000-0001"}
    event.save(update_fields=["payload"])
    assert not verify_chain(dossier)
