"""Issued documents (signed PDFs kept as issued, found again by their public code or hash) and
the result templates administrators write for each procedure."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel

from .constants import (
    RESULT_TEMPLATE_BODY_MAX_LENGTH,
    RESULT_TEMPLATE_TITLE_MAX_LENGTH,
    DocumentKind,
    ResultTemplateDecision,
)


def _upload_to(document: "IssuedDocument", filename: str) -> str:
    # Named by the random public code, never by the applicant's data.
    return f"documents/{document.signed_at:%Y/%m}/{document.code}.pdf"


class IssuedDocument(TimeStampedModel):
    """A signed PDF as it was issued. Rows and files are never changed after `issue_document`."""

    code = models.CharField(_("verification code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    reference = models.CharField(_("reference"), max_length=80, help_text=_("For example the dossier code."))
    title = models.CharField(_("title"), max_length=255)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="issued_documents"
    )
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    signature_provider = models.CharField(_("signature provider"), max_length=40)
    signer_name = models.CharField(_("signer"), max_length=255, help_text=_("Common name of the signing certificate."))
    signer_subject = models.CharField(_("signing certificate subject"), max_length=500)
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-signed_at"]
        indexes = [models.Index(fields=["reference", "kind"], name="documents_reference_kind")]

    def __str__(self) -> str:
        return f"{self.title} ({self.reference})"


class ResultTemplate(TimeStampedModel):
    """The wording of a procedure's result document for one kind of decision, written by the
    procedure's administrators: a title and plain-text paragraphs with placeholders
    (documents/placeholders.py, docs/result-templates.md). Never markup or template code.

    Changed only through documents.result_templates (checked: no unknown placeholder)."""

    procedure = models.ForeignKey(
        "procedures.Procedure", verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="result_templates"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=ResultTemplateDecision.choices)
    title = models.CharField(_("title"), max_length=RESULT_TEMPLATE_TITLE_MAX_LENGTH)
    body = models.TextField(_("text"), max_length=RESULT_TEMPLATE_BODY_MAX_LENGTH)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("last changed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("result template")
        verbose_name_plural = _("result templates")
        ordering = ["procedure_id", "decision"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "decision"], name="documents_one_result_template_per_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_decision_display()})"
