"""Issued documents: signed PDFs kept as issued, and found again by their public code or hash."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel

from .constants import DocumentKind


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
