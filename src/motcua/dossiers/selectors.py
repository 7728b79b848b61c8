"""Reads of dossiers, scoped to who asks (no existence leak: out of scope is NotFound)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from motcua.core.errors import NotFound

from .constants import DossierState, ScanStatus
from .models import Attachment, Dossier


def list_dossiers_for_applicant(*, actor) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(applicant=actor, is_test=False)
        .select_related("procedure", "agency")
        .order_by("-updated_at", "-pk")
    )


def get_dossier_for_applicant(*, actor, public_id) -> Dossier:
    if actor is None or not actor.is_authenticated:
        raise NotFound()
    try:
        return Dossier.objects.select_related("procedure", "revision", "agency").get(public_id=public_id, applicant=actor)
    except (Dossier.DoesNotExist, ValueError):
        raise NotFound() from None


def list_test_dossiers(*, procedure) -> QuerySet[Dossier]:
    return Dossier.objects.filter(procedure=procedure, is_test=True).order_by("-created_at")


def list_events(*, dossier: Dossier):
    return dossier.events.select_related("actor").order_by("seq")


def drafts_to_warn(*, saved_before):
    return Dossier.objects.filter(state=DossierState.DRAFT, is_test=False, last_saved_at__lt=saved_before, expiry_warned_at__isnull=True)


def drafts_to_delete(*, saved_before):
    return Dossier.objects.filter(state=DossierState.DRAFT, is_test=False, last_saved_at__lt=saved_before)


def get_purged_draft(*, actor, public_id):
    from .models import PurgedDraft

    if actor is None or not actor.is_authenticated:
        return None
    return PurgedDraft.objects.filter(public_id=public_id, applicant=actor).select_related("procedure").first()


def get_receipt(*, dossier: Dossier):
    """The signed receipt (form 01) of a submitted dossier, once issued."""
    from motcua.documents.models import IssuedDocument

    if not dossier.code:
        return None
    return IssuedDocument.objects.filter(kind="receipt", reference=dossier.code).order_by("-pk").first()


def get_attachment_for_applicant(*, actor, token: str, public_id=None, dossier: Dossier | None = None) -> Attachment:
    """An attachment of one of `actor`'s dossiers (given by `public_id` or `dossier`), for download.
    NotFound when it does not exist, belongs to someone else's dossier, or was found infected."""
    if actor is None or not actor.is_authenticated or (public_id is None and dossier is None):
        raise NotFound()
    scope = {"dossier": dossier} if dossier is not None else {"dossier__public_id": public_id}
    try:
        return (
            Attachment.objects.select_related("dossier")
            .exclude(scan_status=ScanStatus.INFECTED)
            .get(token=token, dossier__applicant=actor, **scope)
        )
    except (Attachment.DoesNotExist, ValueError, ValidationError):
        raise NotFound() from None


# --- After submission: thread, supplement, survey, public lookup ------------------------------


def list_messages(*, dossier: Dossier):
    """The dossier's thread, oldest first, with authors and files loaded (2 queries)."""
    from django.db.models import Prefetch

    from .models import Message

    files = Attachment.objects.exclude(scan_status=ScanStatus.INFECTED).order_by("pk")
    return (Message.objects.filter(dossier=dossier).select_related("author")
            .prefetch_related(Prefetch("attachments", queryset=files)).order_by("created_at", "pk"))


def get_survey_answer(*, dossier: Dossier):
    from .models import SurveyAnswer

    return SurveyAnswer.objects.filter(dossier=dossier).first()


def _digits(value) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit())


def get_dossier_for_lookup(*, code: str, factor: str) -> Dossier:
    """The submitted dossier with this code, when `factor` is the last 4 digits of its
    applicant's phone number or their 12-digit personal ID number (as known when the dossier
    was started, or now). NotFound otherwise, the same whether the code or the factor is wrong."""
    import hmac

    from .codes import parse_dossier_code

    factor = _digits(factor)
    code = (code or "").strip().upper()
    if len(factor) not in (4, 12) or parse_dossier_code(code) is None:
        raise NotFound()
    dossier = (Dossier.objects.select_related("procedure", "agency", "applicant")
               .filter(code=code, is_test=False, submitted_at__isnull=False).first())
    if dossier is None:
        raise NotFound()
    identity = dossier.identity or {}
    if len(factor) == 4:
        known = {_digits(phone)[-4:] for phone in (identity.get("phone"), dossier.applicant.phone) if len(_digits(phone)) >= 4}
    else:
        known = {_digits(pid) for pid in (identity.get("personal_id"), dossier.applicant.personal_id) if len(_digits(pid)) == 12}
    if not any(hmac.compare_digest(factor, candidate) for candidate in known):
        raise NotFound()
    return dossier
