"""Procedures: catalogue metadata, revisions and the field definitions of each revision.

A procedure always has exactly one draft revision and at most one published revision
(database constraints). Publishing freezes the draft; editing starts a new draft copied
from the published one, keeping every field's `stable_id`, so dossiers filed on any revision
stay readable. Writes go through procedures/services.py.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency
from motcua.core.models import PublicIdModel, TimeStampedModel, translated

from .constants import (
    STABLE_ID_LENGTH,
    ApplicantKind,
    Channel,
    DeadlineUnit,
    FeePayer,
    ProcedureStatus,
    RevisionState,
    ServiceLevel,
)


def new_stable_id() -> str:
    """A short random identifier for a field, kept across revisions and clones."""
    return "f" + secrets.token_hex(STABLE_ID_LENGTH // 2)[: STABLE_ID_LENGTH - 1]


def _validate_subset(values, allowed, message):
    if not isinstance(values, list) or not values or any(v not in allowed for v in values) or len(set(values)) != len(values):
        raise ValidationError(message)


class TranslatedText(models.Model):
    class Meta:
        abstract = True

    def tr(self, base: str) -> str:
        return translated(self, base)


class Sector(TranslatedText):
    """Lĩnh vực: the national sector a procedure belongs to (Circular 03/2025/TT-VPCP codes)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.tr("name")

    @property
    def name(self) -> str:
        return self.tr("name")


class LifeEvent(TranslatedText):
    """A life or business event through which people look for procedures (birth, marriage...)."""

    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=255, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.tr("name")

    @property
    def name(self) -> str:
        return self.tr("name")


class Procedure(TranslatedText, PublicIdModel, TimeStampedModel):
    """A thủ tục hành chính as offered by one agency."""

    national_code = models.CharField(
        _("national procedure code"), max_length=40, blank=True, help_text=_("Code in the national database of procedures, e.g. 1.001193.")
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="procedures")
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT, related_name="procedures")
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=500, blank=True)
    summary_vi = models.TextField(_("summary (Vietnamese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    level = models.CharField(_("online service level"), max_length=20, choices=ServiceLevel.choices, default=ServiceLevel.FULL_ONLINE)
    deadline_amount = models.PositiveIntegerField(_("legal deadline"), default=0, help_text=_("0 when the result is given at once."))
    deadline_unit = models.CharField(_("deadline unit"), max_length=20, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    result_vi = models.CharField(_("result (Vietnamese)"), max_length=500, blank=True)
    result_en = models.CharField(_("result (English)"), max_length=500, blank=True)
    result_fr = models.CharField(_("result (French)"), max_length=500, blank=True)
    applicant_kinds = models.JSONField(_("who may apply"), default=list)
    channels = models.JSONField(_("channels"), default=list)
    life_events = models.ManyToManyField(LifeEvent, verbose_name=_("life events"), blank=True, related_name="procedures")
    status = models.CharField(_("status"), max_length=10, choices=ProcedureStatus.choices, default=ProcedureStatus.ACTIVE)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("replaced by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessors"
    )
    cloned_from = models.ForeignKey(
        "self", verbose_name=_("cloned from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="clones"
    )
    search_key = models.CharField(max_length=1200, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["agency_id", "national_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "national_code"], condition=~models.Q(national_code=""), name="procedures_unique_code_per_agency"
            ),
        ]
        indexes = [models.Index(fields=["status", "agency"], name="procedures_status_agency")]

    def __str__(self) -> str:
        return self.tr("name")

    @property
    def name(self) -> str:
        return self.tr("name")

    @property
    def summary(self) -> str:
        return self.tr("summary")

    @property
    def result(self) -> str:
        return self.tr("result")

    def clean(self) -> None:
        _validate_subset(self.applicant_kinds, ApplicantKind.values, _("Choose at least one kind of applicant, each once."))
        _validate_subset(self.channels, Channel.values, _("Choose at least one channel, each once."))
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("A procedure cannot replace itself.")})


class ProcedureFee(TranslatedText):
    """A fee or charge (phí, lệ phí) of a procedure, in whole đồng."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=255, blank=True)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    payer = models.CharField(_("who pays"), max_length=20, choices=FeePayer.choices, default=FeePayer.APPLICANT)
    exemptions = models.TextField(_("exemptions"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["procedure_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.tr('name')}: {self.amount_vnd:,} ₫".replace(",", ".")


class RequiredDocument(TranslatedText):
    """A document of the dossier (thành phần hồ sơ) the applicant hands in."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="required_documents")
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=500, blank=True)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    template = models.FileField(_("template file"), upload_to="procedures/templates/", blank=True)
    replaceable_by_registry = models.BooleanField(
        _("may be replaced by registry data"), default=False, help_text=_("Not asked when the data can be read from a national database.")
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["procedure_id", "position", "id"]

    def __str__(self) -> str:
        return self.tr("name")


class Revision(TimeStampedModel):
    """A version of a procedure's form and rules. Frozen once published."""

    procedure = models.ForeignKey(Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    state = models.CharField(_("state"), max_length=12, choices=RevisionState.choices, default=RevisionState.DRAFT)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # [{"id": "r…", "condition": <logic AST>, "message_vi": …, "message_en": …, "message_fr": …}]
    ineligibility_rules = models.JSONField(_("ineligibility rules"), default=list, blank=True)
    # [{"id": "r…", "condition": <logic AST>, "group": "<instructor group key>"}], used by instruction.
    routing_rules = models.JSONField(_("routing rules"), default=list, blank=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["procedure_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedures_revision_unique_number"),
            models.UniqueConstraint(
                fields=["procedure"], condition=models.Q(state=RevisionState.DRAFT), name="procedures_one_draft_revision"
            ),
            models.UniqueConstraint(
                fields=["procedure"], condition=models.Q(state=RevisionState.PUBLISHED), name="procedures_one_published_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure} — v{self.number} ({self.get_state_display()})"

    @property
    def is_frozen(self) -> bool:
        return self.state != RevisionState.DRAFT


class FieldDefinition(TranslatedText):
    """One field (or section, or repetition block) of a revision's form.

    `private` fields are instructor annotations, never shown to the applicant. Children of a
    repetition block have it as `parent`; a section's fields follow it by `position`.
    """

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="fields")
    stable_id = models.CharField(_("stable identifier"), max_length=32, default=new_stable_id)
    type = models.CharField(_("field type"), max_length=40)
    label_vi = models.CharField(_("label (Vietnamese)"), max_length=500)
    label_en = models.CharField(_("label (English)"), max_length=500, blank=True)
    label_fr = models.CharField(_("label (French)"), max_length=500, blank=True)
    help_vi = models.TextField(_("help (Vietnamese)"), blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)
    help_fr = models.TextField(_("help (French)"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    private = models.BooleanField(_("private annotation"), default=False)
    options = models.JSONField(_("options"), default=dict, blank=True)
    condition = models.JSONField(_("shown when"), null=True, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["revision_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["revision", "stable_id"], name="procedures_field_unique_stable_id")]
        indexes = [models.Index(fields=["revision", "position"], name="procedures_field_rev_pos")]

    def __str__(self) -> str:
        return self.tr("label")

    @property
    def label(self) -> str:
        return self.tr("label")

    @property
    def help(self) -> str:
        return self.tr("help")
