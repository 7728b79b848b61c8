"""The receipt (form 01, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả") of a dossier: what it
states, taken from the dossier, its procedure and its agency; rendered and signed by documents."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from motcua.documents import services as document_services
from motcua.documents.receipts import ReceiptContext, ReceivedDocument

from .constants import DossierChannel
from .events import append_event
from .models import Dossier

# Legal forms are in Vietnamese whatever the interface language (documents/receipts.py).
_UNIT_VI = {"working_days": "ngày làm việc", "days": "ngày", "working_hours": "giờ làm việc"}


def _address_text(address) -> str:
    if isinstance(address, dict):
        return address.get("text") or ", ".join(str(v) for k, v in address.items() if v and k != "commune_code")
    return str(address or "")


def _received_by(dossier: Dossier) -> str:
    """The officer who received the dossier, or the online system for fully online procedures
    (their receipt is issued at submission)."""
    event = dossier.events.filter(type="dossier.received").select_related("actor").order_by("-seq").first()
    if event is not None and event.actor is not None:
        return event.actor.full_name or event.actor.email
    return "Hệ thống dịch vụ công trực tuyến"


def receipt_context(dossier: Dossier) -> ReceiptContext:
    agency = dossier.agency
    procedure = dossier.procedure
    identity = dossier.identity or {}
    applicant = identity.get("full_name") or dossier.applicant.full_name
    if dossier.represented.get("name"):
        applicant = f"{dossier.represented['name']} (người nộp: {applicant})"
    place = agency.admin_unit.name if agency.admin_unit_id else ""
    return ReceiptContext(
        dossier_code=dossier.code,
        governing_body=(agency.parent.name_vi if agency.parent_id else "").upper(),
        agency_name=agency.name_vi.upper(),
        desk_name=f"Bộ phận tiếp nhận và trả kết quả — {agency.name_vi}",
        place_name=place.replace("Tỉnh ", "").replace("Thành phố ", "") if place else "",
        applicant_name=applicant,
        applicant_address=_address_text(identity.get("address")),
        applicant_phone=identity.get("phone") or "",
        applicant_email=identity.get("email") or dossier.applicant.email,
        procedure_name=procedure.name_vi,
        received_at=timezone.localtime(dossier.received_at or dossier.submitted_at),
        due_at=timezone.localtime(dossier.due_at),
        received_by=_received_by(dossier),
        documents=[ReceivedDocument(name=d.name_vi, originals=d.originals, copies=d.copies)
                   for d in procedure.required_documents.order_by("position", "pk")],
        processing_time=f"{procedure.deadline_amount} {_UNIT_VI.get(procedure.deadline_unit, '')}".strip(),
        return_place="Trực tuyến (tải về trên Cổng dịch vụ công)" if procedure.level == "full_online" else (agency.address or agency.name_vi),
        tracking_url=f"{settings.SITE_URL}{reverse('portal:home')}",
        # Filed at the desk: the applicant signs the paper receipt (form 01 has the block for it).
        submitted_online=dossier.channel != DossierChannel.COUNTER,
    )


def issue_receipt(*, dossier: Dossier):
    """Issue (once) the signed receipt of a submitted dossier whose return date is known."""
    from . import selectors

    existing = selectors.get_receipt(dossier=dossier)
    if existing is not None or not dossier.code or dossier.due_at is None:
        return existing
    document = document_services.issue_receipt(receipt=receipt_context(dossier), agency=dossier.agency)
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        append_event(locked, type="receipt.issued", actor=None, actor_role="system",
                     payload={"document": document.code, "sha256": document.sha256})
    return document
