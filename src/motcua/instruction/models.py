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
