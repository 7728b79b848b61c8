"""Dossier vocabularies: states (with the national status codes), decisions, actor roles, events."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RECEIVED = "received", _("Received")
    REJECTED_AT_INTAKE = "rejected_at_intake", _("Not accepted at intake")
    IN_INSTRUCTION = "in_instruction", _("Being processed")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Waiting for your supplement")
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for payment")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STOPPED = "stopped", _("Processing stopped")
    DECIDED = "decided", _("Decided")
    DELIVERED = "delivered", _("Result delivered")


# The national status list (DVCQG): code and official Vietnamese name. These are data exchanged
# with the national portal, shown as they are next to our own (translated) state name.
NATIONAL_STATUS: dict[str, tuple[int, str]] = {
    DossierState.SUBMITTED: (1, "Mới đăng ký"),
    DossierState.RECEIVED: (2, "Được tiếp nhận"),
    DossierState.REJECTED_AT_INTAKE: (3, "Không được tiếp nhận"),
    DossierState.IN_INSTRUCTION: (4, "Đang xử lý"),
    DossierState.AWAITING_SUPPLEMENT: (5, "Yêu cầu bổ sung giấy tờ"),
    DossierState.AWAITING_PAYMENT: (6, "Yêu cầu thực hiện nghĩa vụ tài chính"),
    DossierState.WITHDRAWN: (7, "Công dân yêu cầu rút hồ sơ"),
    DossierState.STOPPED: (8, "Dừng xử lý"),
    DossierState.DECIDED: (9, "Đã xử lý xong"),
    DossierState.DELIVERED: (10, "Đã trả kết quả"),
}

# States in which the legal deadline clock does not run (the pause is recorded).
CLOCK_PAUSED_STATES = frozenset({DossierState.AWAITING_SUPPLEMENT, DossierState.AWAITING_PAYMENT})
# States after which nothing happens any more.
FINAL_STATES = frozenset({DossierState.REJECTED_AT_INTAKE, DossierState.WITHDRAWN, DossierState.STOPPED, DossierState.DELIVERED})


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    WITHOUT_FOLLOW_UP = "without_follow_up", _("Closed without follow-up")


class ActorRole(models.TextChoices):
    """Who may take a transition (states.py). Staff roles map to agency memberships."""

    APPLICANT = "applicant", _("Applicant")
    RECEPTION = "reception", _("One-stop desk officer")
    INSTRUCTOR = "instructor", _("Instructor")
    DECIDER = "decider", _("Decision maker")
    SYSTEM = "system", _("System")


class RepresentationKind(models.TextChoices):
    SELF = "self", _("For myself")
    BUSINESS = "business", _("For a business or organisation I represent")
    PERSON = "person", _("On behalf of another person (with a mandate)")


class DossierChannel(models.TextChoices):
    """How a dossier reached the agency (set when it is created, never changed). Counted apart
    by the monitoring indicators (share of dossiers filed online) and shown in exports."""

    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the one-stop desk")
    POST = "post", _("By post")
    API = "api", _("From an agency system (API)")


class ScanStatus(models.TextChoices):
    CLEAN = "clean", _("No virus found")
    NOT_SCANNED = "not_scanned", _("Not scanned (no antivirus configured)")
    INFECTED = "infected", _("Virus found")


# A draft kept this many days after its last change is deleted; its applicant is warned first.
DEFAULT_DRAFT_RETENTION_DAYS = 90
DEFAULT_DRAFT_WARNING_DAYS = 7
MAX_DOSSIER_NUMBER_PER_DAY = 9999
