"""Abstract base models shared by every app."""

import uuid

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
