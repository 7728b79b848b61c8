"""Kinds of issued documents and the limits of the public verification page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """What an issued document is. Values are stored: never rename them (add a new one)."""

    # One-stop forms, numbered as in DESIGN.md §5 (Circular 03/2025/TT-VPCP, Appendix I; form 01
    # is the same as under Circular 01/2018/TT-VPCP).
    RECEIPT = "receipt", _("Receipt and appointment (form 01)")
    SUPPLEMENT_REQUEST = "supplement_request", _("Request to complete the dossier (form 02)")
    INTAKE_REFUSAL = "intake_refusal", _("Refusal to receive the dossier (form 03)")
    APOLOGY = "apology", _("Apology and new return date (form 04)")
    STOP_NOTICE = "stop_notice", _("Notice that processing has stopped (form 05)")
    # The decision itself (permit, certificate, refusal letter).
    RESULT = "result", _("Result document")


# The public verification page refuses larger uploads before reading them.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# Public codes: 12 characters of Crockford's base 32 (60 random bits), shown as XXXX-XXXX-XXXX.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
CODE_GROUP = 4

# Rate limits of the public pages, per client address (requests per window).
UPLOAD_LIMIT = (20, 10 * 60)
LOOKUP_LIMIT = (60, 10 * 60)


class ResultTemplateDecision(models.TextChoices):
    """Which decisions a result template is for. The decision values are those of
    dossiers.constants.Decision (documents does not import dossiers: a test checks they agree);
    ANY is the template used when a decision has none of its own. Stored: never rename."""

    ANY = "any", _("Every decision")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    WITHOUT_FOLLOW_UP = "without_follow_up", _("Closed without follow-up")


# Result templates: sizes an administrator may write (the body is a page or two of a legal letter).
RESULT_TEMPLATE_TITLE_MAX_LENGTH = 200
RESULT_TEMPLATE_BODY_MAX_LENGTH = 10_000
