"""Errors of the dossier services (stable codes, translated messages)."""

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import MotcuaError


class ProcedureNotOpen(MotcuaError):
    code = "procedure_not_open"
    default_message = _("This procedure is no longer open for new dossiers.")


class NotEligible(MotcuaError):
    code = "not_eligible"
    default_message = _("You cannot file this procedure.")


class InvalidTransition(MotcuaError):
    code = "invalid_transition"
    default_message = _("This action is not possible at this stage of the dossier.")
    status = 409


class DossierInvalid(MotcuaError):
    code = "dossier_invalid"
    default_message = _("Some answers must be corrected before the dossier can be submitted.")

    def __init__(self, message=None, *, errors=None, ineligible=None, step=None):
        super().__init__(message)
        self.errors = errors or {}
        self.ineligible = ineligible or []
        self.step = step


class FilingInvalid(DossierInvalid):
    """A dossier filed for an applicant at the one-stop desk (counter.py) cannot be accepted:
    `identity` maps the applicant's identity fields to messages; `errors` and `ineligible` are
    those of the answers and files, as in DossierInvalid."""

    code = "filing_invalid"
    default_message = _("Some information must be corrected before the dossier can be filed.")

    def __init__(self, message=None, *, identity=None, errors=None, ineligible=None):
        super().__init__(message, errors=errors, ineligible=ineligible)
        self.identity = identity or {}


class DraftExpired(MotcuaError):
    code = "draft_expired"
    default_message = _("This draft was deleted because it was not changed for a long time.")
    status = 410


class DailyLimitReached(MotcuaError):
    code = "daily_limit"
    default_message = _("The agency cannot number more dossiers today. Try again tomorrow or contact the agency.")
    status = 503


class AttachmentRejected(MotcuaError):
    """An uploaded file was refused; `code` says why (too_large, empty_file, type_mismatch, …)
    and the message names the file."""

    code = "attachment_rejected"
    default_message = _("The file was not accepted.")


class InputInvalid(MotcuaError):
    """What was sent cannot be accepted; `fields` maps each field name to its messages."""

    code = "invalid_input"
    default_message = _("Some information must be corrected.")


class SurveyLocked(MotcuaError):
    code = "survey_locked"
    default_message = _("Your rating can no longer be changed: it can be changed during 7 days after you first gave it.")
    status = 409
