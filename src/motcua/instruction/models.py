"""Instruction records: the expert opinions asked during processing (issue 6, item 4).

An `Opinion` is a question an instructor sends to an outside expert by e-mail. The expert
answers once, without an account, through the link carrying `token` (the token is the
credential: random, unique, never shown to anyone but the expert and the agency's staff)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.dossiers.models import Dossier

OPINION_QUESTION_MAX_LENGTH = 5000
OPINION_ANSWER_MAX_LENGTH = 10000


def new_opinion_token() -> str:
    return secrets.token_urlsafe(32)


class Opinion(TimeStampedModel):
    dossier = models.ForeignKey(Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="opinions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
                                     related_name="requested_opinions")
    expert_email = models.EmailField(_("expert's e-mail"))
    expert_name = models.CharField(_("expert's name"), max_length=200)
    question = models.TextField(_("question"), max_length=OPINION_QUESTION_MAX_LENGTH)
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_opinion_token, editable=False)
    due_on = models.DateField(_("answer before"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=OPINION_ANSWER_MAX_LENGTH, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert opinion")
        verbose_name_plural = _("expert opinions")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.expert_name} <{self.expert_email}>"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class InstructorGroup(TimeStampedModel):
    """A team of instructors who handle a procedure's dossiers (groupe instructeur): by commune,
    by kind of request, by department. Every procedure that has groups has one default group,
    which receives the dossiers no routing rule matches. Groups are ordered: the first group whose
    `routing_rule` (a logic AST over the dossier's answers, the same language as conditions)
    holds gets the dossier (instruction/routing.py)."""

    procedure = models.ForeignKey("procedures.Procedure", verbose_name=_("procedure"), on_delete=models.CASCADE,
                                  related_name="instructor_groups")
    name = models.CharField(_("name"), max_length=120)
    # What the revision's routing rules name ({"group": "<key>"}, docs/procedure-format.md).
    key = models.SlugField(_("key"), max_length=60, help_text=_("Short name used by the routing rules, like tu-phap."))
    position = models.PositiveIntegerField(_("position"), default=0)
    is_default = models.BooleanField(_("default group"), default=False,
                                     help_text=_("Receives the dossiers that no routing rule sends elsewhere."))
    routing_rule = models.JSONField(_("routing rule"), null=True, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("instructors"), through="GroupMembership",
                                     related_name="instructor_groups", blank=True)

    class Meta:
        verbose_name = _("instructor group")
        verbose_name_plural = _("instructor groups")
        ordering = ("procedure", "position", "pk")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "name"], name="instruction_group_unique_name"),
            models.UniqueConstraint(fields=["procedure", "key"], name="instruction_group_unique_key"),
            models.UniqueConstraint(fields=["procedure"], condition=models.Q(is_default=True),
                                    name="instruction_group_one_default"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(TimeStampedModel):
    group = models.ForeignKey(InstructorGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships")

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="instruction_group_member_once")]
        indexes = [models.Index(fields=["user", "group"], name="instruction_member_user")]


class DossierFollower(TimeStampedModel):
    """A staff member who follows a dossier they are not assigned to (notified of what happens)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_dossiers")

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["dossier", "user"], name="instruction_follow_once")]
        indexes = [models.Index(fields=["user", "dossier"], name="instruction_follower_user")]


class InboxPreference(TimeStampedModel):
    """A staff member's own choices for the dossier inbox: the columns shown (besides the code),
    their order, the sort, and named saved filters (selectors.py reads them)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_preference")
    columns = models.JSONField(_("columns"), default=list, blank=True)
    sort = models.CharField(_("sort"), max_length=80, blank=True)
    saved_filters = models.JSONField(_("saved filters"), default=list, blank=True)

    class Meta:
        verbose_name = _("inbox preference")
        verbose_name_plural = _("inbox preferences")


class ExportTemplate(TimeStampedModel):
    """A staff member's named choice of columns for exports of a procedure's dossiers (any field,
    annotation, status, date...), reused from one export to the next (instruction/exports/)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
                              related_name="export_templates")
    procedure = models.ForeignKey("procedures.Procedure", verbose_name=_("procedure"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="export_templates")
    name = models.CharField(_("name"), max_length=120)
    columns = models.JSONField(_("columns"), default=list)

    class Meta:
        verbose_name = _("export template")
        verbose_name_plural = _("export templates")
        ordering = ("name", "pk")
        constraints = [models.UniqueConstraint(fields=["owner", "procedure", "name"], name="instruction_export_template_once")]
