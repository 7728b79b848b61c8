"""Abstract base models shared by every app."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PublicIdModel(models.Model):
    """A random public identifier for URLs and APIs, so that row ids never leak."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


def translated(obj, base: str) -> str:
    """`obj.<base>_<active language>`, falling back to Vietnamese (the language of record)."""
    from django.utils.translation import get_language

    language = (get_language() or "vi")[:2]
    return getattr(obj, f"{base}_{language}", "") or getattr(obj, f"{base}_vi", "")


class CalendarDay(TimeStampedModel):
    """An exception to the public-holiday calendar, edited in the admin: an extra day off, or a
    day that is worked although it would not be (a Saturday swapped for a bridge day off, as the
    government decides each year). Read through `core.calendar_store.current_calendar()`."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("day off")
        WORKING_DAY = "working_day", _("working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.TextField(
        _("reason"), help_text=_("For example, the decision that announces the day off or the swapped working day.")
    )

    class Meta:
        ordering = ["-date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} ({self.get_kind_display()})"


class Job(PublicIdModel, TimeStampedModel):
    """A long piece of work a user started (an export, a bulk action), run by a background task,
    with what the progress bar shows and the items that failed (core/jobs.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("in progress")
        DONE = "done", _("finished")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("items to process"), default=0)
    done = models.PositiveIntegerField(_("items processed"), default=0)
    failures = models.JSONField(_("items that failed"), default=list, blank=True)
    result = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", max_length=200, blank=True)
    result_name = models.CharField(_("result file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["owner", "-created_at"], name="core_job_owner_recent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
