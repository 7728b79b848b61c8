"""Dossiers: what an applicant files, its events, attachments, messages and follow-ups.

A dossier's answers are one JSON document keyed by field `stable_id` (a repetition block holds
a list of rows), validated by the field types of the revision it was filed on (DESIGN.md §3).
The state is changed in one place only: `services.transition_dossier` (states.py's table)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency
from motcua.core.models import PublicIdModel, TimeStampedModel
from motcua.procedures.models import Procedure, Revision

from .constants import NATIONAL_STATUS, ActorRole, Decision, DossierChannel, DossierState, RepresentationKind, ScanStatus


class Dossier(PublicIdModel, TimeStampedModel):
    procedure = models.ForeignKey(Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers")
    revision = models.ForeignKey(Revision, verbose_name=_("form version"), on_delete=models.PROTECT, related_name="dossiers")
    agency = models.ForeignKey(Agency, verbose_name=_("receiving agency"), on_delete=models.PROTECT, related_name="dossiers")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="dossiers")
    representation = models.CharField(_("filed"), max_length=12, choices=RepresentationKind.choices, default=RepresentationKind.SELF)
    # Who the dossier is for when it is not the applicant: {"name", "personal_id" | "tax_code", "address"}.
    represented = models.JSONField(_("filed for"), default=dict, blank=True)
    # The applicant's identity when the dossier was started, with its source (OIDC claims).
    identity = models.JSONField(_("applicant identity"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=24, choices=DossierState.choices, default=DossierState.DRAFT)
    # Not indexed on its own: four values, always read with the agency and the state (inbox,
    # exports) whose index narrows the rows first.
    channel = models.CharField(_("filed through"), max_length=12, choices=DossierChannel.choices, default=DossierChannel.ONLINE)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    code = models.CharField(_("dossier code"), max_length=40, unique=True, null=True, blank=True)
    values = models.JSONField(_("answers"), default=dict, blank=True)
    current_step = models.PositiveSmallIntegerField(_("current step"), default=0)
    # Test dossiers are filed by procedure administrators on a draft form; purged on publication.
    is_test = models.BooleanField(_("test dossier"), default=False)
    last_saved_at = models.DateTimeField(_("last saved at"), null=True, blank=True)
    expiry_warned_at = models.DateTimeField(_("expiry warning sent at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("expected return"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("result delivered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A closed dossier that staff filed away: it leaves the back office's working tabs (archive tab).
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # Code and names without diacritics (core.text.search_key), for the back office's search.
    search_key = models.CharField(max_length=400, blank=True, editable=False, db_index=True)
    # Routing (instruction/routing.py): the instructor group the dossier is with, and the
    # instructor formally in charge of it. Kept on the row so the inbox filters and orders by
    # them through one index.
    group = models.ForeignKey("instruction.InstructorGroup", verbose_name=_("instructor group"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="dossiers")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_dossiers")
    last_event_seq = models.PositiveIntegerField(default=0, editable=False)
    last_event_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["applicant", "-updated_at"], name="dossiers_applicant_recent"),
            models.Index(fields=["agency", "state", "-submitted_at"], name="dossiers_agency_state"),
            models.Index(fields=["state", "last_saved_at"], name="dossiers_state_saved"),
            models.Index(fields=["procedure", "is_test"], name="dossiers_procedure_test"),
            # The inbox: a tab (states) of the user's agencies or groups, most urgent first.
            models.Index(fields=["agency", "state", "due_at"], name="dossiers_agency_state_due"),
            models.Index(fields=["group", "state", "due_at"], name="dossiers_group_state_due"),
            models.Index(fields=["assignee", "state", "due_at"], name="dossiers_assignee_state_due"),
            # The archive tab: the archived dossiers, most recently changed first.
            models.Index(fields=["agency", "state", "-updated_at"], name="dossiers_agency_archived",
                         condition=models.Q(archived_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.code or str(self.public_id)

    @property
    def national_status(self) -> tuple[int, str] | None:
        return NATIONAL_STATUS.get(self.state)

    @property
    def is_draft(self) -> bool:
        return self.state == DossierState.DRAFT


class DossierCodeCounter(models.Model):
    """Last dossier number given by an agency on a day (`{agency code}-{yyMMdd}-{NNNN}`)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossiers_one_counter_per_agency_day")]


class DossierEvent(models.Model):
    """Append-only log of everything a dossier goes through, hash-chained per dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=60)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_role = models.CharField(max_length=16, choices=ActorRole.choices)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["dossier_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossiers_event_unique_seq")]
        indexes = [models.Index(fields=["type", "created_at"], name="dossiers_event_type_time")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.type}"


def _attachment_token() -> str:
    return secrets.token_urlsafe(18)


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # Stored under a random name: the applicant's file name is kept in `name` only.
    return f"attachments/{timezone.now():%Y/%m}/{instance.token}"


class Attachment(TimeStampedModel):
    """An uploaded file. The dossier's answers refer to it by `token` (the reference "id")."""

    token = models.CharField(max_length=64, unique=True, default=_attachment_token, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    field_key = models.CharField(_("field"), max_length=120, blank=True)
    message = models.ForeignKey("Message", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, db_index=True)
    content_type = models.CharField(_("kind of file"), max_length=120)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    scan_status = models.CharField(max_length=12, choices=ScanStatus.choices, default=ScanStatus.NOT_SCANNED)
    scanner = models.CharField(max_length=40, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["dossier", "field_key"], name="dossiers_attachment_field")]

    def __str__(self) -> str:
        return self.name

    def reference(self) -> dict:
        """What the dossier's answers hold for this file (see procedures/fields/files.py)."""
        return {"id": self.token, "name": self.name, "size": self.size, "sha256": self.sha256, "content_type": self.content_type}


class Message(TimeStampedModel):
    """The thread between the applicant and the agency about one dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_agency = models.BooleanField(default=False)
    body = models.TextField(_("message"), max_length=5000)

    class Meta:
        ordering = ["dossier_id", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.body[:40]}"


class SupplementRequest(TimeStampedModel):
    """A request to complete the dossier (form 02): which answers and files, why, by when."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplement_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("what is missing and why"), max_length=5000)
    field_ids = models.JSONField(_("answers to complete"), default=list)
    due_on = models.DateField(_("answer before"), null=True, blank=True)
    resume_state = models.CharField(max_length=24, choices=DossierState.choices)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["dossier_id", "-created_at"]


class ClockPause(models.Model):
    """A period during which the legal deadline clock did not run."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="clock_pauses")
    reason = models.CharField(max_length=24, choices=DossierState.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier_id", "started_at"]


class SurveyAnswer(TimeStampedModel):
    """The applicant's assessment of the service for one dossier (criteria 1–9, 0/1/2 points,
    then ease of use and overall satisfaction)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="survey_answer")
    scores = models.JSONField(default=dict)  # {"1": 0|1|2, …, "9": …}
    ease = models.CharField(max_length=20)
    overall = models.CharField(max_length=20)
    comment = models.TextField(blank=True, max_length=2000)


class PurgedDraft(models.Model):
    """What remains of a draft deleted for inactivity: enough to tell its applicant what
    happened (and restart with what they were typing) instead of a bare "not found"."""

    public_id = models.UUIDField(unique=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    purged_at = models.DateTimeField()


def _prefill_token() -> str:
    return secrets.token_urlsafe(32)


class PrefillToken(models.Model):
    """A prefilled link: answers sent by an agency system (API scope "prefill") that start a
    dossier of `procedure` once, until `expires_at` (prefill_links.py). `values` were cleaned by
    the field types and hold prefillable fields only."""

    token = models.CharField(max_length=64, unique=True, default=_prefill_token, editable=False)
    procedure = models.ForeignKey(Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="+")
    values = models.JSONField(_("answers"), default=dict, blank=True)
    # The OAuth2 client id of the API client that made the link (kept if the client is deleted).
    created_by_client = models.CharField(_("API client"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("prefilled link")
        verbose_name_plural = _("prefilled links")
        indexes = [models.Index(fields=["expires_at"], name="dossiers_prefill_expiry")]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.created_by_client} {self.expires_at:%Y-%m-%d %H:%M}"
